"""Several server processes on one data directory stay atomic: real processes race on one SQLite store file.

Each racer (`tests/support/docstore_racer.py`) opens the file, says it is ready and waits for a start file, so
every racer writes at the same moment; the store must serialize them (`BEGIN IMMEDIATE`) without losing or
doubling a write, and without a racer failing on a locked database.
"""

import asyncio
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from virtool_api.storage.docstore import DocumentClient

ROOT = Path(__file__).resolve().parents[2]
RACERS = 3
ROUNDS = 200


async def prepare(store: Path) -> None:
    client = DocumentClient(str(store))
    try:
        db = client["virtool"]
        await db.samples.create_index("name", unique=True)
        await db.jobs.create_index("state")
        await db.jobs.insert_many([{"_id": f"job {number}", "state": "waiting"} for number in range(ROUNDS)])
        await db.counters.insert_one({"_id": "counter", "count": 0})
    finally:
        closing = client.close()
        if asyncio.iscoroutine(closing):
            await closing


def run_racers(tmp_path: Path, scenario: str) -> dict[str, Any]:
    """Start RACERS processes on the store, release them together, and return what each says it won."""
    store = tmp_path / "docstore.sqlite"
    asyncio.run(prepare(store))
    start = tmp_path / f"start {scenario}"
    names = [f"racer {number}" for number in range(RACERS)]
    racers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.docstore_racer",
                str(store),
                scenario,
                name,
                str(ROUNDS),
                str(start),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    try:
        for racer in racers:
            assert racer.stdout is not None
            assert racer.stdout.readline() == "ready\n", racer.communicate()[1]
        start.touch()
        results = {}
        for name, racer in zip(names, racers, strict=True):
            out, err = racer.communicate(timeout=120)
            assert racer.returncode == 0, err
            results[name] = json.loads(out)
        return results
    finally:
        for racer in racers:
            if racer.poll() is None:
                racer.kill()
                racer.wait()


async def stored(tmp_path: Path, collection: str) -> list[dict[str, Any]]:
    client = DocumentClient(str(tmp_path / "docstore.sqlite"))
    try:
        return await client["virtool"][collection].find({}).sort("_id", 1).to_list(None)
    finally:
        closing = client.close()
        if asyncio.iscoroutine(closing):
            await closing


def test_each_conditional_update_has_exactly_one_winner(tmp_path: Path) -> None:
    won = run_racers(tmp_path, "claim")
    claims = Counter(job for jobs in won.values() for job in jobs)
    assert sorted(claims) == sorted(f"job {number}" for number in range(ROUNDS))
    assert set(claims.values()) == {1}
    jobs = asyncio.run(stored(tmp_path, "jobs"))
    assert {job["_id"]: job["by"] for job in jobs} == {
        job: name for name, taken in won.items() for job in taken
    }
    assert {job["state"] for job in jobs} == {"taken"}


def test_each_unique_name_is_stored_once_and_the_others_hear_duplicate_key(tmp_path: Path) -> None:
    won = run_racers(tmp_path, "insert")
    names = Counter(name for stored_names in won.values() for name in stored_names)
    assert sorted(names) == sorted(f"sample {number}" for number in range(ROUNDS))
    assert set(names.values()) == {1}
    samples = asyncio.run(stored(tmp_path, "samples"))
    assert len(samples) == ROUNDS
    assert {sample["name"]: sample["_id"].rsplit(" ", 1)[0] for sample in samples} == {
        name: racer for racer, taken in won.items() for name in taken
    }


def test_increments_from_every_process_all_count(tmp_path: Path) -> None:
    won = run_racers(tmp_path, "increment")
    assert won == {f"racer {number}": ROUNDS for number in range(RACERS)}
    assert asyncio.run(stored(tmp_path, "counters")) == [{"_id": "counter", "count": RACERS * ROUNDS}]
