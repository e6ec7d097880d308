"""One Codex's query language (Potion's `where` and `sort` JSON), translated to document-store filters, and
the cursors of cursor-style pages.

Only what One Codex's client sends for the routes served here is understood; any other key is a 400 that
names it, so a script never silently gets an unfiltered listing.
"""

import base64
import binascii
import json
import re
from datetime import datetime
from typing import Any

from virtool_api.errors import BadRequest
from virtool_api.samples.models import Visibility
from virtool_api.utils import as_utc


class InvalidListingQuery(BadRequest):
    """400 naming the part of a `where`, `sort` or cursor that cannot be answered."""

    described = (
        "Invalid JSON in where",
        "Invalid JSON in sort",
        "Unsupported filter: {key}",
        "Unsupported operator for filter {key}: {operator}",
        "Invalid value for filter: {key}",
        "Unsupported sort: {key}",
        "Invalid value for sort: {key}",
        "Sort by one field at most",
        "Invalid cursor",
    )


SAMPLE_FILTERS = ("$uri", "project", "tags", "visibility")
NAMED_FILTERS = ("$uri", "name")
"""Tags and projects are looked up by name (the client's `Tags.where(name=...)`) or by URI."""


def parse_json_object(text: str, parameter: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        raise InvalidListingQuery(f"Invalid JSON in {parameter}") from None
    if not isinstance(value, dict):
        raise InvalidListingQuery(f"Invalid JSON in {parameter}")
    return value


def _unsupported(key: str) -> InvalidListingQuery:
    return InvalidListingQuery(f"Unsupported filter: {key}")


def _invalid(key: str) -> InvalidListingQuery:
    return InvalidListingQuery(f"Invalid value for filter: {key}")


def _id_of(value: Any, collection: str, key: str) -> str:
    """A resource id from `"<id>"`, `"/api/v1/{collection}/<id>"` or `{"$ref": <that URI>}`."""
    if isinstance(value, dict) and set(value) == {"$ref"}:
        value = value["$ref"]
        if not isinstance(value, str) or not value.startswith("/api/"):
            raise _invalid(key)
    if not isinstance(value, str) or not value or len(value) > 1_000:
        raise _invalid(key)
    if value.startswith("/api/"):
        match = re.fullmatch(rf"/api(?:/v1)?/{collection}/([^/]+)", value)
        if match is None:
            raise _invalid(key)
        return match.group(1)
    return value


def _operand(value: Any, key: str, allowed: tuple[str, ...]) -> tuple[str, Any]:
    """`value` -> `("$eq", value)`; `{"$in": [...]}` -> `("$in", [...])`, for the operators allowed here."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) not in ("$ref", "$uri"):
        operator, operand = next(iter(value.items()))
        if operator not in allowed:
            raise InvalidListingQuery(f"Unsupported operator for filter {key}: {operator}")
        if operator in ("$in", "$containsall") and not isinstance(operand, list):
            raise _invalid(key)
        return operator, operand
    if "$eq" not in allowed:
        raise _invalid(key)
    return "$eq", value


def _ids_clause(value: Any, collection: str, key: str, nullable: bool = False) -> Any:
    operator, operand = _operand(value, key, ("$eq", "$in"))
    if operator == "$in":
        return {"$in": [_resolve(item, collection, key, nullable) for item in operand]}
    return _resolve(operand, collection, key, nullable)


def _resolve(value: Any, collection: str, key: str, nullable: bool) -> str | None:
    if value is None and nullable:
        return None
    return _id_of(value, collection, key)


def _visibility_clause(value: Any) -> Any:
    operator, operand = _operand(value, "visibility", ("$eq", "$in"))
    values = operand if operator == "$in" else [operand]
    if not all(isinstance(item, str) and item in set(Visibility) for item in values):
        raise _invalid("visibility")
    return {"$in": values} if operator == "$in" else operand


def _tags_clause(value: Any) -> Any:
    operator, operand = _operand(value, "tags", ("$containsall", "$contains"))
    if operator == "$contains":
        return _id_of(operand, "tags", "tags")
    ids = [_id_of(item, "tags", "tags") for item in operand]
    return {"$all": ids} if ids else None


def sample_filter(where: dict[str, Any]) -> dict[str, Any]:
    """A samples filter from the client's `where`: `$uri`, `project`, `tags`, `visibility`."""
    clauses: dict[str, Any] = {}
    for key, value in where.items():
        if key == "$uri":
            clauses["_id"] = _ids_clause(value, "samples", key)
        elif key == "project":
            clauses["project"] = _ids_clause(value, "projects", key, nullable=True)
        elif key == "tags":
            if (tags := _tags_clause(value)) is not None:
                clauses["tags"] = tags
        elif key == "visibility":
            clauses["visibility"] = _visibility_clause(value)
        else:
            raise _unsupported(key)
    return clauses


def named_filter(where: dict[str, Any], collection: str) -> tuple[set[str] | None, set[str] | None]:
    """`(ids, names)` a tag or project listing is narrowed to (None: not narrowed), from `$uri` and `name`."""
    ids: set[str] | None = None
    names: set[str] | None = None
    for key, value in where.items():
        if key == "$uri":
            clause = _ids_clause(value, collection, key)
            ids = set(clause["$in"]) if isinstance(clause, dict) else {clause}
        elif key == "name":
            operator, operand = _operand(value, key, ("$eq", "$in"))
            values = operand if operator == "$in" else [operand]
            if not all(isinstance(item, str) for item in values):
                raise _invalid(key)
            names = set(values)
        else:
            raise _unsupported(key)
    return ids, names


def sort_order(sort: dict[str, Any], allowed: tuple[str, ...], default: str) -> tuple[str, bool]:
    """`(field, descending)` from the client's `sort`: `{"created_at": true}` is newest first (Potion's
    `true` means reverse), `false` oldest first. One field at most.
    """
    if not sort:
        return default, default == "created_at"
    if len(sort) > 1:
        raise InvalidListingQuery("Sort by one field at most")
    (field, descending), *_ = sort.items()
    if field not in allowed:
        raise InvalidListingQuery(f"Unsupported sort: {field}")
    if not isinstance(descending, bool):
        raise InvalidListingQuery(f"Invalid value for sort: {field}")
    return field, descending


def encode_cursor(document: dict[str, Any]) -> str:
    """An opaque position after `document` in a listing ordered by `(created_at, _id)`."""
    position = [as_utc(document["created_at"]).isoformat(), document["_id"]]
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def cursor_filter(cursor: str, descending: bool) -> dict[str, Any]:
    """The documents after the cursor's position, in the listing's order.

    A position, not an offset: samples created while a client pages through a listing neither repeat nor
    push others out of it.
    """
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at_text, sample_id = json.loads(text)
        created_at = as_utc(datetime.fromisoformat(created_at_text))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidListingQuery("Invalid cursor") from None
    if not isinstance(sample_id, str):
        raise InvalidListingQuery("Invalid cursor")
    beyond = "$lt" if descending else "$gt"
    return {
        "$or": [
            {"created_at": {beyond: created_at}},
            {"created_at": created_at, "_id": {beyond: sample_id}},
        ]
    }
