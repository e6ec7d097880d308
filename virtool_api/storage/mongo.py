"""The document store: PyMongo's async API against MongoDB, or tinymongo's embedded SQLite-backed twin.

Both clients offer the same `AsyncMongoClient` surface. The project stays inside what both support: single
document atomic updates (`find_one_and_update` with a condition), `$set/$push/$pull/$inc`,
`$in/$or/$regex/$exists` filters, sort/skip/limit, `count_documents`, unique indexes. It does not use
`$lookup`, transactions or change streams, which the embedded store lacks.
"""

from pathlib import Path
from typing import Any

import pymongo
from pymongo.errors import DuplicateKeyError
from pymongo.uri_parser import parse_uri

from virtool_api.utils import random_id

DEFAULT_DATABASE = "virtool"


def connect(mongodb_url: str | None, data_path: Path) -> tuple[Any, Any]:
    """Return `(client, database)`; the embedded store lives in `{data_path}/db/`."""
    if mongodb_url:
        client: Any = pymongo.AsyncMongoClient(mongodb_url, serverSelectionTimeoutMS=5000)
        name = parse_uri(mongodb_url).get("database") or DEFAULT_DATABASE
        return client, client[name]

    import tinymongo

    folder = data_path / "db"
    folder.mkdir(parents=True, exist_ok=True)
    client = tinymongo.AsyncMongoClient(tinymongo_folder=str(folder), backend="sqlite")
    return client, client[DEFAULT_DATABASE]


async def create_indexes(db: Any) -> None:
    await db.samples.create_index("name", unique=True)
    await db.samples.create_index("created_at")
    await db.analyses.create_index("sample.id")
    await db.jobs.create_index("state")
    await db.users.create_index("handle", unique=True)
    await db.keys.create_index("hash", unique=True)
    await db.keys.create_index("user.id")
    await db.sessions.create_index("hash", unique=True)
    await db.sessions.create_index("user.id")
    await db.sessions.create_index("expires_at")
    await db.sign_in_failures.create_index("handle")
    await db.sign_in_failures.create_index("address")
    await db.sign_in_failures.create_index("at")
    await db.groups.create_index("name", unique=True)
    await db.labels.create_index("name", unique=True)
    await db.tags.create_index("name", unique=True)
    await db.projects.create_index("members.user_id")
    await db.otus.create_index("reference.id")
    await db.indexes.create_index("reference.id")
    await db.hmms.create_index("cluster")


def _is_id_collision(error: DuplicateKeyError) -> bool:
    """MongoDB names the violated index in `details.keyPattern`; the embedded store says `_id:<id> already
    exists`. Matching "_id" anywhere in MongoDB's message would also match a duplicate name holding "_id".
    """
    key_pattern = (error.details or {}).get("keyPattern")
    if key_pattern:
        return "_id" in key_pattern
    return str(error).startswith("_id:") or "index: _id_ " in str(error)


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
