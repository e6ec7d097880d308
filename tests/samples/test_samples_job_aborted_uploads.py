"""The job API's sample routes: an upload its client abandons part-way leaves no file and no record,
and temporaries left behind are swept once stale (docs/api.md, "Job API")."""

import asyncio
import gzip
import os
import time

import aiohttp

from tests.support.reads import FASTQ_GZ
from tests.support.sample_jobs import (
    BOUNDARY,
    created_sample_job,
    data_path,
    incoming_files,
    poll,
    reads_rows,
    upload_reads,
)


async def test_aborted_reads_upload_leaves_nothing(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    host, port = jobs_client.server.host, jobs_client.server.port
    part_head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="reads.fq.gz"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    first_bytes = gzip.compress(os.urandom(64 * 1024))
    _reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        "\r\n".join(
            [
                f"PUT /api/samples/{sample['_id']}/reads/reads_1.fq.gz HTTP/1.1",
                f"Host: {host}:{port}",
                f"Authorization: {auth['Authorization']}",
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
                f"Content-Length: {100 * 1024 * 1024}",
            ]
        ).encode()
        + b"\r\n\r\n"
        + part_head
        + first_bytes
    )
    await writer.drain()

    # The server is receiving: its temporary file exists. Then the client goes away mid-body.
    assert await poll(lambda: len(incoming_files(ctx)) == 1), "the upload never started"
    writer.close()
    await writer.wait_closed()

    assert await poll(lambda: incoming_files(ctx) == []), incoming_files(ctx)
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()

    # The sample is still usable: a complete upload afterwards succeeds.
    response = await upload_reads(jobs_client, sample["_id"], auth)
    assert response.status == 201


async def test_upload_from_failing_client_stream_leaves_nothing(jobs_client, factory, ctx):
    """A client whose body generator raises part-way: the server sees a truncated chunked body."""
    sample, _, auth = await created_sample_job(factory, jobs_client)
    receiving: list[bool] = []

    async def body():  # type: ignore[no-untyped-def]
        yield f"--{BOUNDARY}\r\n".encode()
        yield b'Content-Disposition: form-data; name="file"; filename="reads.fq.gz"\r\n\r\n'
        yield FASTQ_GZ[:100]
        receiving.append(await poll(lambda: len(incoming_files(ctx)) == 1))
        raise RuntimeError("the runner's disk failed")

    url = jobs_client.make_url(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz")
    async with aiohttp.ClientSession() as session:
        try:
            await session.put(
                url,
                data=body(),
                headers={**auth, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            )
        except (RuntimeError, aiohttp.ClientError):
            pass

    assert receiving == [True], "the upload never started"
    assert await poll(lambda: incoming_files(ctx) == []), incoming_files(ctx)
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()


async def test_sweep_stale_incoming_removes_old_temporaries_only(ctx):
    directory = data_path(ctx) / "samples" / "abc123"
    directory.mkdir(parents=True)
    old = directory / ".incoming-old"
    fresh = directory / ".incoming-fresh"
    kept = directory / "reads_1.fq.gz"
    for path in (old, fresh, kept):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(kept, (two_hours_ago, two_hours_ago))

    removed = ctx.files.sweep_stale_incoming()

    assert removed == 1
    assert not old.exists()
    assert fresh.exists()
    assert kept.exists()
