"""What a document store can hold: MongoDB's limits, checked before anything is stored, alike on every store.

Free-form JSON from clients (an analysis's `results`, a sample's `quality`) is checked against what real
MongoDB (8, through PyMongo 4) accepts, so the embedded store takes exactly what MongoDB would, and nothing is
stored that could not be read back and rendered. A value that breaks a limit is a 422 naming its path
(`{"errors": {"results.hits.0.x": ["..."]}}`) and nothing is stored.

- **Nesting**: at most 100 levels, counting the document itself; each object or array is a level, so the value
  of a top-level field may nest 99 (MongoDB refuses deeper documents; pydantic cannot serialize ~250 levels).
- **Size**: a document is at most 16 MiB of BSON. A field's value may take `FIELD_BYTES` of it, leaving room
  for the rest of its document.
- **Integers** within 64 bits (PyMongo raises `OverflowError` beyond).
- **Numbers** finite: `NaN` and `Infinity` are not JSON (Python's parser accepts them, JSON clients cannot
  read them back, PostgreSQL's `json` refuses them).
- **Keys**: no NUL (BSON keys are C strings), none starting with `$` (operators; and `{"$ref", "$id"}` objects
  come back from PyMongo as `DBRef`, which no longer renders as JSON). Dots are allowed: MongoDB 5.0+ stores
  them, and nothing queries inside these fields.
- **Strings** valid Unicode: a lone surrogate (`"\\ud800"`) cannot be encoded as UTF-8 by any store.
"""

import math
from collections import Counter
from itertools import chain
from typing import Any

from virtool_api.errors import InvalidInput

KIB = 1024
MIB = 1024 * KIB
MAX_DOCUMENT_BYTES = 16 * MIB
"""BSON's document limit in MongoDB."""
FIELD_BYTES = MAX_DOCUMENT_BYTES - 256 * KIB
"""What one free-form field may take of its document: the document's other fields fit in the rest."""
MAX_NESTING = 100
FIELD_LEVEL = 2
"""The level of a top-level field's value: the document itself is level 1."""
MIN_INT64 = -(2**63)
MAX_INT64 = 2**63 - 1
_INT32 = range(-(2**31), 2**31)
MAX_PROBLEMS = 20
"""A body with thousands of bad values names the first ones, not all."""

_TOO_DEEP = f"nests deeper than the {MAX_NESTING} levels a stored document may have"
_INT_RANGE = "integer outside the 64-bit range a stored document can hold"
_NOT_FINITE = "not a finite number (NaN and Infinity are not JSON)"
_NUL_KEY = "key contains a NUL character"
_DOLLAR_KEY = "key starts with '$', which the document store reserves"
_NOT_UNICODE = "not valid Unicode (a lone surrogate)"
_NOT_JSON = "not a JSON value"

Path = tuple[Any, ...] | None
"""A value's path as a linked list `(parent, key)`, joined into `a.b.0.c` only when a problem is reported."""


def _joined(path: Path) -> str:
    parts: list[str] = []
    while path is not None:
        path, key = path
        parts.append(str(key))
    return ".".join(reversed(parts))


def _utf8_length(text: str) -> int | None:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return None


def _index_keys_bytes(count: int) -> int:
    """The bytes BSON spends on the keys `"0"`, `"1"`, ... of an array of `count` items (digits and NULs)."""
    total, digits, start = count, 1, 0
    while start < count:
        end = min(count, 10**digits)
        total += (end - start) * digits
        start, digits = end, digits + 1
    return total


class _Walk:
    """One pass over a JSON value: its size as BSON, and its first `MAX_PROBLEMS` problems by path."""

    def __init__(self) -> None:
        self.size = 0
        self.problems: dict[str, list[str]] = {}

    @property
    def full(self) -> bool:
        return len(self.problems) >= MAX_PROBLEMS

    def report(self, path: Path, message: str) -> None:
        if not self.full:
            self.problems.setdefault(_joined(path), []).append(message)

    def scalar(self, value: Any, path: Path) -> None:
        """Size and check a value that is not an object or array."""
        kind = type(value)
        if value is None:
            return
        if kind is bool:
            self.size += 1
        elif kind is int:
            if value in _INT32:
                self.size += 4
            elif MIN_INT64 <= value <= MAX_INT64:
                self.size += 8
            else:
                self.report(path, _INT_RANGE)
        elif kind is float:
            self.size += 8
            if not math.isfinite(value):
                self.report(path, _NOT_FINITE)
        elif kind is str:
            length = _utf8_length(value)
            if length is None:
                self.report(path, _NOT_UNICODE)
            else:
                self.size += 5 + length
        else:
            self.report(path, _NOT_JSON)

    def key(self, key: Any, path: Path) -> None:
        if type(key) is not str:
            self.report(path, _NOT_JSON)
            return
        length = _utf8_length(key)
        if length is None:
            self.report(path, _NOT_UNICODE)
            return
        self.size += 2 + length  # the element's type byte, then the key as a C string
        if "\x00" in key:
            self.report(path, _NUL_KEY)
        if key.startswith("$"):
            self.report(path, _DOLLAR_KEY)

    def run(self, value: Any, path: Path, level: int) -> None:
        # Iterative, not recursive: the depth of what arrives is the client's choice.
        stack: list[tuple[Any, Path, int]] = [(value, path, level)]
        while stack and not self.full:
            value, path, level = stack.pop()
            kind = type(value)
            if kind is not dict and kind is not list:
                self.scalar(value, path)
                continue
            if level > MAX_NESTING:
                self.report(path, _TOO_DEEP)
                continue
            self.size += 5  # the length prefix and the terminating NUL
            if kind is dict:
                for key, item in value.items():
                    item_path = (path, key)
                    self.key(key, item_path)
                    if type(item) is dict or type(item) is list:
                        stack.append((item, item_path, level + 1))
                    else:
                        self.scalar(item, item_path)
            else:
                self.size += len(value) + _index_keys_bytes(len(value))
                if self.uniform_scalars(value):
                    continue
                if level < MAX_NESTING and self.scalar_rows(value):
                    continue
                for index, item in enumerate(value):
                    if type(item) is dict or type(item) is list:
                        stack.append((item, (path, index), level + 1))
                    else:
                        self.scalar(item, (path, index))

    def scalar_rows(self, rows: list[Any]) -> bool:
        """Size a list of lists that hold one kind of scalar between them (a quality's per-position rows) as
        the walk would, in C loops, if it has no problem. False leaves the list to the walk.

        Walked row by row, half a million rows took a second and made a million tuples on the walk's stack,
        which Python's garbage collector then went through again and again.
        """
        if set(map(type, rows)) != {list} or not self.uniform_scalars(list(chain.from_iterable(rows))):
            return False
        for length, count in Counter(map(len, rows)).items():
            self.size += count * (5 + length + _index_keys_bytes(length))
        return True

    def uniform_scalars(self, items: list[Any]) -> bool:
        """Size a list of only integers or only floats or only strings in C loops, if it has no problem.

        Results carry long arrays of one kind (a Pathoscope hit's per-position depths); checking those item by
        item in Python took seconds for tens of MiB. False leaves the list to the item-by-item walk.
        """
        kinds = set(map(type, items))
        if kinds == {int}:
            low, high = min(items), max(items)
            if low >= _INT32.start and high < _INT32.stop:
                self.size += 4 * len(items)
                return True
            if low >= MIN_INT64 and high <= MAX_INT64:
                self.size += sum(4 if item in _INT32 else 8 for item in items)
                return True
        elif kinds == {float}:
            if all(map(math.isfinite, items)):
                self.size += 8 * len(items)
                return True
        elif kinds == {str}:
            try:
                self.size += 5 * len(items) + sum(map(len, map(str.encode, items)))
            except UnicodeEncodeError:
                return False
            return True
        return False


def storable_size(value: Any, path: str, *, level: int = FIELD_LEVEL) -> int:
    """The size of `value` as BSON, after checking every limit but size; 422 naming each offending path."""
    walk = _Walk()
    walk.run(value, (None, path), level)
    if walk.problems:
        raise InvalidInput(errors=walk.problems)
    return walk.size


def check_storable(
    value: Any, path: str, *, max_bytes: int | None = FIELD_BYTES, level: int = FIELD_LEVEL
) -> None:
    """Refuse (422, naming the path) a value a document store could not hold as the field `path`.

    `max_bytes=None` for a value kept outside its document (an analysis's results file): every limit but size.
    """
    size = storable_size(value, path, level=level)
    if max_bytes is not None and size > max_bytes:
        message = f"takes {size} bytes stored; a stored document's field may take at most {max_bytes}"
        raise InvalidInput(errors={path: [message]})
