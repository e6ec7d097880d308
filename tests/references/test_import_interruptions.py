"""A reference import that is interrupted leaves nothing behind and holds nothing up: its client leaving
stops it, SIGTERM stops the server within `--shutdown-timeout` whatever it was doing, and kill -9 half-way
leaves OTUs nobody can read, which the next start removes.

Each runs a real server process (under the memory limit of `tests/support/import_servers.py`) importing a
generated export of 30,000 OTUs, which takes it several seconds to check and store.
"""

import asyncio
import functools
import gzip
import json
import random
import signal
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.import_servers import limited_server, open_stores, upload
from virtool_api.storage import mongo

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`

OTU_COUNT = 30_000
SHUTDOWN_TIMEOUT = 4


@functools.cache
def big_export(count: int = OTU_COUNT) -> bytes:
    """A valid export of `count` OTUs, each one isolate of one 400-base sequence: made once, when a test first
    asks (not as the suite is collected, in every worker)."""
    generator = random.Random(18)
    bases = "".join(generator.choices("ACGT", k=400 * count))
    otus = [
        {
            "_id": f"otu{number}",
            "name": f"Virus {number}",
            "abbreviation": f"V{number}",
            "isolates": [
                {
                    "id": "iso",
                    "default": True,
                    "source_type": "isolate",
                    "source_name": "A",
                    "sequences": [
                        {
                            "_id": f"seq{number}",
                            "accession": f"NC_{number:06d}",
                            "sequence": bases[400 * number : 400 * (number + 1)],
                        }
                    ],
                }
            ],
        }
        for number in range(count)
    ]
    return gzip.compress(json.dumps({"name": "Big", "data_type": "genome", "otus": otus}).encode(), 1)


async def stored_counts(data_path: Path) -> tuple[int, int]:
    """`(references, OTUs)` in the data path's document store, as a second process sees them.

    Only the document store is opened, and only read: the tests ask every 50 ms while the server imports,
    and opening the whole context (migrations checked, indexes created, stale uploads swept) wrote to the
    store the server was writing to.
    """
    client, db = mongo.connect(None, data_path)
    try:
        return await db.references.count_documents({}), await db.otus.count_documents({})
    finally:
        await client.close()


async def wait_for_line(log: Path, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"the server never logged {text!r}:\n{log.read_text()[-2000:]}"
        await asyncio.sleep(0.2)


def start_import(session: aiohttp.ClientSession, base: str, upload_id: int) -> "asyncio.Task[Any]":
    return asyncio.ensure_future(session.post(f"{base}/references", json={"import_from": upload_id}))


async def test_an_import_whose_client_leaves_is_stopped_and_leaves_nothing(administrator, tmp_path):
    data_path, log = administrator["data_path"], tmp_path / "server.log"
    with log.open("wb") as log_file, limited_server(data_path, log=log_file) as (_, base):
        async with aiohttp.ClientSession(headers=administrator["headers"]) as session:
            upload_id = await upload(session, base, big_export(), "reference")
            importing = start_import(session, base, upload_id)
            await asyncio.sleep(1)  # the server is checking the file
            assert not importing.done()
            importing.cancel()  # the client goes away
        # The request log line comes once the handler has returned: after its clean-up.
        await wait_for_line(log, "POST /api/references 499")
        assert "client went away during POST /api/references: stopping its work" in log.read_text()
    assert await stored_counts(data_path) == (0, 0)


async def test_sigterm_during_an_import_stops_it_within_the_shutdown_timeout(administrator):
    data_path = administrator["data_path"]
    with limited_server(data_path, f"--shutdown-timeout={SHUTDOWN_TIMEOUT}") as (process, base):
        async with aiohttp.ClientSession(headers=administrator["headers"]) as session:
            upload_id = await upload(session, base, big_export(), "reference")
            importing = start_import(session, base, upload_id)
            await asyncio.sleep(1)
            assert not importing.done()
            process.send_signal(signal.SIGTERM)
            # Well within the bound either way: without it, a stopping server waited for the import.
            assert await asyncio.to_thread(process.wait, SHUTDOWN_TIMEOUT + 10) == 0
            importing.cancel()
    assert await stored_counts(data_path) == (0, 0)


async def test_sigterm_with_a_thread_that_never_stops_exits_at_the_shutdown_timeout(administrator, tmp_path):
    """Whatever is running: a thread deaf to every request to stop (a test-only stall point in the check of
    the export) cannot keep the process alive past `--shutdown-timeout`; it exits with status 1, saying so."""
    data_path, log = administrator["data_path"], tmp_path / "server.log"
    options = (f"--shutdown-timeout={SHUTDOWN_TIMEOUT}",)
    with (
        log.open("wb") as log_file,
        limited_server(data_path, *options, log=log_file, stall_at="reference_check") as (process, base),
    ):
        async with aiohttp.ClientSession(headers=administrator["headers"]) as session:
            upload_id = await upload(session, base, big_export(), "reference")
            importing = start_import(session, base, upload_id)
            await asyncio.sleep(1)
            process.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(process.wait, SHUTDOWN_TIMEOUT + 10) == 1
            importing.cancel()
    assert f"still stopping after {SHUTDOWN_TIMEOUT} s (--shutdown-timeout): exiting now" in log.read_text()
    assert await stored_counts(data_path) == (0, 0)


async def test_kill_9_during_an_import_leaves_no_readable_otus_and_the_next_start_removes_them(administrator):
    data_path = administrator["data_path"]
    with limited_server(data_path) as (process, base):
        async with aiohttp.ClientSession(headers=administrator["headers"]) as session:
            upload_id = await upload(session, base, big_export(), "reference")
            importing = start_import(session, base, upload_id)
            deadline = time.monotonic() + 120
            while (await stored_counts(data_path))[1] == 0:  # until OTUs are being stored
                assert time.monotonic() < deadline and not importing.done()
                await asyncio.sleep(0.05)
            process.kill()
            assert await asyncio.to_thread(process.wait, 30) == -signal.SIGKILL
            importing.cancel()

    ctx = await open_stores(data_path)
    try:
        references, otus = await ctx.db.references.count_documents({}), await ctx.db.otus.count_documents({})
        assert 0 < otus < OTU_COUNT  # half-way: the state the issue found
        [hidden] = await ctx.db.references.find({}).to_list(None)
        assert "importing" in hidden
        an_otu = await ctx.db.otus.find_one({})
    finally:
        await ctx.close()

    # Before any repair (the heartbeat is fresh, so a start now leaves the import alone): nothing readable.
    with limited_server(data_path, "--creation-timeout=3600") as (_, base):
        async with aiohttp.ClientSession(headers=administrator["headers"]) as session:
            assert (await session.get(f"{base}/otus/{an_otu['_id']}")).status == 404
            listing = await (await session.get(f"{base}/references")).json()
            assert listing["total_count"] == 0
            assert (await session.get(f"{base}/references/{hidden['_id']}")).status == 404
            assert (await session.get(f"{base}/references/{hidden['_id']}/otus")).status == 404
    assert (references, await stored_counts(data_path)) == (1, (1, otus))

    # A start once the import's heartbeat is older than --creation-timeout removes it all.
    await asyncio.sleep(1.5)
    with limited_server(data_path, "--creation-timeout=1"):
        pass
    assert await stored_counts(data_path) == (0, 0)
