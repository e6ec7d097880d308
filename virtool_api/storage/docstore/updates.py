"""MongoDB update documents applied to a decoded document, and projections of documents.

Updates: `$set $unset $inc $push (with $each) $pull $addToSet (with $each) $setOnInsert`. Other operators,
and paths that index into arrays (`a.0`), raise NotImplementedError; what MongoDB refuses (changing `_id`, two
operators on one path, `$inc` of a string, `$push` to a non-array) raises PyMongo's `WriteError`, as MongoDB
does.
"""

import copy
import itertools
from datetime import datetime
from typing import Any

from bson import Int64, ObjectId
from pymongo.errors import OperationFailure, WriteError

from virtool_api.storage.docstore.codec import (
    MAX_INT32,
    MAX_INT64,
    MIN_INT32,
    MIN_INT64,
    decode_document,
    decode_documents,
    decode_kept,
    sort_key,
)
from virtool_api.storage.docstore.filters import unsupported, value_matcher
from virtool_api.storage.docstore.paths import split

OPERATORS = ("$set", "$unset", "$inc", "$push", "$pull", "$addToSet", "$setOnInsert")
Projection = tuple[bool, dict[str, Any]] | None
"""A compiled projection (`compile_projection`): `(including, tree)`, or None for the whole document."""
_SHARED = frozenset({str, int, float, bool, type(None), datetime, bytes, ObjectId})
"""Values `copied` shares instead of copying: immutable, and most of what a document holds."""


def copied(value: Any) -> Any:
    """A deep copy of a document or value, as `copy.deepcopy` makes it, several times faster for what
    documents hold: dicts and lists are copied, immutable values (strings, numbers, dates, ids) shared."""
    kind = type(value)
    if kind is dict:
        return {key: copied(item) for key, item in value.items()}
    if kind is list:
        return [copied(item) for item in value]
    if kind in _SHARED:
        return value
    return copy.deepcopy(value)


def check_update(update: Any) -> None:
    """Refuse what PyMongo refuses (a replacement or an empty update) and what is outside the surface."""
    if isinstance(update, list):
        raise unsupported("an aggregation pipeline update")
    if not isinstance(update, dict) or not update:
        raise ValueError("update cannot be empty")
    if not next(iter(update)).startswith("$"):
        raise ValueError("update only works with $ operators")
    paths: list[tuple[str, ...]] = []
    for operator, fields in update.items():
        if operator not in OPERATORS:
            raise unsupported(f"update operator {operator}")
        if not isinstance(fields, dict):
            raise WriteError(
                f"Modifiers operate on fields but we found type {type(fields).__name__} instead", 9
            )
        paths.extend(split(path) for path in fields)
    # Two paths conflict when one is a prefix of the other (or the same path); in sorted order a prefix comes
    # right before some path it is a prefix of, so only neighbours are compared (n log n, not every pair).
    ordered = sorted(paths)
    if any(later[: len(earlier)] == earlier for earlier, later in itertools.pairwise(ordered)):
        _refuse_conflict(paths)


def _refuse_conflict(paths: list[tuple[str, ...]]) -> None:
    """MongoDB's error for the first conflicting pair, in the update's order."""
    for index, path in enumerate(paths):
        for other in paths[index + 1 :]:
            shorter = min(len(path), len(other))
            if path[:shorter] == other[:shorter]:
                conflict = ".".join(path[:shorter])
                message = f"Updating the path '{'.'.join(other)}' would create a conflict at '{conflict}'"
                raise WriteError(message, 40)


def apply_update(document: dict[str, Any], update: dict[str, Any], inserting: bool = False) -> None:
    """Apply `update` to `document` in place; `$setOnInsert` only when `inserting` (an upsert)."""
    for operator, fields in update.items():
        if operator == "$setOnInsert" and not inserting:
            continue
        for path in sorted(
            fields
        ):  # MongoDB (5.0+) adds new fields in the lexicographic order of their paths
            parts = split(path)
            if parts[0] == "_id" and not (
                operator in ("$set", "$setOnInsert")
                and len(parts) == 1
                and fields[path] == document.get("_id")
            ):
                raise WriteError(
                    "Performing an update on the path '_id' would modify the immutable field '_id'", 66
                )
            _apply(document, operator, parts, copied(fields[path]))


def _parent(document: dict[str, Any], parts: tuple[str, ...], create: bool) -> dict[str, Any] | None:
    """The document holding the path's last field; None when it does not exist and `create` is False. A
    path through a scalar, a null or an array is MongoDB's PathNotViable (`WriteError` 28) when creating;
    through an array by position (`a.0`) it is outside the surface."""
    value: Any = document
    for depth, part in enumerate(parts[:-1]):
        if part not in value:
            if not create:
                return None
            value[part] = {}
        value = value[part]
        if not isinstance(value, dict):
            if isinstance(value, list) and parts[depth + 1].isdigit():
                raise unsupported(f"updating an array element by position ({'.'.join(parts)})")
            if not create:
                return None
            raise WriteError(f"Cannot create field '{parts[depth + 1]}' in element {{{part}: {value!r}}}", 28)
    return value


def _apply(document: dict[str, Any], operator: str, parts: tuple[str, ...], operand: Any) -> None:
    name = parts[-1]
    if operator == "$set" and len(parts) == 1:  # most of what is written: a top-level field
        document[name] = operand
        return
    path = ".".join(parts)
    if operator in ("$unset", "$pull"):
        parent = _parent(document, parts, create=False)
        if parent is None or name not in parent:
            return
        if operator == "$unset":
            del parent[name]
            return
        if not isinstance(parent[name], list):
            raise WriteError("Cannot apply $pull to a non-array value", 2)
        removed = value_matcher(operand)
        parent[name] = [element for element in parent[name] if not removed(element)]
        return
    parent = _parent(document, parts, create=True)
    assert parent is not None
    if operator in ("$set", "$setOnInsert"):
        parent[name] = operand
    elif operator == "$inc":
        if not _is_number(operand):
            raise WriteError(f"Cannot increment with non-numeric argument: {{{path}: {operand!r}}}", 14)
        current = parent.get(name, 0)
        if not _is_number(current):
            raise WriteError(
                f"Cannot apply $inc to a value of non-numeric type. {{_id: {document['_id']!r}}}", 14
            )
        total = current + operand
        if isinstance(total, int) and not MIN_INT64 <= total <= MAX_INT64:
            raise WriteError(f"Failed to apply $inc operations to current value ({current!r})", 2)
        parent[name] = total
    else:
        items = _each(operand)
        current = parent.setdefault(name, [])
        if not isinstance(current, list):
            raise WriteError(
                f"The field '{path}' must be an array but is of type {type(current).__name__}", 2
            )
        if operator == "$push":
            current.extend(items)
            return
        present = {sort_key(element) for element in current}
        for item in items:
            if sort_key(item) not in present:
                current.append(item)
                present.add(sort_key(item))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _each(operand: Any) -> list[Any]:
    if isinstance(operand, dict) and any(key.startswith("$") for key in operand):
        if set(operand) != {"$each"}:
            raise unsupported(f"modifiers {sorted(set(operand) - {'$each'})} of $push/$addToSet")
        if not isinstance(operand["$each"], list):
            raise WriteError("The argument to $each must be an array", 2)
        return list(operand["$each"])
    return [operand]


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """Put `value` at a dotted path, making the documents on the way (an upsert's fields from its filter)."""
    _apply(document, "$set", split(path), copied(value))


_STORED_AS_IS = frozenset({str, float, bool, type(None), bytes, ObjectId, Int64})
"""Values BSON gives back as they are (type and value); see `stored_as_is` for the others it may."""


def stored_as_is(value: Any) -> bool:
    """Whether decoding `value`'s BSON gives back an equal value of the same type, all the way down: not a
    tuple (a list), a dict subclass (a dict), an int past 32 bits (`Int64`), a datetime with a time zone
    or sub-milliseconds (naive, to the millisecond), nor anything less common (no need to be exhaustive)."""
    kind = type(value)
    if kind in _STORED_AS_IS:
        return True
    if kind is int:
        return MIN_INT32 <= value <= MAX_INT32
    if kind is datetime:
        return value.tzinfo is None and not value.microsecond % 1000
    if kind is dict:
        return all(type(key) is str and stored_as_is(item) for key, item in value.items())
    if kind is list:
        return all(stored_as_is(item) for item in value)
    return False


def updated_as_stored(document: dict[str, Any], update: dict[str, Any], projection: Projection) -> bool:
    """Whether `document`, once `update` is applied, holds what its BSON would decode to wherever
    `projection` keeps a path the update wrote (what it read from the store already does): then the document
    after an update can be projected as it is in memory, without decoding what was just encoded."""
    including, tree = projection if projection is not None else (False, {})
    for fields in update.values():
        for path in fields:
            parts = split(path)
            if (parts[0] not in tree) if including else (tree.get(parts[0]) is True):
                continue  # not returned
            value: Any = document
            for part in parts:
                if type(value) is not dict:
                    return False  # through an array: not worth following
                value = value.get(part)
            if not stored_as_is(value):
                return False
    return True


def compile_projection(projection: Any) -> Projection:
    """`(including, tree)` of a projection (`{"a": 1}`, `{"a": 0}`, or a list of names), None for none."""
    if projection is None:
        return None
    if isinstance(projection, list | tuple):
        projection = dict.fromkeys(projection, 1)
    if not isinstance(projection, dict):
        raise TypeError("projection must be a dict or a list of field names")
    flags: dict[str, bool] = {}
    for path, flag in projection.items():
        if isinstance(flag, dict) or not isinstance(flag, bool | int | float):
            raise unsupported(f"projection operator {flag!r} on {path!r}")
        flags[path] = bool(flag)
    paths = sorted(split(path) for path in flags)
    for shorter, longer in itertools.pairwise(paths):
        if longer[: len(shorter)] == shorter:
            raise OperationFailure(f"Path collision at {'.'.join(longer)}", 31250)
    including = any(flag for path, flag in flags.items() if path != "_id")
    if not including and any(flag for path, flag in flags.items() if path == "_id") and len(flags) == 1:
        including = True
    tree: dict[str, Any] = {}
    for path, flag in flags.items():
        if path != "_id" and flag != including:
            kind = "exclusion" if including else "inclusion"
            raise OperationFailure(
                f"Cannot do {kind} on field {path} in {'in' if including else 'ex'}clusion projection", 31254
            )
        node = tree
        parts = split(path)
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = True
    keep_id = flags.get("_id", True)
    tree.pop("_id", None)
    if including and keep_id:
        tree["_id"] = True
    if not including and not keep_id:
        tree["_id"] = True
    return including, tree


def project(document: dict[str, Any], compiled: Projection) -> dict[str, Any]:
    if compiled is None:
        return document
    including, tree = compiled
    if including:
        return _included(document, tree)
    if all(branch is True for branch in tree.values()):  # top-level fields left out: a copy without them
        result = document.copy()
        for name in tree:
            result.pop(name, None)
        return result
    return _excluded(document, tree)


def decode_projected(datas: list[bytes], compiled: Projection) -> list[dict[str, Any]]:
    """The documents of `datas` as `compiled` shapes them. A projection keeping top-level fields only decodes
    them without the top-level arrays left out (`codec.decode_kept`: a listed job without its status
    history); a document it cannot answer so is decoded whole."""
    if compiled is None:
        return decode_documents(datas)
    including, tree = compiled
    if not including or dict in map(type, tree.values()):
        return [project_decoded(document, compiled) for document in decode_documents(datas)]
    return [
        kept if (kept := decode_kept(data, tree)) is not None else _included(decode_document(data), tree)
        for data in datas
    ]


def project_decoded(document: dict[str, Any], compiled: tuple[bool, dict[str, Any]] | None) -> dict[str, Any]:
    """`project` of a document just decoded, which nothing else holds: a projection leaving out top-level
    fields only takes them out of it (a job in a listing without its status history and key: 16k
    instructions a document walked and copied, under 1k popped)."""
    if compiled is None:
        return document
    including, tree = compiled
    if including or dict in map(type, tree.values()):
        return _included(document, tree) if including else _excluded(document, tree)
    for name in tree:
        document.pop(name, None)
    return document


def _included(value: Any, tree: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_included(item, tree) for item in value if isinstance(item, dict | list)]
    result = {}
    for name, item in value.items():
        if name in tree:
            branch = tree[name]
            if branch is True:
                result[name] = item
            elif isinstance(item, dict | list):
                result[name] = _included(item, branch)
    return result


def _excluded(value: Any, tree: dict[str, Any]) -> Any:
    if isinstance(value, list):
        return [_excluded(item, tree) if isinstance(item, dict | list) else item for item in value]
    result = {}
    for name, item in value.items():
        branch = tree.get(name)
        if branch is True:
            continue
        result[name] = _excluded(item, branch) if branch and isinstance(item, dict | list) else item
    return result
