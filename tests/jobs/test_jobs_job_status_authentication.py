"""Job API, jobs route table: a status post (`POST /jobs/{id}/status`) authenticates the job in its
own update; the answers come in the same order as on every route (docs/api.md, Job API)."""

from tests.support.errors import JOB_FINISHED, JOB_UNAUTHORIZED
from tests.support.jobs import acquire, basic_auth, new_job, post_status, stored_job


async def test_status_with_a_wrong_key_is_401_and_records_nothing(jobs_client, factory, ctx):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, job["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="running"
    )

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED
    document = await stored_job(ctx, job["_id"])
    assert (document["state"], [entry["state"] for entry in document["status"]]) == (
        "preparing",
        ["waiting", "preparing"],
    )


async def test_status_to_an_unacquired_job_is_401(jobs_client, factory, ctx):
    job = await new_job(factory)

    auth = basic_auth(f"job-{job['_id']}", "x")

    response = await post_status(jobs_client, job["_id"], auth, state="running")

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == "waiting"


async def test_status_to_a_job_that_does_not_exist_is_401(jobs_client):
    response = await post_status(jobs_client, "nojob", basic_auth("job-nojob", "x"), state="running")

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_status_with_a_wrong_key_and_an_invalid_body_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, job["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="finished"
    )

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_status_with_a_wrong_key_and_a_state_a_job_may_not_report_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, job["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="waiting"
    )

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_status_to_another_job_with_a_wrong_key_is_401(jobs_client, factory):
    job = await new_job(factory)
    other = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, other["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="running"
    )

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_status_after_complete_with_an_invalid_body_is_409(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    assert (await post_status(jobs_client, job["_id"], auth, state="complete", progress=100)).status == 201

    response = await post_status(jobs_client, job["_id"], auth, state="running", progress=101)

    assert response.status == 409
    assert await response.json() == JOB_FINISHED


async def test_status_from_a_finished_job_to_another_job_is_409(jobs_client, factory):
    job = await new_job(factory)
    other = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    assert (await post_status(jobs_client, job["_id"], auth, state="cancelled")).status == 201

    response = await post_status(jobs_client, other["_id"], auth, state="running")

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
