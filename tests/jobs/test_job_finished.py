"""A job in a terminal state gets 409 "Job is finished" on every job-API route but two: its ping, and the
clean-up `DELETE` of the unfinalized sample or analysis it was creating (job protocol, step 3). Reads and
downloads included: a finished job's key opens nothing.
"""

import pytest

from tests.support.errors import JOB_FINISHED
from tests.support.jobs import acquire, basic_auth
from tests.support.reads import FASTQ_GZ, multipart_file
from virtool_api.jobs.models import TERMINAL_STATES

FASTA = b">contig_1\nACGTACGT\n"


async def finish(ctx, job_id: str, state: str) -> None:  # type: ignore[no-untyped-def]
    """Put the job in a terminal state as the server or its runner would have."""
    await ctx.db.jobs.update_one({"_id": job_id}, {"$set": {"state": state}})


async def assert_finished(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status == 409, await response.text()
    assert await response.json() == JOB_FINISHED


@pytest.mark.parametrize("state", sorted(state.value for state in TERMINAL_STATES))
async def test_a_finished_create_sample_job_reads_nothing(jobs_client, factory, ctx, state):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    sample_url = f"/api/samples/{sample['_id']}"
    response = await jobs_client.put(
        f"{sample_url}/reads/reads_1.fq.gz", data=multipart_file(FASTQ_GZ), headers=auth
    )
    assert response.status == 201
    response = await jobs_client.post(
        f"{sample_url}/artifacts",
        params={"name": "qc.json", "type": "json"},
        data=multipart_file(b"{}"),
        headers=auth,
    )
    assert response.status == 201
    for url in (f"{sample_url}/reads/reads_1.fq.gz", f"{sample_url}/artifacts/qc.json", sample_url):
        assert (await jobs_client.get(url, headers=auth)).status == 200

    await finish(ctx, job["_id"], state)

    for url in (
        f"/api/jobs/{job['_id']}",
        sample_url,
        f"{sample_url}/reads/reads_1.fq.gz",
        f"{sample_url}/artifacts/qc.json",
    ):
        await assert_finished(await jobs_client.get(url, headers=auth))
    # Still open: the ping racing the final status, and the clean-up of the unfinalized sample.
    assert (await jobs_client.put(f"/api/jobs/{job['_id']}/ping", headers=auth)).status == 200
    assert (await jobs_client.delete(sample_url, headers=auth)).status == 204


async def test_a_finished_analysis_job_reads_nothing(jobs_client, factory, ctx):
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    analysis_url = f"/api/analyses/{analysis['_id']}"
    response = await jobs_client.post(
        f"{analysis_url}/files", params={"name": "contigs.fa"}, data=multipart_file(FASTA), headers=auth
    )
    assert response.status == 201
    file_url = f"{analysis_url}/files/{(await response.json())['id']}"
    sample_url = f"/api/samples/{analysis['sample']['id']}"
    for url in (analysis_url, file_url, sample_url):
        assert (await jobs_client.get(url, headers=auth)).status == 200

    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status",
        json={"state": "error", "progress": 50, "error": {"type": "Boom", "traceback": [], "details": []}},
        headers=auth,
    )
    assert response.status == 201

    for url in (analysis_url, file_url, sample_url, f"/api/jobs/{job['_id']}"):
        await assert_finished(await jobs_client.get(url, headers=auth))
    response = await jobs_client.post(
        f"{analysis_url}/files", params={"name": "late.fa"}, data=multipart_file(FASTA), headers=auth
    )
    await assert_finished(response)
    await assert_finished(await jobs_client.patch(analysis_url, json={"results": {}}, headers=auth))
    assert (await jobs_client.put(f"/api/jobs/{job['_id']}/ping", headers=auth)).status == 200
    assert (await jobs_client.delete(analysis_url, headers=auth)).status == 204
    assert await ctx.db.analyses.find_one({"_id": analysis["_id"]}) is None


async def test_a_finished_job_is_still_told_apart_from_a_stranger(jobs_client, factory, ctx):
    """Wrong credentials stay 401 whatever the job's state: 409 says only that the key was right."""
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    await acquire(jobs_client, job["_id"])
    await finish(ctx, job["_id"], "complete")

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}", headers=basic_auth(f"job-{job['_id']}", "wrong")
    )
    assert response.status == 401
