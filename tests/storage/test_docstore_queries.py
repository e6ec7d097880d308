"""The embedded document store's reads answer as MongoDB's do: each filter operator of the surface, sorts
across types with and without an index, projections, counts and distinct values, and reads by `_id`."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import ReturnDocument

from tests.support.docstore_ids import ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"groups": "lab"}, ["ann", "bob", "eve"]),
        ({"groups": ["lab"]}, ["bob"]),
        ({"address.city": "Oslo"}, ["ann"]),
        ({"pets.kind": "cat"}, ["cat"]),
        ({"age": {"$eq": 30}}, ["ann"]),
        ({"age": 41.5}, ["cat"]),
        ({"age": {"$ne": 30}}, ["bob", "cat", "dan", "eve"]),
        ({"age": {"$in": [25, "unknown"]}}, ["bob", "dan"]),
        ({"age": {"$nin": [25, "unknown"]}}, ["ann", "cat", "eve"]),
        ({"age": {"$gt": 25}}, ["ann", "cat"]),
        ({"age": {"$gte": 25}}, ["ann", "bob", "cat"]),
        ({"age": {"$lt": 41.5}}, ["ann", "bob"]),
        ({"age": {"$lte": 30, "$gt": 25}}, ["ann"]),
        ({"age": {"$gt": "a"}}, ["dan"]),
        ({"age": None}, ["eve"]),
        ({"note": None}, ["ann", "bob", "cat", "dan", "eve"]),
        ({"note": {"$exists": True}}, ["ann"]),
        ({"address": {"$exists": False}}, ["cat", "dan"]),
        ({"address.city": {"$regex": "^os", "$options": "i"}}, ["ann", "eve"]),
        ({"address.city": {"$regex": "^os"}}, ["eve"]),
        ({"groups": {"$all": ["lab", "field"]}}, ["eve"]),
        ({"$or": [{"age": 25}, {"groups": "field"}]}, ["bob", "dan", "eve"]),
        ({"$and": [{"groups": "lab"}, {"age": {"$exists": True}}]}, ["ann", "bob"]),
        ({"_id": {"$in": ["bob", "zed", "eve"]}}, ["bob", "eve"]),
        ({"_id": {"$gt": "cat"}, "groups": "field"}, ["dan", "eve"]),
    ],
)
async def test_filter_operators(people: Any, query: dict[str, Any], expected: list[str]) -> None:
    assert await ids(people.find(query).sort("_id", 1)) == expected
    assert await people.count_documents(query) == len(expected)


async def test_sorts_order_types_as_mongodb_with_and_without_an_index(people: Any) -> None:
    # null/missing < numbers < strings, on the indexed `age` (SQLite) and an unindexed copy (Python).
    await people.update_many({}, {"$set": {"copy": 0}})
    for document in await people.find({}).to_list(None):
        if "age" in document:
            await people.update_one({"_id": document["_id"]}, {"$set": {"copy": document["age"]}})
        else:
            await people.update_one({"_id": document["_id"]}, {"$unset": {"copy": ""}})
    ascending = ["eve", "bob", "ann", "cat", "dan"]
    assert await ids(people.find({}).sort("age", 1)) == ascending
    assert await ids(people.find({}).sort("copy", 1)) == ascending
    assert await ids(people.find({}).sort([("age", -1), ("_id", 1)])) == ascending[::-1]
    assert await ids(people.find({}).sort("copy", -1)) == ascending[::-1]
    assert await ids(people.find({}).sort("age", 1).skip(1).limit(2)) == ["bob", "ann"]
    assert await ids(people.find({"groups": "lab"}).sort("copy", -1).skip(1).limit(1)) == ["bob"]


async def test_listing_sort_with_id_tie_break(db: Any) -> None:
    await db.samples.create_index([("created_at", -1), ("_id", -1)])
    at = datetime(2024, 1, 1, tzinfo=UTC)
    await db.samples.insert_many(
        [{"_id": f"s{i}", "created_at": at + timedelta(seconds=i // 2)} for i in range(6)]
    )
    cursor = db.samples.find({}, {"_id": 1}).sort([("created_at", -1), ("_id", -1)]).skip(1).limit(3)
    assert await cursor.to_list(None) == [{"_id": "s4"}, {"_id": "s3"}, {"_id": "s2"}]


async def test_projections(people: Any) -> None:
    assert await people.find_one({"_id": "ann"}, {"age": 1}) == {"_id": "ann", "age": 30}
    assert await people.find_one({"_id": "ann"}, {"address.city": 1, "_id": 0}) == {
        "address": {"city": "Oslo"}
    }
    assert await people.find_one({"_id": "bob"}, {"groups": 0, "address": 0}) == {"_id": "bob", "age": 25}
    assert await people.find_one({"_id": "bob"}, ["age"]) == {"_id": "bob", "age": 25}


async def test_count_with_limit_distinct_and_collection_names(people: Any, db: Any) -> None:
    assert await people.count_documents({"groups": "lab"}, limit=1) == 1
    assert await people.distinct("groups") == ["admin", "field", "lab"]
    assert await db.list_collection_names() == ["people"]
    assert await db.command("ping") == {"ok": 1.0}


async def test_a_read_by_id_with_other_conditions_matches_all_of_them(db: Any) -> None:
    """A filter naming one `_id` is matched on the document read (no callback from SQLite): the other
    conditions still hold, an update still applies only where they do, and an array `_id` matches nothing."""
    await db.jobs.create_index("state")
    await db.jobs.insert_many([{"_id": f"j{n}", "key": f"k{n}", "state": "running"} for n in range(3)])
    unfinished = {"$nin": ["complete", "error"]}
    assert await db.jobs.find_one({"_id": "j1", "key": "k1", "state": unfinished}) is not None
    assert await db.jobs.find_one({"_id": "j1", "key": "k2", "state": unfinished}) is None
    assert await ids(db.jobs.find({"_id": "j1", "key": "k1"}).skip(1)) == []
    assert await db.jobs.find_one({"_id": ["j1"], "key": "k1"}) is None
    missed = await db.jobs.find_one_and_update({"_id": "j2", "key": "k1"}, {"$set": {"state": "complete"}})
    assert missed is None and (await db.jobs.find_one({"_id": "j2"}))["state"] == "running"
    updated = await db.jobs.find_one_and_update(
        {"_id": "j2", "key": "k2", "state": unfinished},
        {"$set": {"state": "complete"}},
        return_document=ReturnDocument.AFTER,
    )
    assert updated == {"_id": "j2", "key": "k2", "state": "complete"}
    assert await db.jobs.count_documents({"_id": "j2", "key": "k2"}) == 1
