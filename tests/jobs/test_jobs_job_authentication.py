"""Job API, jobs route table: authenticating as a job (`job-{id}` and its key) and touching only that
job (docs/api.md, Job API)."""

from tests.support.errors import INSUFFICIENT_RIGHTS, JOB_UNAUTHORIZED
from tests.support.jobs import JOB_FIELDS, acquire, acquire_key, basic_auth, new_job, post_status


async def test_get_job_with_its_key(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)

    assert response.status == 200
    body = await response.json()
    assert JOB_FIELDS <= body.keys()
    assert body["id"] == job["_id"]
    assert body["state"] == "preparing"
    assert "key" not in body


async def test_get_job_with_a_wrong_key_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(
        f"/api/jobs/{job['_id']}", headers=basic_auth(f"job-{job['_id']}", "not-the-key")
    )

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_get_job_without_authorization_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/jobs/{job['_id']}")

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_get_job_with_another_jobs_key_is_401(jobs_client, factory):
    job = await new_job(factory)
    other = await new_job(factory)
    await acquire(jobs_client, job["_id"])
    other_key = await acquire_key(jobs_client, other["_id"])

    response = await jobs_client.get(
        f"/api/jobs/{job['_id']}", headers=basic_auth(f"job-{job['_id']}", other_key)
    )

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_unacquired_job_cannot_authenticate(jobs_client, factory):
    job = await new_job(factory)

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=basic_auth(f"job-{job['_id']}", "x"))

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_login_without_job_prefix_is_401(jobs_client, factory):
    job = await new_job(factory)
    key = await acquire_key(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=basic_auth(job["_id"], key))

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_malformed_authorization_header_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers={"Authorization": "Basic !!!"})

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


async def test_get_another_job_with_own_credentials_is_403(jobs_client, factory):
    job = await new_job(factory)
    other = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    await acquire(jobs_client, other["_id"])

    response = await jobs_client.get(f"/api/jobs/{other['_id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_ping_another_job_with_own_credentials_is_403(jobs_client, factory, ctx):
    job = await new_job(factory)
    other = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    await acquire(jobs_client, other["_id"])
    before = await ctx.db.jobs.find_one({"_id": other["_id"]})

    response = await jobs_client.put(f"/api/jobs/{other['_id']}/ping", json={}, headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await ctx.db.jobs.find_one({"_id": other["_id"]}))["ping"] == before["ping"]


async def test_post_status_to_another_job_is_403(jobs_client, factory, ctx):
    job = await new_job(factory)
    other = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    await acquire(jobs_client, other["_id"])

    response = await post_status(jobs_client, other["_id"], auth, state="running")

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await ctx.db.jobs.find_one({"_id": other["_id"]}))["state"] == "preparing"
