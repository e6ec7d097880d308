"""MongoDB query filters, compiled once into a tree that both the SQL planner (`planner.py`) and the exact
Python matcher read.

The surface: equality on dotted paths (matching array members and, for null, missing fields), `$eq $ne $in
$nin $gt $gte $lt $lte $exists $regex/$options $all`, and `$and $or` of filters. Any other operator raises
NotImplementedError naming it; a malformed filter that MongoDB refuses raises PyMongo's `OperationFailure`.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pymongo.errors import OperationFailure

from virtool_api.storage.docstore.codec import MISSING, NULL_KEY, sort_key
from virtool_api.storage.docstore.paths import candidates, leaves, split

COMPARISONS = {
    "$gt": lambda key, operand: key > operand,
    "$gte": lambda key, operand: key >= operand,
    "$lt": lambda key, operand: key < operand,
    "$lte": lambda key, operand: key <= operand,
}
_VALUE_OPERATORS = {"$eq", "$ne", "$in", "$nin", "$exists", "$regex", "$options", "$all", *COMPARISONS}
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def unsupported(what: str) -> NotImplementedError:
    return NotImplementedError(f"{what} is not supported by the embedded document store")


@dataclass
class Condition:
    """One operator on one path; `keys` are the operand's sort keys where the operator compares values."""

    operator: str
    operand: Any
    keys: list[bytes] = field(default_factory=list)
    pattern: re.Pattern[str] | None = None


@dataclass
class Field:
    path: str
    conditions: list[Condition]
    parts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.parts = _query_parts(self.path)

    def matches(self, document: dict[str, Any]) -> bool:
        if len(self.parts) == 1 and type(document) is dict:  # a top-level field: what `leaves` would find
            value = document.get(self.path, MISSING)
            if not isinstance(value, list):
                found = [value]
                return all(_holds(condition, found, found) for condition in self.conditions)
        found = leaves(document, self.parts)
        values = candidates(found)
        return all(_holds(condition, found, values) for condition in self.conditions)


@dataclass
class And:
    children: list["Node"]

    def matches(self, document: dict[str, Any]) -> bool:
        return all(child.matches(document) for child in self.children)


@dataclass
class Or:
    children: list["Node"]

    def matches(self, document: dict[str, Any]) -> bool:
        return any(child.matches(document) for child in self.children)


Node = Field | And | Or


@functools.lru_cache(maxsize=4096)  # the same few paths in every query
def _query_parts(path: str) -> tuple[str, ...]:
    parts = split(path)
    if any(part.isdigit() for part in parts):
        raise unsupported(f"a positional path in a query ({path!r})")
    return parts


def compile_filter(query: dict[str, Any] | None) -> And:
    """The tree of a filter; `None` and `{}` match everything."""
    if query is None:
        return And([])
    if not isinstance(query, dict):
        raise TypeError(f"filter must be a dict, not {type(query).__name__}")
    children: list[Node] = []
    for key, value in query.items():
        if key in ("$and", "$or"):
            if not isinstance(value, list | tuple) or not value:
                raise OperationFailure(f"{key} must be a nonempty array", 2)
            if not all(isinstance(item, dict) for item in value):
                raise OperationFailure(f"{key}/$or/$nor entries need to be full objects", 2)
            branches: list[Node] = [compile_filter(item) for item in value]
            children.append(And(branches) if key == "$and" else Or(branches))
        elif key.startswith("$"):
            raise unsupported(f"query operator {key}")
        else:
            children.append(Field(key, _conditions(key, value)))
    return And(children)


def _is_operator_document(value: Any) -> bool:
    if not isinstance(value, dict) or not value:
        return False
    operators = [key.startswith("$") for key in value]
    if False in operators:
        if True in operators:
            raise OperationFailure(
                f"unknown operator: {next(key for key in value if not key.startswith('$'))}", 2
            )
        return False
    return True


def _conditions(path: str, value: Any) -> list[Condition]:
    if isinstance(value, re.Pattern):
        raise unsupported("a compiled regular expression as a value (use $regex)")
    if not _is_operator_document(value):
        return [Condition("$eq", value, [sort_key(value)])]
    conditions: list[Condition] = []
    for operator, operand in value.items():
        if operator not in _VALUE_OPERATORS:
            raise unsupported(f"query operator {operator}")
        if operator == "$options":
            if "$regex" not in value:
                raise OperationFailure("$options needs a $regex", 2)
            continue
        conditions.append(_condition(path, operator, operand, value.get("$options", "")))
    return conditions


def _condition(path: str, operator: str, operand: Any, options: str) -> Condition:
    if operator in ("$in", "$nin", "$all"):
        if not isinstance(operand, list | tuple):
            raise OperationFailure(f"{operator} needs an array", 2)
        for item in operand:
            if isinstance(item, re.Pattern) or _is_operator_document(item):
                raise unsupported(f"{operator} of regular expressions or operators")
        return Condition(operator, list(operand), [sort_key(item) for item in operand])
    if operator == "$exists":
        return Condition(operator, bool(operand))
    if operator == "$regex":
        return Condition(operator, operand, pattern=_pattern(operand, options))
    if operator in COMPARISONS and isinstance(operand, list | tuple):
        raise unsupported(f"{operator} with an array operand")
    if isinstance(operand, re.Pattern):
        raise unsupported(f"{operator} of a regular expression")
    return Condition(operator, operand, [sort_key(operand)])


def _pattern(operand: Any, options: str) -> re.Pattern[str]:
    if isinstance(operand, re.Pattern):
        if options:
            raise unsupported("$options with a compiled regular expression")
        return operand
    if not isinstance(operand, str):
        raise OperationFailure("$regex has to be a string", 2)
    flags = 0
    for option in options:
        if option not in _REGEX_FLAGS:
            raise unsupported(f"regular expression option {option!r}")
        flags |= _REGEX_FLAGS[option]
    return re.compile(operand, flags)


def _holds(condition: Condition, found: list[Any], values: list[Any]) -> bool:
    operator = condition.operator
    if operator == "$exists":
        return any(value is not MISSING for value in found) == condition.operand
    if operator == "$regex":
        assert condition.pattern is not None
        return any(isinstance(value, str) and condition.pattern.search(value) for value in values)
    keys = {sort_key(value) for value in values} if values else set()
    if operator == "$eq":
        return condition.keys[0] in keys
    if operator == "$ne":
        return condition.keys[0] not in keys
    if operator == "$in":
        return not keys.isdisjoint(condition.keys)
    if operator == "$nin":
        return keys.isdisjoint(condition.keys)
    if operator == "$all":
        return bool(condition.keys) and all(key in keys for key in condition.keys)
    compare: Callable[[bytes, bytes], bool] = COMPARISONS[operator]
    operand = condition.keys[0]
    return any(key[0] == operand[0] and compare(key, operand) for key in keys)


_METACHARACTERS = set(".^$*+?{}[]\\|()")
_ESCAPED_LITERALS = set("()[]{}?*+-|^$\\.&~# \t\n\r\v\f/_,:;<=>!@%'\"`")
_LITERAL_FLAGS = re.UNICODE | re.DOTALL | re.MULTILINE


def literal_text(pattern: re.Pattern[str]) -> tuple[bool, str] | None:
    """`(anchored, text)` when the pattern matches exactly the strings containing `text` (or, anchored with
    `^`, starting with it): plain characters and escaped punctuation, as `re.escape` writes them; else None.
    Case-insensitive and verbose patterns are never plain text."""
    source = pattern.pattern
    if not isinstance(source, str) or pattern.flags & ~_LITERAL_FLAGS:
        return None
    anchored = source.startswith("^")
    if anchored:
        if pattern.flags & re.MULTILINE:
            return None
        source = source[1:]
    text: list[str] = []
    escaped = False
    for character in source:
        if escaped:
            if character not in _ESCAPED_LITERALS:
                return None
            text.append(character)
            escaped = False
        elif character == "\\":
            escaped = True
        elif character in _METACHARACTERS:
            return None
        else:
            text.append(character)
    return None if escaped else (anchored, "".join(text))


def value_matcher(operand: Any) -> Callable[[Any], bool]:
    """Whether an array element is one `$pull` removes: equal to a plain value, satisfying an operator
    document (`{"$in": [...]}`), or, for documents, matching a filter."""
    if _is_operator_document(operand):
        wrapped = Field("value", _conditions("value", operand))
        return lambda element: wrapped.matches({"value": element})
    if isinstance(operand, dict):
        tree = compile_filter(operand)
        return lambda element: isinstance(element, dict) and tree.matches(element)
    key = sort_key(operand)
    return lambda element: sort_key(element) == key


def matches_nothing(tree: And) -> bool:
    """Whether the filter requires a path to be one of no values (`{"a": {"$in": []}}` at the top level, or
    in an `$and` there): no document can match, so there is nothing to read."""
    for child in tree.children:
        if isinstance(child, And) and matches_nothing(child):
            return True
        if isinstance(child, Field) and any(
            condition.operator == "$in" and not condition.keys for condition in child.conditions
        ):
            return True
    return False


def equality_seed(tree: And) -> dict[str, Any]:
    """The paths an upsert's new document takes from its filter: top-level (and `$and`ed) equalities."""
    seed: dict[str, Any] = {}
    for child in tree.children:
        if isinstance(child, And):
            seed.update(equality_seed(child))
        elif isinstance(child, Field):
            for condition in child.conditions:
                if condition.operator == "$eq":
                    seed[child.path] = condition.operand
    return seed


__all__ = ["MISSING", "NULL_KEY", "And", "Condition", "Field", "Node", "Or", "compile_filter"]
