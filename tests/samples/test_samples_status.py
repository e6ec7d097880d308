"""Public API: samples (`virtool_api/samples/public_api.py`): a new sample's status follows its create_sample
job (awaiting_data, importing, available; failed_validation when the job errs, is cancelled or times out)."""

from datetime import timedelta

from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, QUALITY, multipart_file
from tests.support.samples_helpers import create
from virtool_api.jobs.service import time_out_stale_jobs
from virtool_api.utils import utc_now


async def test_status_follows_the_create_sample_job(ctx, factory, public_client, jobs_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    sample_url, job_id = f"/api/samples/{body['id']}", body["job"]["id"]

    async def status() -> str:
        return (await (await public_client.get(sample_url, headers=headers)).json())["status"]

    assert await status() == "awaiting_data"
    auth = await acquire(jobs_client, job_id)
    # Acquiring moves the job to `preparing`: the sample is being imported from then on.
    assert await status() == "importing"
    response = await jobs_client.post(
        f"/api/jobs/{job_id}/status", json={"state": "running", "progress": 20}, headers=auth
    )
    assert response.status == 201, await response.text()
    assert await status() == "importing"

    response = await jobs_client.put(
        f"/api/samples/{body['id']}/reads/reads_1.fq.gz", data=multipart_file(FASTQ_GZ), headers=auth
    )
    assert response.status == 201
    response = await jobs_client.patch(sample_url, json={"quality": QUALITY}, headers=auth)
    assert response.status == 200
    assert await status() == "available"


async def test_status_failed_validation_when_the_job_errs(ctx, factory, public_client, jobs_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    job_id = body["job"]["id"]
    auth = await acquire(jobs_client, job_id)
    await jobs_client.post(
        f"/api/jobs/{job_id}/status", json={"state": "running", "progress": 5}, headers=auth
    )
    assert (await ctx.db.samples.find_one({"_id": body["id"]}))["status"] == "importing"
    response = await jobs_client.post(
        f"/api/jobs/{job_id}/status",
        json={"state": "error", "progress": 10, "error": {"type": "ValueError", "details": ["not FASTQ"]}},
        headers=auth,
    )
    assert response.status == 201
    sample = await (await public_client.get(f"/api/samples/{body['id']}", headers=headers)).json()
    assert sample["status"] == "failed_validation"
    assert sample["error_msg"] == "ValueError: not FASTQ"
    assert sample["ready"] is False


async def test_status_failed_validation_when_the_import_is_cancelled(ctx, factory, public_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    response = await public_client.put(f"/api/jobs/{body['job']['id']}/cancel", headers=headers)
    assert response.status == 200, await response.text()
    sample = await (await public_client.get(f"/api/samples/{body['id']}", headers=headers)).json()
    assert (sample["status"], sample["error_msg"]) == ("failed_validation", "The import was cancelled")


async def test_status_failed_validation_when_the_import_job_times_out(
    ctx, factory, public_client, jobs_client
):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    await acquire(jobs_client, body["job"]["id"])
    later = utc_now() + timedelta(seconds=ctx.config.job_ping_timeout + 1)
    assert await time_out_stale_jobs(ctx, now=later) == 1
    sample = await (await public_client.get(f"/api/samples/{body['id']}", headers=headers)).json()
    assert (sample["status"], sample["error_msg"]) == (
        "failed_validation",
        "The import job stopped responding",
    )
