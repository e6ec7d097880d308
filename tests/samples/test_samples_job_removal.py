"""The job API's sample routes: a job removing its unfinalized sample (`DELETE /samples/{id}`),
its files and records, also while an upload or a status report is in flight (docs/api.md,
"Job API")."""

import asyncio
import json

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, QUALITY
from tests.support.sample_jobs import (
    BOUNDARY,
    artifact_rows,
    created_sample_job,
    data_path,
    incoming_files,
    poll,
    post_status,
    reads_rows,
    upload_artifact,
    upload_reads,
)
from virtool_api.errors import NotFound
from virtool_api.samples.files import store_reads


async def test_remove_unfinalized_sample(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    assert (await upload_artifact(jobs_client, sample["_id"], auth)).status == 201
    assert (data_path(ctx) / "samples" / sample["_id"]).is_dir()

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 204
    assert await response.read() == b""
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await reads_rows(ctx, sample["_id"]) == []
    assert await artifact_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"]).exists()


async def test_remove_finalized_sample_is_409(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )
    assert response.status == 200

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Sample is finalized"}
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is not None
    assert len(await reads_rows(ctx, sample["_id"])) == 1
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == FASTQ_GZ


async def test_remove_sample_after_error_status(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    await post_status(jobs_client, job["_id"], auth, "error")

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 204
    assert await response.read() == b""
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"]).exists()


async def test_remove_sample_racing_error_status(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    body = {"state": "error", "progress": 50, "error": {"type": "E", "traceback": [], "details": []}}

    status, removal = await asyncio.gather(
        jobs_client.post(f"/api/jobs/{job['_id']}/status", json=body, headers=auth),
        jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth),
    )

    assert status.status == 201
    assert removal.status == 204
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None


async def test_remove_sample_as_analysis_job_is_403(jobs_client, factory, ctx):
    sample = await factory.sample()
    analysis = await factory.analysis(sample)
    auth = await acquire(jobs_client, (await factory.analysis_job(analysis))["_id"])

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is not None


async def test_remove_sample_while_reads_upload_is_in_flight(jobs_client, factory, ctx):
    """A failing job's clean-up DELETE can overtake its own last upload: nothing may survive either way."""
    sample, _, auth = await created_sample_job(factory, jobs_client)
    host, port = jobs_client.server.host, jobs_client.server.port
    part_head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="reads.fq.gz"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        "\r\n".join(
            [
                f"PUT /api/samples/{sample['_id']}/reads/reads_1.fq.gz HTTP/1.1",
                f"Host: {host}:{port}",
                "Connection: close",
                f"Authorization: {auth['Authorization']}",
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
                f"Content-Length: {len(part_head) + len(FASTQ_GZ) + len(tail)}",
            ]
        ).encode()
        + b"\r\n\r\n"
        + part_head
        + FASTQ_GZ[:100]
    )
    await writer.drain()
    assert await poll(lambda: len(incoming_files(ctx)) == 1), "the upload never started"

    removal = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)
    assert removal.status == 204

    writer.write(FASTQ_GZ[100:] + tail)
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    assert int(response.split(b" ", 2)[1]) == 404, response
    assert json.loads(response.partition(b"\r\n\r\n")[2]) == NOT_FOUND

    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"]).exists()
    assert incoming_files(ctx) == []


async def test_reads_arriving_for_a_sample_removed_just_before_keep_nothing(jobs_client, factory, ctx):
    """The removal can finish between the upload's existence check and its first byte on disk: the upload
    must notice its owner is gone after placing the file, and take the file and record back."""

    sample, _, auth = await created_sample_job(factory, jobs_client)
    removal = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)
    assert removal.status == 204

    async def chunks():
        yield FASTQ_GZ

    with pytest.raises(NotFound):
        await store_reads(ctx, sample["_id"], "reads_1.fq.gz", chunks())

    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()
    assert incoming_files(ctx) == []
