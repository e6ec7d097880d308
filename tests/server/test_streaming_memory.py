"""A 2 GiB upload streams through a real job API process to disk without being held in memory.

The server is `virtool-api serve --only jobs` in its own process over a temporary data path with the embedded
stores (also when the tests run against real databases: memory use of streaming does not depend on them).
The analysis and its job are created through the service layer before the server starts, because the embedded
document store is a file under the data path; the job is acquired over HTTP like a runner would.
"""

from collections.abc import AsyncIterator

import aiohttp
from aiohttp.payload import AsyncIterablePayload

from tests.support.jobs import acquire
from tests.support.real_server import peak_rss

MIB = 1024 * 1024
UPLOAD_SIZE = 2 * 1024 * MIB
RSS_GROWTH_LIMIT = 50 * MIB


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


async def test_2_gib_upload_is_stored_whole_without_growing_server_memory(seeded, jobs_server):
    process, url = jobs_server
    analysis_id = seeded["analysis_id"]
    async with aiohttp.ClientSession(base_url=url, timeout=aiohttp.ClientTimeout(total=600)) as session:
        auth = await acquire(session, seeded["job_id"])
        baseline = peak_rss(process.pid)

        response = await session.post(
            f"/api/analyses/{analysis_id}/files?name=big.bam&format=bam",
            data=_multipart_file(UPLOAD_SIZE, "big.bam"),
            headers=auth,
        )
        assert response.status == 201, await response.text()
        body = await response.json()

    growth = peak_rss(process.pid) - baseline
    assert growth < RSS_GROWTH_LIMIT, f"peak RSS grew by {growth / MIB:.1f} MiB"
    assert body["name"] == "big.bam" and body["size"] == UPLOAD_SIZE
    stored = seeded["data_path"] / "analyses" / f"{body['id']}-big.bam"
    assert body["name_on_disk"] == stored.name
    assert stored.stat().st_size == UPLOAD_SIZE
    assert [path.name for path in stored.parent.iterdir()] == [stored.name]
