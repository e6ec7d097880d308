"""A 2 GiB upload streams through a real job API process to disk without being held in memory.

The server is `virtool-api serve --only jobs` in its own process over a temporary data path with the embedded
stores (also when the tests run against real databases: memory use of streaming does not depend on them).
The analysis and its job are created through the service layer before the server starts, because the embedded
document store is a file under the data path; the job is acquired over HTTP like a runner would.
"""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.payload import AsyncIterablePayload

from tests.conftest import Factory, acquire
from virtool_api.config import Config
from virtool_api.context import create_context

MIB = 1024 * 1024
UPLOAD_SIZE = 2 * 1024 * MIB
RSS_GROWTH_LIMIT = 50 * MIB


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _peak_rss(pid: int) -> int:
    """`VmHWM` of the process: the most resident memory it has ever had, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def _serve_command() -> list[str]:
    script = Path(sys.executable).parent / "virtool-api"
    return [str(script)] if script.exists() else [sys.executable, "-m", "virtool_api"]


async def _generated_chunks(size: int) -> AsyncIterator[bytes]:
    """`size` bytes as 1 MiB pieces of one reused block: the client never holds more than that."""
    block = bytes(range(256)) * (MIB // 256)
    sent = 0
    while sent < size:
        piece = block[: min(MIB, size - sent)]
        yield piece
        sent += len(piece)


def _multipart_file(size: int, filename: str) -> aiohttp.MultipartWriter:
    writer = aiohttp.MultipartWriter("form-data")
    payload = AsyncIterablePayload(_generated_chunks(size), content_type="application/octet-stream")
    payload.set_content_disposition("form-data", name="file", filename=filename)
    writer.append_payload(payload)
    return writer


@pytest.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    data_path = tmp_path / "data"
    ctx = await create_context(Config(data_path=data_path))
    try:
        factory = Factory(ctx)
        analysis = await factory.analysis()
        job = await factory.analysis_job(analysis)
    finally:
        await ctx.close()
    yield {"data_path": data_path, "analysis_id": analysis["_id"], "job_id": job["_id"]}
    # pytest keeps recent temporary directories: do not leave gigabytes behind in them.
    shutil.rmtree(data_path, ignore_errors=True)


@pytest.fixture
def jobs_server(seeded: dict[str, Any]) -> Iterator[tuple[subprocess.Popen, str]]:
    port = _free_port()
    process = subprocess.Popen(
        [
            *_serve_command(),
            "--log-level=warning",
            "serve",
            "--only=jobs",
            "--host=127.0.0.1",
            f"--jobs-port={port}",
            f"--data-path={seeded['data_path']}",
        ]
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"server exited with {process.returncode}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start within 30 s"
                time.sleep(0.1)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def test_2_gib_upload_is_stored_whole_without_growing_server_memory(seeded, jobs_server):
    process, url = jobs_server
    analysis_id = seeded["analysis_id"]
    async with aiohttp.ClientSession(base_url=url, timeout=aiohttp.ClientTimeout(total=600)) as session:
        auth = await acquire(session, seeded["job_id"])
        baseline = _peak_rss(process.pid)

        response = await session.post(
            f"/api/analyses/{analysis_id}/files?name=big.bam&format=bam",
            data=_multipart_file(UPLOAD_SIZE, "big.bam"),
            headers=auth,
        )
        assert response.status == 201, await response.text()
        body = await response.json()

    growth = _peak_rss(process.pid) - baseline
    assert growth < RSS_GROWTH_LIMIT, f"peak RSS grew by {growth / MIB:.1f} MiB"
    assert body["name"] == "big.bam" and body["size"] == UPLOAD_SIZE
    stored = seeded["data_path"] / "analyses" / f"{body['id']}-big.bam"
    assert body["name_on_disk"] == stored.name
    assert stored.stat().st_size == UPLOAD_SIZE
    assert [path.name for path in stored.parent.iterdir()] == [stored.name]
