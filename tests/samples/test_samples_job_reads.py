"""The job API's sample routes: uploading reads files (`PUT /samples/{id}/reads/{name}`) and
downloading them (`GET`), with what is stored and on disk (docs/api.md, "Job API")."""

import asyncio
import gzip
import json

from tests.support.errors import INSUFFICIENT_RIGHTS, JOB_FINISHED, NOT_FOUND, SAMPLE_FINALIZED
from tests.support.reads import FASTQ_GZ, QUALITY
from tests.support.sample_jobs import (
    assert_timestamp,
    created_sample_job,
    data_path,
    incoming_files,
    post_status,
    raw_request,
    reads_rows,
    upload_reads,
)

# --- PUT /samples/{id}/reads/{name}


async def test_upload_reads(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth)

    assert response.status == 201
    body = await response.json()
    assert body["name"] == "reads_1.fq.gz"
    assert body["name_on_disk"] == "reads_1.fq.gz"
    assert body["size"] == len(FASTQ_GZ)
    assert body["sample"] == sample["_id"]
    assert body["download_url"] == f"/samples/{sample['_id']}/reads/reads_1.fq.gz"
    assert isinstance(body["id"], int)
    assert_timestamp(body["uploaded_at"])
    [row] = await reads_rows(ctx, sample["_id"])
    assert (row.id, row.name, row.name_on_disk, row.size) == (
        body["id"],
        "reads_1.fq.gz",
        "reads_1.fq.gz",
        len(FASTQ_GZ),
    )
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == FASTQ_GZ
    assert incoming_files(ctx) == []


async def test_upload_second_reads_file(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client, paired=True)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    response = await upload_reads(jobs_client, sample["_id"], auth, name="reads_2.fq.gz")

    assert response.status == 201
    assert sorted(row.name for row in await reads_rows(ctx, sample["_id"])) == [
        "reads_1.fq.gz",
        "reads_2.fq.gz",
    ]
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_2.fq.gz").read_bytes() == FASTQ_GZ


async def test_upload_reads_with_unaccepted_name_is_400(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth, name="reads_3.fq.gz")

    assert response.status == 400
    assert await response.json() == {
        "id": "bad_request",
        "message": "File name is not an accepted reads file",
    }
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_3.fq.gz").exists()


async def test_upload_uncompressed_reads_is_400_and_leaves_nothing(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth, data=b"@r1\nACGT\n+\nIIII\n" * 50)

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "File is not compressed"}
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()
    assert incoming_files(ctx) == []


async def test_upload_one_byte_reads_is_400(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth, data=b"\x1f")

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "File is not compressed"}
    assert await reads_rows(ctx, sample["_id"]) == []
    assert incoming_files(ctx) == []


async def test_upload_reads_twice_is_409(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    other_bytes = gzip.compress(b"@other\nTTTT\n+\nIIII\n")

    response = await upload_reads(jobs_client, sample["_id"], auth, data=other_bytes)

    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Reads file name is already uploaded"}
    assert len(await reads_rows(ctx, sample["_id"])) == 1
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == FASTQ_GZ
    assert incoming_files(ctx) == []


async def test_upload_reads_to_finalized_sample_is_409(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client, ready=True)

    response = await upload_reads(jobs_client, sample["_id"], auth)

    assert response.status == 409
    assert await response.json() == SAMPLE_FINALIZED
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()


async def test_upload_reads_after_complete_status_is_409(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, "complete")

    response = await upload_reads(jobs_client, sample["_id"], auth)

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert await reads_rows(ctx, sample["_id"]) == []


async def test_upload_reads_to_sample_not_in_job_args_is_403(jobs_client, factory, ctx):
    _, _, auth = await created_sample_job(factory, jobs_client)
    other = await factory.sample()

    response = await upload_reads(jobs_client, other["_id"], auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await reads_rows(ctx, other["_id"]) == []
    assert not (data_path(ctx) / "samples" / other["_id"]).exists()


async def test_racing_uploads_of_the_same_reads_file_one_wins(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    contents = [gzip.compress(f"@r{n}\nACGT\n+\nIIII\n".encode() * 100) for n in range(4)]

    responses = await asyncio.gather(
        *(upload_reads(jobs_client, sample["_id"], auth, data=data) for data in contents)
    )

    assert sorted(response.status for response in responses) == [201, 409, 409, 409]
    winner = next(contents[i] for i, response in enumerate(responses) if response.status == 201)
    for response in responses:
        if response.status == 409:
            assert await response.json() == {
                "id": "conflict",
                "message": "Reads file name is already uploaded",
            }
    [row] = await reads_rows(ctx, sample["_id"])
    assert row.size == len(winner)
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == winner
    assert incoming_files(ctx) == []


# --- GET /samples/{id}/reads/{name}


async def test_download_reads_exact_bytes_without_content_encoding(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz",
        headers={**auth, "Accept-Encoding": "gzip, deflate"},
        auto_decompress=False,
    )

    assert response.status == 200
    assert "Content-Encoding" not in response.headers
    assert await response.read() == FASTQ_GZ


async def test_download_reads_of_finalized_sample(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )
    assert response.status == 200

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=auth)

    assert response.status == 200
    assert await response.read() == FASTQ_GZ


async def test_download_missing_reads_is_404(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_2.fq.gz", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_download_reads_with_nul_in_name_is_404(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    target = f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz%00"
    status, _, payload = await raw_request(jobs_client, "GET", target, auth)

    assert status == 404
    assert json.loads(payload) == NOT_FOUND


async def test_download_reads_of_unknown_sample_is_404(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    await ctx.db.samples.delete_one({"_id": sample["_id"]})

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_download_reads_of_sample_not_in_job_args_is_403(jobs_client, factory):
    _, _, auth = await created_sample_job(factory, jobs_client)
    other, _, other_auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, other["_id"], other_auth)).status == 201

    response = await jobs_client.get(f"/api/samples/{other['_id']}/reads/reads_1.fq.gz", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
