"""A data directory written by the former embedded store (tinymongo) is carried over once, on start, without
loss (`virtool_api/storage/docstore/carry_over.py`), also when a start is killed halfway through."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import DuplicateKeyError

from virtool_api.config import Config
from virtool_api.crash_points import ENVIRONMENT_VARIABLE
from virtool_api.server.context import create_context
from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.docstore.carry_over import CARRIED_OVER

CREATED = datetime(2023, 3, 4, 5, 6, 7, 891000, tzinfo=UTC)

DOCUMENTS: dict[str, list[dict[str, Any]]] = {
    "users": [
        {"_id": "u1", "handle": "ann", "administrator": True, "groups": ["lab"], "created_at": CREATED},
        {"_id": "u2", "handle": "bob", "administrator": False, "groups": [], "created_at": CREATED},
    ],
    "samples": [
        {
            "_id": f"s{i}",
            "name": f"Sample {i}",
            "created_at": CREATED + timedelta(minutes=i),
            "user": {"id": "u1"},
            "quality": {"count": 2**40 + i, "gc": 40.5, "bases": [[31.0, 32.5]], "encoding": None},
            "labels": [1, 2],
            "ready": i % 2 == 0,
            "job": None if i % 2 else {"id": f"j{i}"},
        }
        for i in range(30)
    ],
    "jobs": [
        {"_id": "j0", "state": "complete", "ping": None, "status": [{"state": "waiting", "at": CREATED}]},
        {"state": "waiting"},  # tinymongo gives it an ObjectId `_id`
    ],
    "settings": [{"_id": "settings", "sample_group": None, "enable_sentry": False}],
}


async def write_with_tinymongo(data_path: Path) -> dict[str, list[dict[str, Any]]]:
    """What the former default wrote (its client, its files), and the documents as it reads them back."""
    import tinymongo

    client = tinymongo.AsyncMongoClient(tinymongo_folder=str(data_path / "db"), backend="sqlite")
    db = client["virtool"]
    await db.users.create_index("handle", unique=True)
    await db.samples.create_index("name", unique=True)
    for name, documents in DOCUMENTS.items():
        await db[name].insert_many([dict(document) for document in documents])
    written = {name: await db[name].find({}).sort("_id", 1).to_list(None) for name in DOCUMENTS}
    await client.close()
    return written


async def read_everything(db: Any) -> dict[str, list[dict[str, Any]]]:
    return {name: await db[name].find({}).sort("_id", 1).to_list(None) for name in DOCUMENTS}


async def test_a_tinymongo_data_directory_is_carried_over_once_without_loss(tmp_path: Path) -> None:
    data_path = tmp_path / "data"
    written = await write_with_tinymongo(data_path)
    assert sum(map(len, written.values())) == 35

    ctx = await create_context(Config(data_path=data_path))
    try:
        assert await read_everything(ctx.db) == written
        assert (await ctx.db.samples.find_one({"_id": "s3"}))["quality"]["count"] == 2**40 + 3
        # The indexes the server declares hold over the carried-over documents.
        with pytest.raises(DuplicateKeyError):
            await ctx.db.users.insert_one({"_id": "u3", "handle": "ann"})
        listing = await ctx.db.samples.find({}, {"_id": 1}).sort([("created_at", -1), ("_id", -1)]).to_list(2)
        assert listing == [{"_id": "s29"}, {"_id": "s28"}]
    finally:
        await ctx.close()

    db_folder = data_path / "db"
    assert (db_folder / CARRIED_OVER / "virtool.sqlite").is_file()
    assert not (db_folder / "virtool.sqlite").exists()

    ctx = await create_context(Config(data_path=data_path))
    try:
        assert await read_everything(ctx.db) == written
    finally:
        await ctx.close()


def start(data_path: Path, crash_at: str | None = None) -> int:
    """Open the document store as `serve` does, in a process of its own (killed at `crash_at`)."""
    environment = {key: value for key, value in os.environ.items() if key != ENVIRONMENT_VARIABLE}
    if crash_at:
        environment[ENVIRONMENT_VARIABLE] = crash_at
    code = (
        "import sys; from pathlib import Path; from virtool_api.storage.mongo import connect; "
        "client, _ = connect(None, Path(sys.argv[1])); client.close()"
    )
    arguments = [sys.executable, "-c", code, str(data_path)]
    return subprocess.run(arguments, env=environment, timeout=120).returncode


async def count_new(data_path: Path) -> int:
    client = DocumentClient(data_path / "db" / "documents.sqlite")
    try:
        return sum([await client["virtool"][name].count_documents({}) for name in DOCUMENTS])
    finally:
        await client.aclose()


@pytest.mark.parametrize("crash_at", ["carry_over_copied", "carry_over_committed"])
async def test_a_carry_over_killed_halfway_is_finished_by_the_next_start(
    tmp_path: Path, crash_at: str
) -> None:
    data_path = tmp_path / "data"
    written = await write_with_tinymongo(data_path)

    assert start(data_path, crash_at) == -9
    assert (data_path / "db" / "virtool.sqlite").is_file()  # not moved aside yet
    assert await count_new(data_path) == (0 if crash_at == "carry_over_copied" else 35)

    assert start(data_path) == 0
    assert not (data_path / "db" / "virtool.sqlite").exists()
    client = DocumentClient(data_path / "db" / "documents.sqlite")
    try:
        assert await read_everything(client["virtool"]) == written
    finally:
        await client.aclose()
