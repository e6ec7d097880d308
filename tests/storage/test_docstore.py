"""The embedded document store (`virtool_api/storage/docstore/`): what goes in comes back, each operator of
the surface answers as MongoDB does, indexes are SQLite indexes, and what is outside the surface raises."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError, InvalidOperation, OperationFailure, WriteError

from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.mongo import _is_id_collision


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[DocumentClient]:
    client = DocumentClient(tmp_path / "documents.sqlite")
    yield client
    await client.aclose()


@pytest.fixture
def db(client: DocumentClient) -> Any:
    return client["virtool"]


async def ids(cursor: Any) -> list[str]:
    return [document["_id"] for document in await cursor.to_list(None)]


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


async def test_unique_index_and_duplicate_id_raise_duplicate_key_errors_told_apart(db: Any) -> None:
    await db.samples.create_index("name", unique=True)
    await db.samples.insert_one({"_id": "a", "name": "x"})

    with pytest.raises(DuplicateKeyError) as name_taken:
        await db.samples.insert_one({"_id": "b", "name": "x"})
    assert name_taken.value.details["keyPattern"] == {"name": 1}
    assert not _is_id_collision(name_taken.value)

    with pytest.raises(DuplicateKeyError) as id_taken:
        await db.samples.insert_one({"_id": "a", "name": "y"})
    assert id_taken.value.details["keyPattern"] == {"_id": 1}
    assert _is_id_collision(id_taken.value)

    await db.samples.insert_one({"_id": "b", "name": "y"})
    with pytest.raises(DuplicateKeyError):
        await db.samples.update_one({"_id": "b"}, {"$set": {"name": "x"}})
    assert await db.samples.count_documents({}) == 2
    assert (await db.samples.find_one({"_id": "b"}))["name"] == "y"


async def test_compound_unique_index(db: Any) -> None:
    await db.pairs.create_index([("a", 1), ("b", -1)], unique=True)
    await db.pairs.insert_one({"_id": "1", "a": 1, "b": 1})
    await db.pairs.insert_one({"_id": "2", "a": 1, "b": 2})
    with pytest.raises(DuplicateKeyError) as error:
        await db.pairs.insert_one({"_id": "3", "a": 1, "b": 2})
    assert error.value.details["keyPattern"] == {"a": 1, "b": -1}


async def test_unique_index_over_existing_duplicates_is_refused(db: Any) -> None:
    await db.things.insert_many([{"_id": "1", "name": "x"}, {"_id": "2", "name": "x"}])
    with pytest.raises(DuplicateKeyError):
        await db.things.create_index("name", unique=True)
    await db.things.insert_one({"_id": "3", "name": "x"})


async def test_insert_many_stops_at_a_duplicate_keeping_the_earlier_documents(db: Any) -> None:
    await db.things.insert_one({"_id": "b"})
    with pytest.raises(BulkWriteError) as error:
        await db.things.insert_many([{"_id": "a"}, {"_id": "b"}, {"_id": "c"}])
    assert error.value.details["nInserted"] == 1
    assert await ids(db.things.find({}).sort("_id", 1)) == ["a", "b"]


async def test_each_declared_index_is_a_sqlite_index(client: DocumentClient, db: Any) -> None:
    await db.samples.create_index("name", unique=True)
    await db.samples.create_index([("created_at", -1), ("_id", -1)])
    with sqlite3.connect(client.path) as connection:
        indexes = {
            name: sql
            for name, sql in connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'virtool.samples'"
            )
        }
        plan = connection.execute(
            'EXPLAIN QUERY PLAN SELECT rid FROM "virtool.samples"'
            ' ORDER BY "k:created_at" DESC, id DESC LIMIT 25'
        ).fetchall()
    assert (
        'CREATE UNIQUE INDEX "virtool.samples:name_1" ON "virtool.samples" ("k:name" ASC)' in indexes.values()
    )
    assert "virtool.samples:created_at_-1__id_-1" in indexes
    assert "USE TEMP B-TREE" not in str(plan)


@pytest.fixture
async def people(db: Any) -> Any:
    await db.people.create_index("age")
    await db.people.insert_many(
        [
            {"_id": "ann", "age": 30, "groups": ["lab", "admin"], "address": {"city": "Oslo"}, "note": None},
            {"_id": "bob", "age": 25, "groups": ["lab"], "address": {"city": "Bergen"}},
            {"_id": "cat", "age": 41.5, "groups": [], "pets": [{"kind": "dog"}, {"kind": "cat"}]},
            {"_id": "dan", "age": "unknown", "groups": ["field"]},
            {"_id": "eve", "groups": ["lab", "field"], "address": {"city": "oslo"}},
        ]
    )
    return db.people


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


async def test_a_dropped_index_is_gone_and_queries_answer_as_before(client: DocumentClient, db: Any) -> None:
    await db.statuses.create_index([("job", 1), ("seq", 1)])
    await db.statuses.create_index("state")
    await db.statuses.insert_many(
        [{"_id": f"j{n % 2}.{n}", "job": f"j{n % 2}", "seq": n, "state": ["a", "b"][n % 2]} for n in range(6)]
    )

    await db.statuses.drop_index("job_1_seq_1")

    assert set(await db.statuses.index_information()) == {"_id_", "state_1"}
    with sqlite3.connect(client.path) as connection:
        columns = [row[1] for row in connection.execute('PRAGMA table_info("virtool.statuses")')]
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert columns == ["rid", "id", "doc", "k:state"]
    assert not [name for name in tables if name.startswith("_docstore_elements:virtool.statuses:job")]
    assert await ids(db.statuses.find({"job": "j1"}).sort("seq", -1)) == ["j1.5", "j1.3", "j1.1"]
    assert await db.statuses.count_documents({"state": "a", "seq": {"$gte": 2}}) == 2


async def test_an_index_declared_again_after_its_drop_holds_the_documents_written_meanwhile(db: Any) -> None:
    await db.statuses.create_index("job")
    await db.statuses.insert_one({"_id": "a", "job": "x"})
    await db.statuses.drop_index("job_1")
    await db.statuses.update_one({"_id": "a"}, {"$set": {"job": "y"}})
    await db.statuses.insert_one({"_id": "b", "job": ["x", "z"]})

    await db.statuses.create_index("job")

    assert await ids(db.statuses.find({"job": "y"})) == ["a"]
    assert await ids(db.statuses.find({"job": "x"})) == ["b"]


async def test_dropping_an_unknown_index_or_the_id_index_is_refused_as_mongodb_refuses_it(db: Any) -> None:
    await db.statuses.create_index("job")
    with pytest.raises(OperationFailure) as unknown:
        await db.statuses.drop_index("seq_1")
    with pytest.raises(OperationFailure) as id_index:
        await db.statuses.drop_index("_id_")
    assert (unknown.value.code, id_index.value.code) == (27, 72)
    assert set(await db.statuses.index_information()) == {"_id_", "job_1"}


async def test_an_index_made_by_another_client_is_kept_by_this_one(
    client: DocumentClient, tmp_path: Path
) -> None:
    db = client["virtool"]
    await db.users.insert_one({"_id": "a", "handle": "h"})  # this client has read the schema
    other = DocumentClient(tmp_path / "documents.sqlite")
    await other["virtool"].users.create_index("handle", unique=True)
    await other.aclose()
    with pytest.raises(DuplicateKeyError):
        await db.users.insert_one({"_id": "b", "handle": "h"})
    await db.users.insert_one({"_id": "c", "handle": "i"})
    assert await ids(db.users.find({"handle": "i"})) == ["c"]


async def test_deletes(people: Any) -> None:
    assert (await people.delete_one({"groups": "lab"})).deleted_count == 1
    assert await people.find_one_and_delete({"_id": "dan"}, {"age": 1}) == {"_id": "dan", "age": "unknown"}
    assert await people.find_one_and_delete({"_id": "dan"}) is None
    assert (await people.delete_many({"age": {"$gte": 0}})).deleted_count == 2
    assert await ids(people.find({})) == ["eve"]


async def test_multikey_index_paths_match_array_members(db: Any) -> None:
    await db.projects.create_index("members.user_id")
    await db.projects.insert_many(
        [
            {"_id": "p1", "members": [{"user_id": "u1"}, {"user_id": "u2"}]},
            {"_id": "p2", "members": [{"user_id": "u2"}]},
            {"_id": "p3", "members": []},
        ]
    )
    assert await ids(db.projects.find({"members.user_id": "u2"}).sort("_id", 1)) == ["p1", "p2"]
    assert await ids(db.projects.find({"members.user_id": {"$in": ["u1"]}})) == ["p1"]
    assert await db.projects.count_documents({"members.user_id": "u3"}) == 0


async def test_async_for_reads_large_results_in_order(db: Any) -> None:
    await db.otus.insert_many(
        [{"_id": f"{i:04}", "reference": {"id": "r" if i % 3 else "s"}} for i in range(700)]
    )
    found = [document["_id"] async for document in db.otus.find({"reference.id": "r"}).sort("_id", -1)]
    assert found == [f"{i:04}" for i in reversed(range(700)) if i % 3]
    limited = db.otus.find({"reference.id": "s"}, {"_id": 1}).sort("_id", 1).skip(2).limit(3)
    assert [document async for document in limited] == [{"_id": "0006"}, {"_id": "0009"}, {"_id": "0012"}]


async def test_count_with_limit_distinct_and_collection_names(people: Any, db: Any) -> None:
    assert await people.count_documents({"groups": "lab"}, limit=1) == 1
    assert await people.distinct("groups") == ["admin", "field", "lab"]
    assert await db.list_collection_names() == ["people"]
    assert await db.command("ping") == {"ok": 1.0}


@pytest.mark.parametrize(
    "query",
    [
        {"$where": "this.a == 1"},
        {"$nor": [{"a": 1}]},
        {"a": {"$elemMatch": {"b": 1}}},
        {"a": {"$size": 1}},
        {"a": {"$not": {"$eq": 1}}},
        {"a.0": 1},
    ],
)
async def test_filters_outside_the_surface_raise(people: Any, query: dict[str, Any]) -> None:
    with pytest.raises(NotImplementedError):
        await people.find(query).to_list(None)


@pytest.mark.parametrize(
    "update",
    [
        {"$rename": {"a": "b"}},
        {"$min": {"a": 1}},
        {"$push": {"a": {"$each": [1], "$slice": 1}}},
        [{"$set": {}}],
    ],
)
async def test_updates_outside_the_surface_raise(people: Any, update: Any) -> None:
    with pytest.raises(NotImplementedError):
        await people.update_one({"_id": "ann"}, update)


async def test_an_array_under_a_unique_index_is_refused_loudly(db: Any) -> None:
    """MongoDB keys each element of an array in a unique index; one key column per document cannot, so the
    store refuses instead of answering differently."""
    await db.users.create_index("handle", unique=True)
    with pytest.raises(NotImplementedError):
        await db.users.insert_one({"_id": "a", "handle": ["a", "b"]})
    await db.users.insert_one({"_id": "a", "handle": "a"})
    with pytest.raises(NotImplementedError):
        await db.users.update_one({"_id": "a"}, {"$set": {"handle": ["a"]}})
    await db.tags.insert_one({"_id": "t", "name": ["x"]})
    with pytest.raises(NotImplementedError):
        await db.tags.create_index("name", unique=True)


async def test_sorting_by_two_array_paths_is_refused_as_mongodb_refuses_it(people: Any) -> None:
    with pytest.raises(OperationFailure, match="parallel arrays"):
        await people.find({}).sort([("groups", 1), ("pets.kind", 1)]).to_list(None)


async def test_a_projection_of_a_path_and_one_inside_it_is_refused(people: Any) -> None:
    for projection in ({"address": 1, "address.city": 1}, {"address": 0, "address.city": 0}):
        with pytest.raises(OperationFailure, match="Path collision"):
            await people.find({}, projection).to_list(None)


async def test_malformed_filters_raise_like_mongodb(people: Any) -> None:
    with pytest.raises(OperationFailure):
        await people.find({"$or": []}).to_list(None)
    with pytest.raises(OperationFailure):
        await people.find({"a": {"$options": "i"}}).to_list(None)


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
