"""The embedded document store's writes answer as MongoDB's do: each update operator of the surface, the
updates MongoDB refuses, `find_one_and_update` (before, after, upsert), racing conditional updates and
deletes."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pymongo import ReturnDocument
from pymongo.errors import WriteError

from tests.support.docstore_ids import ids
from virtool_api.storage.docstore import DocumentClient


async def test_update_operators(db: Any) -> None:
    await db.things.insert_one({"_id": "a", "tags": ["x", "y", "x"], "count": 1, "gone": 1, "deep": {"a": 1}})
    result = await db.things.update_one(
        {"_id": "a"},
        {
            "$set": {"deep.b.c": 2, "new": "n"},
            "$unset": {"gone": ""},
            "$inc": {"count": 2, "fresh": 1.5},
            "$pull": {"tags": "x"},
            "$push": {"list": {"$each": [1, 2]}},
            "$addToSet": {"set": "s"},
        },
    )
    assert (result.matched_count, result.modified_count, result.upserted_id) == (1, 1, None)
    assert await db.things.find_one({"_id": "a"}) == {
        "_id": "a",
        "tags": ["y"],
        "count": 3,
        "deep": {"a": 1, "b": {"c": 2}},
        "fresh": 1.5,
        "list": [1, 2],
        "new": "n",
        "set": ["s"],
    }
    await db.things.update_one(
        {"_id": "a"}, {"$addToSet": {"set": {"$each": ["s", "t"]}}, "$push": {"tags": "z"}}
    )
    await db.things.update_one({"_id": "a"}, {"$pull": {"tags": {"$in": ["y"]}}})
    stored = await db.things.find_one({"_id": "a"}, {"set": 1, "tags": 1})
    assert stored == {"_id": "a", "tags": ["z"], "set": ["s", "t"]}

    unchanged = await db.things.update_one({"_id": "a"}, {"$set": {"count": 3}})
    assert (unchanged.matched_count, unchanged.modified_count) == (1, 0)
    missing = await db.things.update_many({"_id": "zed"}, {"$set": {"count": 3}})
    assert (missing.matched_count, missing.modified_count) == (0, 0)


async def test_updates_mongodb_refuses_raise_write_errors(db: Any) -> None:
    await db.things.insert_one({"_id": "a", "name": "x", "list": 1})
    with pytest.raises(WriteError):
        await db.things.update_one({"_id": "a"}, {"$inc": {"name": 1}})
    with pytest.raises(WriteError):
        await db.things.update_one({"_id": "a"}, {"$push": {"list": 2}})
    with pytest.raises(WriteError):
        await db.things.update_one({"_id": "a"}, {"$set": {"_id": "b"}})
    with pytest.raises(WriteError):
        await db.things.update_one({"_id": "a"}, {"$set": {"name": 1}, "$unset": {"name": ""}})
    with pytest.raises(ValueError, match="update only works with \\$ operators"):
        await db.things.update_one({"_id": "a"}, {"name": "y"})
    assert await db.things.find_one({"_id": "a"}) == {"_id": "a", "name": "x", "list": 1}


async def test_find_one_and_update_before_after_projection_and_upsert(db: Any) -> None:
    await db.jobs.insert_one({"_id": "j", "state": "waiting", "acquired": False})
    before = await db.jobs.find_one_and_update({"_id": "j", "acquired": False}, {"$set": {"acquired": True}})
    assert before == {"_id": "j", "state": "waiting", "acquired": False}
    assert await db.jobs.find_one_and_update({"_id": "j", "acquired": False}, {"$set": {"x": 1}}) is None
    after = await db.jobs.find_one_and_update(
        {"_id": "j"}, {"$set": {"state": "running"}}, {"state": 1}, return_document=ReturnDocument.AFTER
    )
    assert after == {"_id": "j", "state": "running"}

    upserted = await db.settings.find_one_and_update(
        {"_id": "settings"}, {"$set": {"a": 1}}, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert upserted == {"_id": "settings", "a": 1}
    result = await db.settings.update_one({"_id": "other", "kind": "k"}, {"$set": {"b": 2}}, upsert=True)
    assert (result.matched_count, result.modified_count, result.upserted_id) == (0, 0, "other")
    assert await db.settings.find_one({"_id": "other"}) == {"_id": "other", "kind": "k", "b": 2}


async def test_concurrent_conditional_updates_have_one_winner(client: DocumentClient, tmp_path: Path) -> None:
    """Two clients on one file (as two processes would be), ten finalizes racing: one wins."""
    other = DocumentClient(tmp_path / "documents.sqlite")
    try:
        await client["virtool"].analyses.insert_one({"_id": "a", "ready": False})
        results = await asyncio.gather(
            *(
                (client if i % 2 else other)["virtool"].analyses.find_one_and_update(
                    {"_id": "a", "ready": False}, {"$set": {"ready": True, "by": i}}
                )
                for i in range(10)
            )
        )
    finally:
        await other.aclose()
    assert sum(result is not None for result in results) == 1


async def test_deletes(people: Any) -> None:
    assert (await people.delete_one({"groups": "lab"})).deleted_count == 1
    assert await people.find_one_and_delete({"_id": "dan"}, {"age": 1}) == {"_id": "dan", "age": "unknown"}
    assert await people.find_one_and_delete({"_id": "dan"}) is None
    assert (await people.delete_many({"age": {"$gte": 0}})).deleted_count == 2
    assert await ids(people.find({})) == ["eve"]
