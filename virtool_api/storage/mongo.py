"""The document store: PyMongo's async API against MongoDB, or the project's embedded twin on SQLite
(`storage/docstore/`).

Both clients offer the same `AsyncMongoClient` surface. The project stays inside what both support: single
document atomic updates (`find_one_and_update` with a condition), `$set/$push/$pull/$inc`,
`$in/$or/$regex/$exists` filters, sort/skip/limit, `count_documents`, unique indexes. It does not use
`$lookup`, transactions or change streams, which the embedded store lacks (and raises on).
"""

from pathlib import Path
from typing import Any

import pymongo
from pymongo.errors import DuplicateKeyError
from pymongo.uri_parser import parse_uri

from virtool_api.storage.docstore import Database as EmbeddedDatabase
from virtool_api.storage.docstore import open_data_directory
from virtool_api.storage.docstore.together import Together
from virtool_api.utils import random_id

DEFAULT_DATABASE = "virtool"


def connect(mongodb_url: str | None, data_path: Path, timeout: float | None = None) -> tuple[Any, Any]:
    """Return `(client, database)`; the embedded store is `{data_path}/db/documents.sqlite` (docstore/).

    `timeout`: the seconds each MongoDB operation may wait to find a server (`--store-timeout`; PyMongo's
    30 without it)."""
    if mongodb_url:
        options: dict[str, Any] = {} if timeout is None else {"serverSelectionTimeoutMS": int(timeout * 1000)}
        client: Any = pymongo.AsyncMongoClient(mongodb_url, **options)
        name = parse_uri(mongodb_url).get("database") or DEFAULT_DATABASE
        return client, client[name]

    client = open_data_directory(data_path)
    return client, client[DEFAULT_DATABASE]


BY_CREATION = [("created_at", 1), ("_id", 1)]
"""Listings page newest first (`created_at`, then `_id` to break ties); one ascending index serves both
orders, walked either way by MongoDB and by the embedded store alike."""

RIGHTS_CLAUSES = (
    ("user.id",),
    ("all_read",),
    ("all_write",),
    ("visibility",),
    ("group", "group_read"),
    ("group", "group_write"),
    ("project",),
)
"""The fields each clause of the samples' rights rule (`readable_query`) pins. A `$or` uses indexes only when
every clause has one; each leads an index that continues with the listing's order, so MongoDB merges the
clauses' index walks into one sorted page, and every clause is decided by the index alone (our embedded store
then counts without reading a document)."""

RIGHTS_FIELDS = tuple(dict.fromkeys(field for clause in RIGHTS_CLAUSES for field in clause))
"""Every field the rights rule reads, once each, in the order of its clauses."""


def _then_by_creation(*fields: str) -> list[tuple[str, int]]:
    return [(field, 1) for field in fields] + BY_CREATION


IndexDeclaration = tuple[str, str | list[tuple[str, int]], bool]
"""`(collection, keys, unique)`: one index, as `create_index(keys, unique=unique)` declares it."""

INDEXES: list[IndexDeclaration] = [
    ("samples", "name", True),
    ("samples", BY_CREATION, False),
    *(
        ("samples", _then_by_creation(*fields), False)
        for fields in (*RIGHTS_CLAUSES, ("labels",), ("tags",), ("status",), ("subtractions",))
    ),
    ("samples", "lower_name", False),
    ("samples", [(field, 1) for field in (*RIGHTS_FIELDS, "status")], False),
    ("samples", [(field, 1) for field in ("lower_name", *RIGHTS_FIELDS)], False),
    ("analyses", BY_CREATION, False),
    ("analyses", _then_by_creation("sample.id"), False),
    *(
        ("analyses", _then_by_creation(*(f"sample_access.{field}" for field in fields)), False)
        for fields in RIGHTS_CLAUSES
    ),
    ("analyses", [(f"sample_access.{field}", 1) for field in RIGHTS_FIELDS], False),
    ("jobs", BY_CREATION, False),
    ("jobs", _then_by_creation("user.id"), False),
    ("jobs", _then_by_creation("state"), False),
    ("users", "handle", True),
    ("keys", "hash", True),
    ("keys", _then_by_creation("user.id"), False),
    ("sessions", "hash", True),
    ("sessions", "user.id", False),
    ("sessions", "expires_at", False),
    ("sign_in_attempts", "until", False),
    ("groups", "name", True),
    ("labels", "name", True),
    ("tags", "name", True),
    # A lab has tens of projects: they are sorted in memory, so these indexes only find them.
    ("projects", "owner.id", False),
    ("projects", "members.user_id", False),
    ("otus", [("reference.id", 1), ("lower_name", 1), ("_id", 1)], False),
    ("indexes", [("reference.id", 1), ("version", 1)], False),
    ("references", "name", False),
    ("subtractions", "name", False),
    ("hmms", "cluster", False),
    ("runners", "seen_at", False),
]
"""Every index a listing, a lookup or a uniqueness rule needs (`tests/storage/test_listing_indexes.py`
checks the listings' filters and orders against them).

Beside those, one index of the rights fields alone (for samples, and their status, a filter of the web
client): a listing's counts of what a member may read are read from it, the narrowest index holding every
field they test. Our embedded store then reads 6 MB instead of its 15 MB index of every key column at 100k
samples (a member's count: 13 -> 6.5 ms of CPU, bare SQLite's own index of those fields 5.4 ms); MongoDB
answers each `$or` clause from its own index and leaves this one to writes. Likewise a member's search
(`lower_name`, then the rights fields): its count reads 7 instead of 15 MB (13 -> 8.5 ms at 100k, bare
SQLite 7.8), and MongoDB matches the pattern and the rule on that index's keys, reading no document that
fails either."""


async def create_indexes(db: Any) -> None:
    """Declare `INDEXES` (each already made is left as it is): on our embedded store all in one transaction
    on one hop to its worker thread (each process's start, and each test's, on a store that has them: 17.7 ->
    11.1 ms of CPU; with the narrower checks of `schema.complete`, 6.6), on MongoDB one after the other."""
    if isinstance(db, EmbeddedDatabase):
        await db.together(_declare_together, write=True)
    else:
        for collection, keys, unique in INDEXES:
            await db[collection].create_index(keys, unique=unique)
    await _drop_obsolete_indexes(db)


def _declare_together(together: Together) -> None:
    for collection, keys, unique in INDEXES:
        together[collection].create_index(keys, unique=unique)


OBSOLETE_INDEXES = {"job_statuses": ("job_1_seq_1",)}
"""Indexes an earlier version declared and nothing reads any more, dropped at start-up: each is one more
write on every insert. A job's status entries are found by their `_id`s (`jobs/statuses.py`)."""


async def _drop_obsolete_indexes(db: Any) -> None:
    for collection, names in OBSOLETE_INDEXES.items():
        existing = await db[collection].index_information()
        for name in names:
            if name in existing:
                await db[collection].drop_index(name)


def _is_id_collision(error: DuplicateKeyError) -> bool:
    """MongoDB and our embedded store name the violated index in `details.keyPattern`; without it, only
    MongoDB's message naming the `_id_` index counts (matching "_id" anywhere in it would also match a
    duplicate name holding "_id").
    """
    key_pattern = (error.details or {}).get("keyPattern")
    if key_pattern:
        return "_id" in key_pattern
    return "index: _id_ " in str(error)


async def missing_ids(collection: Any, ids: list[str]) -> list[str]:
    """Those of `ids` that name no document of `collection`, in the order given."""
    found = {
        document["_id"] for document in await collection.find({"_id": {"$in": ids}}, {"_id": 1}).to_list(None)
    }
    return [value for value in ids if value not in found]


async def insert_with_random_id(collection: Any, document: dict[str, Any]) -> dict[str, Any]:
    """Insert under a fresh short id, retrying on the (rare) collision of ids only."""
    for _ in range(10):
        candidate = {"_id": random_id(), **document}
        try:
            await collection.insert_one(candidate)
        except DuplicateKeyError as error:
            if not _is_id_collision(error):
                raise
            continue
        return candidate
    raise RuntimeError("could not find a free id")
