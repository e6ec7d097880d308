"""`updates.decode_projected` decodes what decoding whole and projecting gives, field for field and in order.

A page's projection keeping top-level fields leaves the top-level arrays it does not keep undecoded
(`codec.decode_kept`); a document it cannot answer so (a kept array, binary data) is decoded whole, so every
document here must come out as `project` makes it.
"""

from typing import Any

import bson
from bson import DBRef, Int64, ObjectId
from bson.binary import Binary
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support import docstore_strategies as gen
from virtool_api.storage.docstore.updates import compile_projection, decode_projected, project

NAMES = ["_id", "name", "state", "label", "n", "tags", "meta", "items", "created_at", "extra"]
EXTRAS = st.sampled_from(
    [
        DBRef("jobs", "j1"),
        {"$ref": "jobs", "$id": "j1", "x": 1},
        {"inner": {"$ref": "jobs", "$id": "j2"}},
        [{"a": 1}, {"b": [1, 2]}],
        [[1], [2, 3]],
        Binary(b"\x00\x01", 5),
        b"bytes",
        Int64(2**40),
        ObjectId("5f0000000000000000000000"),
        {"deep": {"deeper": [1, {"x": None}]}},
        [],
        {},
    ]
)


@st.composite
def pages(draw: st.DrawFn) -> list[dict[str, Any]]:
    documents = []
    for number in range(draw(st.integers(1, 4))):
        document = draw(gen.document(f"d{number}"))
        if draw(st.booleans()):
            document["extra"] = draw(EXTRAS)
        documents.append(document)
    return documents


def as_stored(documents: list[dict[str, Any]]) -> list[bytes]:
    return [bson.encode(document) for document in documents]


def items(documents: list[dict[str, Any]]) -> list[list[tuple[str, Any]]]:
    return [list(document.items()) for document in documents]


@settings(max_examples=100, derandomize=True, database=None)
@given(pages(), st.sets(st.sampled_from(NAMES), min_size=1))
def test_decode_projected_is_decode_then_project(documents: list[dict[str, Any]], names: set[str]) -> None:
    compiled = compile_projection(dict.fromkeys(sorted(names), 1))
    assert compiled is not None
    datas = as_stored(documents)
    expected = [project(bson.decode(data), compiled) for data in datas]
    assert items(decode_projected(datas, compiled)) == items(expected)


def test_a_reference_kept_is_a_dbref() -> None:
    datas = as_stored([{"_id": "a", "job": DBRef("jobs", "j1"), "status": [{"state": "done"}]}])
    (document,) = decode_projected(datas, compile_projection({"job": 1}))
    assert document == {"_id": "a", "job": DBRef("jobs", "j1")}
    assert isinstance(document["job"], DBRef)


def test_arrays_of_fields_kept_are_decoded() -> None:
    stored = {
        "_id": "j",
        "user": {"id": "u"},
        "files": [{"a": 1}, 2],
        "status": [{"state": "done"}],
        "key": "k",
    }
    kept = {"_id": "j", "user": {"id": "u"}, "files": [{"a": 1}, 2]}
    assert decode_projected(as_stored([stored]), compile_projection(["user", "files"])) == [kept]
