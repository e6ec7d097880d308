"""The embedded document store (`virtool_api/storage/docstore/`): what goes in comes back, with its types and
its `_id`, read whole or a cursor at a time, and a closed client refuses."""

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from pymongo.errors import InvalidOperation, WriteError

from tests.support.docstore_ids import ids
from virtool_api.storage.docstore import DocumentClient


async def test_documents_keep_their_types(db: Any) -> None:
    at = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone(timedelta(hours=2)))
    document = {
        "_id": "a",
        "at": at,
        "big": 2**62,
        "small": -3,
        "ratio": 0.25,
        "nested": {"list": [1, "two", {"three": None}], "empty": {}},
        "flag": False,
        "nothing": None,
    }
    await db.things.insert_one(document)
    stored = await db.things.find_one({"_id": "a"})
    # As PyMongo gives datetimes back: naive UTC, milliseconds.
    assert stored == {**document, "at": datetime(2024, 5, 6, 5, 8, 9, 123000)}
    assert list(stored) == list(document)
    assert type(stored["ratio"]) is float and type(stored["flag"]) is bool


async def test_an_insert_without_id_gets_a_string_id_set_on_the_document(db: Any) -> None:
    document: dict[str, Any] = {"name": "x"}
    result = await db.things.insert_one(document)
    assert isinstance(result.inserted_id, str) and len(result.inserted_id) == 24
    assert document["_id"] == result.inserted_id
    assert await db.things.find_one({}) == {"_id": result.inserted_id, "name": "x"}


async def test_ids_of_other_types_are_kept_and_ordered_as_mongodb_orders_them(db: Any) -> None:
    object_id = ObjectId()
    await db.labels.insert_many([{"_id": object_id}, {"_id": "7"}, {"_id": 7, "name": "Bug"}])
    assert await db.labels.find_one({"_id": 7}) == {"_id": 7, "name": "Bug"}
    assert await db.labels.find_one({"_id": 7.0}) == {"_id": 7, "name": "Bug"}
    assert await db.labels.find_one({"_id": object_id}) == {"_id": object_id}
    assert await ids(db.labels.find({}).sort("_id", 1)) == [7, "7", object_id]
    with pytest.raises(WriteError):
        await db.labels.insert_one({"_id": [1]})


async def test_async_for_reads_large_results_in_order(db: Any) -> None:
    await db.otus.insert_many(
        [{"_id": f"{i:04}", "reference": {"id": "r" if i % 3 else "s"}} for i in range(700)]
    )
    found = [document["_id"] async for document in db.otus.find({"reference.id": "r"}).sort("_id", -1)]
    assert found == [f"{i:04}" for i in reversed(range(700)) if i % 3]
    limited = db.otus.find({"reference.id": "s"}, {"_id": 1}).sort("_id", 1).skip(2).limit(3)
    assert [document async for document in limited] == [{"_id": "0006"}, {"_id": "0009"}, {"_id": "0012"}]


async def test_close_works_awaited_or_not_and_a_closed_client_refuses(tmp_path: Path) -> None:
    client = DocumentClient(tmp_path / "documents.sqlite")
    await client["virtool"].things.insert_one({"_id": "a"})
    client.close()
    await client.close()
    with pytest.raises(InvalidOperation):
        await client["virtool"].things.find_one({})
    reopened = DocumentClient(tmp_path / "documents.sqlite")
    assert await reopened["virtool"].things.find_one({}) == {"_id": "a"}
    await reopened.aclose()
