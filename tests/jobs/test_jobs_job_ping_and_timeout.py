"""Job API, jobs route table: pinging (`PUT /jobs/{id}/ping`) and timing out the jobs that stop
pinging (docs/api.md, Job API)."""

import asyncio
import dataclasses
import time
from datetime import timedelta

from tests.support.errors import JOB_FINISHED, JOB_UNAUTHORIZED
from tests.support.jobs import acquire, new_job, post_status, stored_job
from virtool_api.jobs.service import time_out_stale_jobs
from virtool_api.server.app import create_jobs_app
from virtool_api.utils import iso_timestamp, utc_now

# Ping


async def test_ping(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.put(f"/api/jobs/{job['_id']}/ping", json={}, headers=auth)

    assert response.status == 200
    body = await response.json()
    assert body.keys() == {"pinged_at"}
    assert body["pinged_at"].endswith("Z")
    document = await ctx.db.jobs.find_one({"_id": job["_id"]})
    assert iso_timestamp(document["ping"]["pinged_at"]) == body["pinged_at"]


async def test_ping_after_complete_is_200(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    response = await post_status(jobs_client, job["_id"], auth, state="complete", progress=100)
    assert response.status == 201

    response = await jobs_client.put(f"/api/jobs/{job['_id']}/ping", json={}, headers=auth)

    assert response.status == 200
    assert "pinged_at" in await response.json()
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == "complete"


async def test_ping_without_authorization_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await jobs_client.put(f"/api/jobs/{job['_id']}/ping", json={})

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


# Timeout


async def test_time_out_stale_jobs(jobs_client, factory, ctx):
    now = utc_now()
    stale_preparing = await new_job(factory)
    stale_running = await new_job(factory)
    fresh = await new_job(factory)
    waiting = await new_job(factory)
    complete = await new_job(factory)
    stale_auth = await acquire(jobs_client, stale_preparing["_id"])
    running_auth = await acquire(jobs_client, stale_running["_id"])
    await post_status(jobs_client, stale_running["_id"], running_auth, state="running")
    await acquire(jobs_client, fresh["_id"])
    complete_auth = await acquire(jobs_client, complete["_id"])
    await post_status(jobs_client, complete["_id"], complete_auth, state="complete", progress=100)

    long_ago = now - timedelta(seconds=ctx.config.job_ping_timeout + 1)
    for job in (stale_preparing, stale_running, complete):
        await ctx.db.jobs.update_one({"_id": job["_id"]}, {"$set": {"ping": {"pinged_at": long_ago}}})
    recently = now - timedelta(seconds=ctx.config.job_ping_timeout - 1)
    await ctx.db.jobs.update_one({"_id": fresh["_id"]}, {"$set": {"ping": {"pinged_at": recently}}})

    assert await time_out_stale_jobs(ctx, now=now) == 2

    states = {}
    for job in (stale_preparing, stale_running, fresh, waiting, complete):
        states[job["_id"]] = (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"]
    assert states == {
        stale_preparing["_id"]: "timeout",
        stale_running["_id"]: "timeout",
        fresh["_id"]: "preparing",
        waiting["_id"]: "waiting",
        complete["_id"]: "complete",
    }
    for job in (stale_preparing, stale_running):
        document = await stored_job(ctx, job["_id"])
        assert document["status"][-1]["state"] == "timeout"
    assert (await stored_job(ctx, complete["_id"]))["status"][-1]["state"] == "complete"

    response = await post_status(jobs_client, stale_preparing["_id"], stale_auth, state="running")
    assert response.status == 409
    assert await response.json() == JOB_FINISHED


async def test_a_timed_out_job_cannot_be_acquired_again(jobs_client, factory, ctx):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])
    later = utc_now() + timedelta(seconds=ctx.config.job_ping_timeout + 1)
    assert await time_out_stale_jobs(ctx, now=later) == 1

    response = await jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True})

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Job already acquired"}


async def test_the_jobs_app_times_out_unpinged_jobs_in_the_background(ctx, factory, aiohttp_client):
    # `ctx` first: the app (and its watcher) must stop before the stores close.
    config = dataclasses.replace(ctx.config, job_ping_timeout=0.3, timeout_check_interval=0.1)
    client = await aiohttp_client(create_jobs_app(dataclasses.replace(ctx, config=config)))
    job = await new_job(factory)
    await acquire(client, job["_id"])

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        document = await stored_job(ctx, job["_id"])
        if document["state"] == "timeout":
            break
        await asyncio.sleep(0.1)

    assert document["state"] == "timeout"
    assert document["status"][-1]["state"] == "timeout"


async def test_a_ping_keeps_an_idle_job_alive(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    long_ago = utc_now() - timedelta(seconds=ctx.config.job_ping_timeout + 1)
    await ctx.db.jobs.update_one({"_id": job["_id"]}, {"$set": {"ping": {"pinged_at": long_ago}}})

    response = await jobs_client.put(f"/api/jobs/{job['_id']}/ping", json={}, headers=auth)
    assert response.status == 200

    assert await time_out_stale_jobs(ctx, now=utc_now()) == 0
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == "preparing"
