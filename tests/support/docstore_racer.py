"""One racing process of `tests/storage/test_docstore_processes.py`.

    python -m tests.support.docstore_racer STORE_FILE SCENARIO NAME COUNT START_FILE

It opens the store, prints `ready`, waits until START_FILE exists (so that every racer starts at once), runs
its scenario COUNT times and prints what it won as one JSON line.
"""

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from virtool_api.storage.docstore import DocumentClient


async def claim_jobs(db: Any, name: str, count: int) -> list[str]:
    """Take each waiting job with one conditional update, as a runner takes a job; the ids this racer got."""
    won = []
    for number in range(count):
        job = await db.jobs.find_one_and_update(
            {"_id": f"job {number}", "state": "waiting"},
            {"$set": {"state": "taken", "by": name}},
            return_document=ReturnDocument.AFTER,
        )
        if job is not None:
            if job["by"] != name:
                raise AssertionError(f"{name} was handed {job}")
            won.append(job["_id"])
    return won


async def insert_samples(db: Any, name: str, count: int) -> list[str]:
    """Insert a sample of each name under a unique index; the names this racer stored."""
    won = []
    for number in range(count):
        try:
            await db.samples.insert_one({"_id": f"{name} {number}", "name": f"sample {number}"})
        except DuplicateKeyError:
            continue
        won.append(f"sample {number}")
    return won


async def increment(db: Any, name: str, count: int) -> int:
    """`$inc` one counter `count` times; how many updates said they changed it."""
    changed = 0
    for _ in range(count):
        result = await db.counters.update_one({"_id": "counter"}, {"$inc": {"count": 1}})
        changed += result.modified_count
    return changed


SCENARIOS = {"claim": claim_jobs, "insert": insert_samples, "increment": increment}


async def race(store: str, scenario: str, name: str, count: int, start: Path) -> Any:
    client = DocumentClient(store)
    try:
        db = client["virtool"]
        await db.jobs.find_one({})  # opened and read before the start, so the race is the writes alone
        print("ready", flush=True)
        while not start.exists():
            time.sleep(0.001)
        return await SCENARIOS[scenario](db, name, count)
    finally:
        closing = client.close()
        if asyncio.iscoroutine(closing):
            await closing


if __name__ == "__main__":
    store, scenario, name, count, start = sys.argv[1:]
    print(json.dumps(asyncio.run(race(store, scenario, name, int(count), Path(start)))), flush=True)
