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

from virtool_api.storage.docstore import open_data_directory
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


async def create_indexes(db: Any) -> None:
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
    await db.samples.create_index("name", unique=True)
    await db.samples.create_index(BY_CREATION)
    for fields in (*RIGHTS_CLAUSES, ("labels",), ("tags",), ("status",), ("subtractions",)):
        await db.samples.create_index(_then_by_creation(*fields))
    await db.samples.create_index("lower_name")
    await db.samples.create_index([(field, 1) for field in (*RIGHTS_FIELDS, "status")])
    await db.samples.create_index([(field, 1) for field in ("lower_name", *RIGHTS_FIELDS)])
    await db.analyses.create_index(BY_CREATION)
    await db.analyses.create_index(_then_by_creation("sample.id"))
    for fields in RIGHTS_CLAUSES:
        await db.analyses.create_index(_then_by_creation(*(f"sample_access.{field}" for field in fields)))
    await db.analyses.create_index([(f"sample_access.{field}", 1) for field in RIGHTS_FIELDS])
    await db.jobs.create_index(BY_CREATION)
    await db.jobs.create_index(_then_by_creation("user.id"))
    await db.jobs.create_index(_then_by_creation("state"))
    await db.users.create_index("handle", unique=True)
    await db.keys.create_index("hash", unique=True)
    await db.keys.create_index(_then_by_creation("user.id"))
    await db.sessions.create_index("hash", unique=True)
    await db.sessions.create_index("user.id")
    await db.sessions.create_index("expires_at")
    await db.sign_in_attempts.create_index("until")
    await db.groups.create_index("name", unique=True)
    await db.labels.create_index("name", unique=True)
    await db.tags.create_index("name", unique=True)
    # A lab has tens of projects: they are sorted in memory, so these indexes only find them.
    await db.projects.create_index("owner.id")
    await db.projects.create_index("members.user_id")
    await db.otus.create_index([("reference.id", 1), ("lower_name", 1), ("_id", 1)])
    await db.indexes.create_index([("reference.id", 1), ("version", 1)])
    await db.references.create_index("name")
    await db.subtractions.create_index("name")
    await db.hmms.create_index("cluster")
    await db.runners.create_index("seen_at")
    await _drop_obsolete_indexes(db)


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
