"""The embedded document store's indexes are SQLite indexes: unique ones raise MongoDB's duplicate key errors,
each declared index is one, a dropped one is gone, one made by another client is kept, and a multikey path
matches array members."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

from tests.support.docstore_ids import ids
from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.mongo import _is_id_collision


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
