"""Dotted paths into documents, read the way MongoDB's queries read them."""

import functools
from typing import Any

from virtool_api.storage.docstore.codec import MISSING


@functools.lru_cache(maxsize=4096)  # the same few paths, split for every query and every write
def split(path: str) -> tuple[str, ...]:
    if not isinstance(path, str) or not path or "" in path.split("."):
        raise ValueError(f"not a field path: {path!r}")
    return tuple(path.split("."))


def leaves(value: Any, parts: tuple[str, ...]) -> list[Any]:
    """The values a path names: through an array of documents, each element's value (MongoDB's implicit
    traversal); MISSING where a document lacks the field. A numeric part meeting an array (`a.0`) raises
    NotImplementedError: positional paths are outside the embedded store's surface."""
    found: list[Any] = []
    _collect(value, parts, 0, found)
    return found


def _collect(value: Any, parts: tuple[str, ...], depth: int, found: list[Any]) -> None:
    if depth == len(parts):
        found.append(value)
        return
    if isinstance(value, dict):
        part = parts[depth]
        _collect(value[part], parts, depth + 1, found) if part in value else found.append(MISSING)
    elif isinstance(value, list):
        if parts[depth].isdigit():
            raise NotImplementedError(
                f"positional path {'.'.join(parts)!r} is not supported by the embedded document store"
            )
        for item in value:
            if isinstance(item, dict):
                _collect(item, parts, depth, found)
    else:
        found.append(MISSING)


def candidates(found: list[Any]) -> list[Any]:
    """What a query operator compares: each value, and the elements of array values as well."""
    values: list[Any] = []
    for value in found:
        values.append(value)
        if isinstance(value, list):
            values.extend(value)
    return values


def crosses_array(value: Any, parts: tuple[str, ...]) -> bool:
    """Whether the path meets an array on the way or at its end."""
    for part in parts:
        if isinstance(value, list):
            return True
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return isinstance(value, list)
