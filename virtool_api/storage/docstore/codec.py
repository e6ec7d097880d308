"""Documents as BSON, and values as byte strings that sort the way MongoDB sorts them.

A document is stored as PyMongo's BSON, so it comes back as PyMongo gives it: naive UTC datetimes at
millisecond precision, `Int64` for integers past 32 bits, lists for tuples.

`sort_key(value)` is the one definition of order for both SQLite (the key columns of indexes, compared as
BLOBs) and Python (the matcher and in-memory sorts). Keys start with a byte naming the type class, in
MongoDB's order (null and missing < numbers < strings < documents < arrays < binary < ObjectId < booleans <
dates), so a comparison operator only needs the keys of one class. Keys are prefix-free, so inverting every
byte reverses the order (descending sorts of mixed directions in Python).
"""

import math
import struct
from collections.abc import Container
from datetime import datetime, timedelta
from typing import Any

import bson
from bson import ObjectId
from pymongo.errors import DocumentTooLarge, WriteError

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
"""MongoDB's BSON document limit, kept here so a document the embedded store takes also fits in MongoDB."""

NULL = 0x05
NUMBER = 0x10
STRING = 0x14
OBJECT = 0x18
ARRAY = 0x1C
BINARY = 0x20
OBJECT_ID = 0x24
BOOLEAN = 0x28
DATE = 0x2C

NULL_KEY = bytes([NULL])
EMPTY_ARRAY_SORT_KEY = bytes([NULL - 1])
"""MongoDB sorts an empty array before null and missing."""
MULTIKEY = b"\xff"
"""The key column's value when the indexed path crosses an array: that row is left to the Python matcher."""

_END = b"\x00"
_INVERT = bytes(255 - byte for byte in range(256))
MIN_INT64 = -(2**63)
MAX_INT64 = 2**63 - 1
MIN_INT32 = -(2**31)
MAX_INT32 = 2**31 - 1
"""An int BSON stores as 32 bits (and gives back as an int, not an `Int64`)."""


class Missing:
    """A path that names no value (distinct from a stored null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = Missing()


def new_id() -> str:
    """An id for a document inserted without one: an ObjectId's 24 hex digits, a string like the project's."""
    return str(ObjectId())


def encode_document(document: dict[str, Any]) -> bytes:
    """BSON of a document; past 16 MiB, PyMongo's `DocumentTooLarge`; an array `_id` is MongoDB's error."""
    if isinstance(document.get("_id"), list | tuple):
        raise WriteError("can't use an array for _id", 2)
    data = bson.encode(document)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(
            f"BSON document too large ({len(data)} bytes) - the limit is {MAX_DOCUMENT_BYTES}"
        )
    return data


def decode_document(data: bytes) -> dict[str, Any]:
    return bson.decode(data)


def decode_documents(datas: list[bytes]) -> list[dict[str, Any]]:
    """`decode_document` of each, in one call of the decoder: it converts its options at each call (about
    4k instructions, as much as decoding a small document), once for a page of documents here."""
    if len(datas) < 2:
        return [bson.decode(data) for data in datas]
    return bson.decode_all(b"".join(datas))


_PLAIN: Any = bson.DEFAULT_CODEC_OPTIONS
"""`decode_document`'s options (PyMongo types `_raw_to_dict` for raw documents only)."""


def decode_kept(data: bytes, kept: Container[str]) -> dict[str, Any] | None:
    """The top-level fields `kept` of a document, in its order, as `decode_document` gives them, without
    decoding the items of its top-level arrays (a job's status history, when its summary is read: 76k of
    instructions decoded whole, 41k so). None when a kept field is such an array (PyMongo hands it over
    undecoded, as `bytes`, as it does binary data): the caller then decodes the whole document."""
    document: dict[str, Any] = bson._raw_to_dict(data, 4, len(data) - 1, _PLAIN, {}, raw_array=True)
    fields = {}
    for name, value in document.items():
        if name in kept:
            if type(value) is bytes:
                return None
            fields[name] = value
    return fields


def inverted(key: bytes) -> bytes:
    """The key that sorts in reverse: for descending fields of an in-memory sort."""
    return key.translate(_INVERT)


def date_millis(value: datetime) -> int:
    """Milliseconds since the epoch, as BSON stores a datetime (naive means UTC; sub-milliseconds dropped)."""
    if value.tzinfo is not None:
        offset = value.utcoffset()
        value = value.replace(tzinfo=None) - (offset if offset is not None else 0)  # type: ignore[operator]
    delta = value - datetime(1970, 1, 1)
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _ordered_int64(value: int) -> bytes:
    return struct.pack(">Q", value + 2**63)


def _number(value: int | float) -> bytes:
    """Integers and floats compare by value across types: the float nearest the number, then the integer's
    exact distance from it (0 for floats), so 2**53 + 1 sorts after the float 2**53."""
    if isinstance(value, float) and math.isnan(value):
        return bytes([NUMBER, 0])
    if isinstance(value, int) and not MIN_INT64 <= value <= MAX_INT64:  # not `in range`: slow for Int64
        raise OverflowError("BSON can only handle up to 8-byte ints")
    nearest = float(value) + 0.0  # -0.0 becomes 0.0
    bits = struct.unpack(">Q", struct.pack(">d", nearest))[0]
    bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | 1 << 63
    remainder = value - int(nearest) if isinstance(value, int) else 0
    return bytes([NUMBER, 1]) + struct.pack(">Q", bits) + _ordered_int64(remainder)


def text_key(value: str) -> bytes:
    """The bytes a string's key holds for its text, without the type byte and the end mark: the key of a
    string starting with (or containing) `value` starts with (or contains) them."""
    return value.encode("utf-8").replace(b"\x00", b"\x00\xff")


def _text(value: str) -> bytes:
    return text_key(value) + b"\x00\x01"


_STRING_TYPE = bytes([STRING])


def string_key(value: str) -> bytes:
    """`sort_key` of a string, in one expression: the key of every read by id or by a key's hash."""
    return _STRING_TYPE + value.encode("utf-8").replace(b"\x00", b"\x00\xff") + b"\x00\x01"


def sort_key(value: Any) -> bytes:
    """The order-preserving key of a value; types the project does not store raise NotImplementedError."""
    if type(value) is str:  # most keys (ids, hashes, names, states): no isinstance of the types before it
        return string_key(value)
    if value is None or value is MISSING:
        return NULL_KEY
    if isinstance(value, bool):
        return bytes([BOOLEAN, int(value)])
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, str):
        return string_key(value)
    if isinstance(value, datetime):
        return bytes([DATE]) + _ordered_int64(date_millis(value))
    if isinstance(value, dict):
        parts = [bytes([OBJECT])]
        for name, item in value.items():
            key = sort_key(item)
            parts += [key[:1], _text(str(name)), key[1:]]
        return b"".join([*parts, _END])
    if isinstance(value, list | tuple):
        return b"".join([bytes([ARRAY]), *(sort_key(item) for item in value), _END])
    if isinstance(value, ObjectId):
        return bytes([OBJECT_ID]) + value.binary
    if isinstance(value, bytes):
        return bytes([BINARY]) + struct.pack(">I", len(value)) + b"\x00" + value
    raise NotImplementedError(
        f"the embedded document store does not compare values of type {type(value).__name__}"
    )


UNKNOWN = object()
"""What `key_value` answers for a key that does not tell its value."""
_EPOCH = datetime(1970, 1, 1)


def key_value(key: bytes) -> Any:
    """The value a key was made from, as a document read from BSON holds it, where the key tells it exactly:
    a string, a boolean, an ObjectId, a date. Otherwise UNKNOWN: the null key is null or missing, a number's
    key does not say int, Int64 or float, and arrays and documents are left to the document."""
    kind = key[0] if key else None
    if kind == STRING and key.endswith(b"\x00\x01"):
        return key[1:-2].replace(b"\x00\xff", b"\x00").decode("utf-8")
    if kind == BOOLEAN and len(key) == 2:
        return bool(key[1])
    if kind == OBJECT_ID and len(key) == 13:
        return ObjectId(key[1:])
    if kind == DATE and len(key) == 9:
        try:
            return _EPOCH + timedelta(milliseconds=struct.unpack(">Q", key[1:])[0] - 2**63)
        except OverflowError:
            return UNKNOWN
    return UNKNOWN


def index_key(document: dict[str, Any], parts: tuple[str, ...]) -> bytes:
    """The key column of an index over `parts` for `document`: the value's key, the null key when the path
    names nothing, or MULTIKEY when the path crosses an array (such rows are matched in Python)."""
    value: Any = document
    for part in parts:
        if isinstance(value, list):
            return MULTIKEY
        if not isinstance(value, dict) or part not in value:
            return NULL_KEY
        value = value[part]
    if isinstance(value, list):
        return MULTIKEY
    return sort_key(value)
