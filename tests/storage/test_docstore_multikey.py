"""The embedded document store answers filters on array paths, plain-text searches, and projections of indexed
fields from its indexes.

Each test makes the documents a query must not match unreadable (their stored BSON overwritten with a byte
that does not decode) before asking: an answer that read them, through the Python matcher, raises. What the
answers are is the same rule the differential tests hold against MongoDB's
(`test_docstore_differential_*.py`); here, that the indexes give it.
"""

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from virtool_api.storage.docstore import DocumentClient, operations
from virtool_api.storage.docstore.codec import sort_key
from virtool_api.storage.docstore.filters import compile_filter
from virtool_api.storage.docstore.schema import LAYOUT, MULTIKEY_PROBE

PEOPLE = [
    {
        "_id": "ann",
        "name": "Ann Tomato",
        "groups": ["lab", "admin"],
        "pets": [{"kind": "dog"}, {"kind": "cat"}],
    },
    {"_id": "bob", "name": "Bob", "groups": ["lab"], "pets": []},
    {"_id": "cat", "name": "Cat tomato", "groups": [], "pets": [{"kind": "cat"}]},
    {"_id": "dan", "name": "Dan", "groups": "field", "pets": {"kind": "dog"}},
    {"_id": "eve", "name": "tomatoes", "groups": ["lab", "field", None]},
    {"_id": "fay", "name": "Fay", "groups": [["lab"]]},
    {"_id": "gus", "name": "Gus\x00tomato", "groups": None},
]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[DocumentClient]:
    client = DocumentClient(tmp_path / "documents.sqlite")
    yield client
    await client.aclose()


@pytest.fixture
async def people(client: DocumentClient) -> Any:
    collection = client["virtool"].people
    for path in ("groups", "pets.kind", "name"):
        await collection.create_index(path)
    await collection.insert_many([dict(person) for person in PEOPLE])
    return collection


def make_unreadable(client: DocumentClient, ids: list[str]) -> None:
    with sqlite3.connect(client.path) as connection:
        for value in ids:
            connection.execute("UPDATE \"virtool.people\" SET doc = x'00' WHERE id = ?", (sort_key(value),))


async def answered_from_indexes(client: DocumentClient, people: Any, query: dict[str, Any]) -> list[str]:
    """The ids matching `query` (also counted), with every other document unreadable first."""
    expected = [person["_id"] async for person in people.find(query).sort("_id", 1)]
    make_unreadable(client, [person["_id"] for person in PEOPLE if person["_id"] not in expected])
    found = [person["_id"] for person in await people.find(query).sort("_id", 1).to_list(None)]
    assert await people.count_documents(query) == len(found)
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"groups": "lab"}, ["ann", "bob", "eve"]),
        ({"groups": "field"}, ["dan", "eve"]),
        ({"groups": {"$in": ["admin", "field"]}}, ["ann", "dan", "eve"]),
        ({"groups": {"$all": ["lab", "field"]}}, ["eve"]),
        ({"groups": {"$gte": "l", "$lt": "m"}}, ["ann", "bob", "eve"]),
        ({"groups": None}, ["eve", "gus"]),
        ({"groups": {"$regex": "^fi"}}, ["dan", "eve"]),
        ({"groups": {"$regex": "dmi"}}, ["ann"]),
        ({"pets.kind": "cat"}, ["ann", "cat"]),
        ({"pets.kind": "dog"}, ["ann", "dan"]),
        ({"groups": "lab", "pets.kind": "dog"}, ["ann"]),
        ({"$or": [{"groups": "admin"}, {"pets.kind": "cat"}]}, ["ann", "cat"]),
        ({"name": {"$regex": "tomato"}}, ["cat", "eve", "gus"]),
        ({"name": {"$regex": "^Cat"}}, ["cat"]),
        ({"name": {"$regex": "\x00tom"}}, ["gus"]),
        ({"name": {"$regex": "Tomato"}}, ["ann"]),
    ],
    ids=repr,
)
async def test_array_paths_and_plain_text_are_answered_from_the_indexes(
    client: DocumentClient, people: Any, query: dict[str, Any], expected: list[str]
) -> None:
    assert await answered_from_indexes(client, people, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"groups": {"$ne": "lab"}}, ["cat", "dan", "fay", "gus"]),
        ({"groups": {"$nin": ["lab", "field"]}}, ["cat", "fay", "gus"]),
        ({"groups": ["lab"]}, ["bob", "fay"]),
    ],
    ids=repr,
)
async def test_negations_and_whole_arrays_answer_as_mongodb(
    people: Any, query: dict[str, Any], expected: list[str]
) -> None:
    assert [person["_id"] for person in await people.find(query).sort("_id", 1).to_list(None)] == expected


async def test_a_changed_or_removed_document_leaves_no_element_keys_behind(
    client: DocumentClient, people: Any
):
    await people.update_one({"_id": "bob"}, {"$set": {"groups": ["sales"]}})
    await people.delete_one({"_id": "eve"})
    await people.insert_one({"_id": "hal", "groups": ["ops"]})  # may take eve's row id
    assert await answered_from_indexes(client, people, {"groups": "lab"}) == ["ann"]
    assert await people.count_documents({"groups": "sales"}) == 1
    assert await people.count_documents({"groups": "field"}) == 1
    assert await people.count_documents({"groups": "ops"}) == 1


async def test_an_index_declared_before_element_tables_gets_them_when_the_file_is_opened(
    client: DocumentClient, people: Any, tmp_path: Path
) -> None:
    with sqlite3.connect(client.path) as connection:  # as a file written before element tables existed
        made = connection.execute(
            "SELECT type, name FROM sqlite_master"
            " WHERE type IN ('table', 'trigger') AND name LIKE '_docstore_elements:%'"
        ).fetchall()
        assert made
        for kind, name in made:
            connection.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
        connection.execute("PRAGMA user_version = 0")  # which no such file recorded
    reopened = DocumentClient(client.path)
    try:
        collection = reopened["virtool"].people
        assert await answered_from_indexes(reopened, collection, {"groups": "lab"}) == ["ann", "bob", "eve"]
        await collection.create_index("groups")  # as every start declares it again: nothing to do
        assert await answered_from_indexes(reopened, collection, {"groups": "lab"}) == ["ann", "bob", "eve"]
    finally:
        await reopened.aclose()
    with sqlite3.connect(client.path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == LAYOUT


async def test_a_filter_sql_decides_is_counted_from_the_keys_index_not_the_documents(tmp_path: Path) -> None:
    """Every key column is also in one index (`schema.keep_keys_index`): SQLite counts by reading that index,
    not the table and its documents. (`schema.analyze` tells SQLite how large documents are, without which
    it read the table for a non-administrator's count at 100k samples: 57 instead of 20 ms.)"""
    client = DocumentClient(tmp_path / "documents.sqlite")
    try:
        samples = client["virtool"].samples
        fields = {f"field{number}": number for number in range(8)}  # key columns, as samples have
        await samples.insert_many(
            [
                {"_id": f"s{n:03}", "owner": f"u{n % 7}", "shared": n % 3 == 0, **fields, "notes": "x" * 2000}
                for n in range(300)
            ]
        )
        for path in ("owner", "shared", *fields):
            await samples.create_index(path)
        assert await samples.count_documents({"$or": [{"owner": "u1"}, {"shared": True}]}) == 129
        with sqlite3.connect(client.path) as connection:
            count = 'SELECT count(*) FROM "virtool.samples" WHERE "k:owner" = ? OR "k:shared" = ?'
            plan = connection.execute(
                f"EXPLAIN QUERY PLAN {count}", (sort_key("u1"), sort_key(True))
            ).fetchall()
        assert "USING COVERING INDEX virtool.samples:keys" in str(plan)
    finally:
        await client.aclose()


async def test_a_projection_of_indexed_fields_is_answered_from_the_keys(client: DocumentClient, people: Any):
    """A covered query (`operations.select_projected`): no document is read where its keys tell the values
    (a string here); one whose key does not (an array, null) is read from its document."""
    make_unreadable(client, [person["_id"] for person in PEOPLE])
    names = await people.find({}, {"name": 1}).sort("_id", 1).to_list(None)
    assert names == [{"_id": person["_id"], "name": person["name"]} for person in PEOPLE]
    assert await people.find_one({"groups": "field", "name": "Dan"}, {"_id": 0, "name": 1}) == {"name": "Dan"}
    assert await people.find_one({"_id": "gus"}, {"_id": 1}) == {"_id": "gus"}


async def test_a_projected_field_whose_key_does_not_tell_its_value_is_read_from_the_document(
    client: DocumentClient, people: Any
):
    make_unreadable(client, ["dan"])  # "field": a string, told by its key; the others are arrays or null
    groups = await people.find({}, {"groups": 1}).sort("_id", 1).to_list(None)
    assert groups == [
        {"_id": person["_id"], **({"groups": person["groups"]} if "groups" in person else {})}
        for person in PEOPLE
    ]


async def test_arrays_under_a_path_that_leads_no_index_are_found(client: DocumentClient) -> None:
    """Whether any document holds an array under an indexed path is asked before each query; for a path that
    leads no SQLite index (`tags` after `kind`) a partial index of those rows answers it
    (`schema.keep_multikey_indexes`), and must hold every row that came to hold an array."""
    notes = client["virtool"].notes
    await notes.create_index([("kind", 1), ("tags", 1)])
    await notes.insert_many([{"_id": "a", "kind": "k", "tags": "x"}, {"_id": "b", "kind": "k", "tags": "y"}])
    assert [note["_id"] for note in await notes.find({"tags": "x"}).to_list(None)] == ["a"]
    await notes.update_one({"_id": "b"}, {"$set": {"tags": ["x", "z"]}})
    await notes.insert_one({"_id": "c", "kind": "k", "tags": ["w", "x"]})
    assert [note["_id"] for note in await notes.find({"tags": "x"}).sort("_id", 1).to_list(None)] == [
        "a",
        "b",
        "c",
    ]
    assert await notes.count_documents({"tags": "x"}) == 3
    with sqlite3.connect(client.path) as connection:
        held = connection.execute(
            'SELECT id FROM "virtool.notes" INDEXED BY "virtool.notes:multikey:tags"'
            " WHERE \"k:tags\" = x'ff' ORDER BY id"
        ).fetchall()
    assert held == [(sort_key("b"),), (sort_key("c"),)]


async def test_a_path_under_unique_indexes_only_is_looked_up_without_asking_whether_it_holds_arrays(
    client: DocumentClient,
) -> None:
    """Such a column never holds MULTIKEY (arrays there are refused), so finding a key by its hash is one
    statement; a path under any other index is still probed first."""
    keys = client["virtool"].keys
    await keys.create_index("hash", unique=True)
    await keys.create_index("name")
    await keys.insert_many(
        [{"_id": "k1", "hash": "aa", "name": ["x", "y"]}, {"_id": "k2", "hash": "bb", "name": "z"}]
    )
    statements: list[str] = []

    def find(connection: sqlite3.Connection, tables: Any) -> Any:
        connection.set_trace_callback(statements.append)
        try:
            table = tables("virtool.keys")
            return [
                operations.select(connection, table, operations.Query(compile_filter(query), []))
                for query in ({"hash": "bb"}, {"name": "x"})
            ]
        finally:
            connection.set_trace_callback(None)

    by_hash, by_name = await client.engine.run(find)
    assert [document["_id"] for _, document in by_hash] == ["k2"]
    assert [document["_id"] for _, document in by_name] == ["k1"]
    probes = [statement for statement in statements if MULTIKEY_PROBE in statement]
    assert len(probes) == 1 and '"k:name"' in probes[0], statements
