"""The job API's sample routes: reading the sample (`GET /samples/{id}`) and which job, with which
credentials, may (docs/api.md, "Job API")."""

import aiohttp

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.jobs import acquire, basic_auth
from tests.support.reads import QUALITY
from tests.support.sample_jobs import (
    ARTIFACT_BYTES,
    assert_sample_document,
    created_sample_job,
    upload_artifact,
    upload_reads,
)
from virtool_api.server.auth import JOB_CREDENTIALS_HINT

REQUIRES_AUTHORIZATION = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": JOB_CREDENTIALS_HINT,
}


def job_key(auth: dict[str, str]) -> str:
    return aiohttp.BasicAuth.decode(auth["Authorization"]).password


async def test_get_fresh_unfinalized_sample_validates(jobs_client, factory):
    sample, job, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 200
    body = await response.json()
    assert_sample_document(body)
    assert body["id"] == sample["_id"]
    assert body["name"] == sample["name"]
    assert body["ready"] is False
    assert body["quality"] is None
    assert body["reads"] == []
    assert body["artifacts"] == []
    # The job summary runners require (`runner_models.py`), never a bare id.
    assert body["job"] == {
        "id": job["_id"],
        "created_at": body["job"]["created_at"],
        "progress": 0,
        "stage": None,
        "state": "preparing",
        "user": job["user"],
        "workflow": "create_sample",
    }
    assert body["job"]["created_at"].endswith("Z")


async def test_get_finalized_sample_with_files_labels_and_subtractions(jobs_client, factory, ctx):
    await ctx.db.labels.insert_one({"_id": 7, "name": "Bug", "color": "#a83432", "description": "Insect"})
    await ctx.db.subtractions.insert_one({"_id": "arabid", "name": "Arabidopsis thaliana"})
    sample, _, auth = await created_sample_job(factory, jobs_client, labels=[7], subtractions=["arabid"])
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    assert (await upload_artifact(jobs_client, sample["_id"], auth)).status == 201
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )
    assert response.status == 200

    response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 200
    body = await response.json()
    assert_sample_document(body)
    assert body["ready"] is True
    assert body["quality"] == QUALITY
    assert body["labels"] == [{"id": 7, "name": "Bug", "color": "#a83432", "description": "Insect"}]
    assert body["subtractions"] == [{"id": "arabid", "name": "Arabidopsis thaliana"}]
    assert [reads["name"] for reads in body["reads"]] == ["reads_1.fq.gz"]
    assert body["reads"][0]["download_url"] == f"/samples/{sample['_id']}/reads/reads_1.fq.gz"
    assert [(a["name"], a["size"]) for a in body["artifacts"]] == [("quality.json", len(ARTIFACT_BYTES))]


async def test_get_deleted_sample_of_the_job_is_404(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    await ctx.db.samples.delete_one({"_id": sample["_id"]})

    response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_get_sample_not_in_job_args_is_403(jobs_client, factory):
    _, _, auth = await created_sample_job(factory, jobs_client)
    other = await factory.sample()

    response = await jobs_client.get(f"/api/samples/{other['_id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_get_sample_without_credentials_is_401(jobs_client, factory):
    sample, _, _ = await created_sample_job(factory, jobs_client)

    response = await jobs_client.get(f"/api/samples/{sample['_id']}")

    assert response.status == 401
    assert await response.json() == REQUIRES_AUTHORIZATION


async def test_get_sample_with_wrong_key_is_401(jobs_client, factory):
    sample, job, _ = await created_sample_job(factory, jobs_client)

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}", headers=basic_auth(f"job-{job['_id']}", "not-the-key")
    )

    assert response.status == 401
    assert await response.json() == REQUIRES_AUTHORIZATION


async def test_get_sample_with_non_job_login_is_401(jobs_client, factory):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    key = job_key(auth)

    for login in (job["_id"], f"user-{job['_id']}", "job-"):
        response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=basic_auth(login, key))
        assert response.status == 401, login
        assert await response.json() == REQUIRES_AUTHORIZATION


async def test_get_sample_as_unacquired_job_is_401(jobs_client, factory):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}", headers=basic_auth(f"job-{job['_id']}", "anything")
    )

    assert response.status == 401
    assert await response.json() == REQUIRES_AUTHORIZATION


async def test_analysis_job_can_read_its_sample(jobs_client, factory):
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/samples/{analysis['sample']['id']}", headers=auth)

    assert response.status == 200
    assert_sample_document(await response.json())
