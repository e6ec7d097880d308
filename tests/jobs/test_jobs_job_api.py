"""Job API, jobs route table: acquire, authenticate, ping, report status, time out (docs/api.md, Job API)."""

import asyncio
import dataclasses
import hashlib
import time
from datetime import timedelta

from tests.conftest import acquire, basic_auth, stored_job
from tests.support.errors import INSUFFICIENT_RIGHTS, JOB_FINISHED, NOT_FOUND
from virtool_api.jobs.service import time_out_stale_jobs
from virtool_api.server.app import create_jobs_app
from virtool_api.server.auth import JOB_CREDENTIALS_HINT
from virtool_api.utils import iso_timestamp, utc_now

UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": JOB_CREDENTIALS_HINT,
}

JOB_FIELDS = {"id", "created_at", "progress", "state", "user", "workflow", "args", "status"}
STATUS_FIELDS = {"state", "progress", "timestamp"}

ERROR = {"type": "ValueError", "traceback": ["line 1", "line 2"], "details": ["bad input"]}


async def new_job(factory):
    return await factory.analysis_job(await factory.analysis())


async def acquire_key(client, job_id: str) -> str:
    response = await client.patch(f"/api/jobs/{job_id}", json={"acquired": True})
    assert response.status == 200, await response.text()
    return (await response.json())["key"]


async def post_status(client, job_id: str, auth: dict[str, str], **report):
    return await client.post(f"/api/jobs/{job_id}/status", json={"progress": 50, **report}, headers=auth)


# Acquire


async def test_acquire_returns_the_job_document_and_a_key(jobs_client, factory):
    job = await new_job(factory)

    response = await jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True})

    assert response.status == 200
    body = await response.json()
    assert JOB_FIELDS | {"key"} <= body.keys()
    assert body["id"] == job["_id"]
    assert body["state"] == "preparing"
    assert body["acquired"] is True
    assert body["progress"] == 0
    assert body["workflow"] == "pathoscope_bowtie"
    assert body["args"] == job["args"]
    assert body["user"] == job["user"]
    assert isinstance(body["created_at"], str) and body["created_at"].endswith("Z")
    assert [entry["state"] for entry in body["status"]] == ["waiting", "preparing"]
    for entry in body["status"]:
        assert STATUS_FIELDS <= entry.keys()
    assert isinstance(body["key"], str) and len(body["key"]) >= 32


async def test_acquire_moves_the_job_to_preparing(jobs_client, factory, ctx):
    job = await new_job(factory)

    await acquire(jobs_client, job["_id"])

    document = await stored_job(ctx, job["_id"])
    assert document["state"] == "preparing"
    assert document["acquired"] is True
    assert document["status"][-1]["state"] == "preparing"


async def test_acquire_stores_only_a_hash_of_the_key(jobs_client, factory, ctx):
    job = await new_job(factory)

    key = await acquire_key(jobs_client, job["_id"])

    document = await ctx.db.jobs.find_one({"_id": job["_id"]})
    assert document["key"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr(document)


async def test_acquire_twice_is_400(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True})

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Job already acquired"}


async def test_acquire_twice_keeps_the_first_key(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    await jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True})

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)

    assert response.status == 200


async def test_acquire_unknown_job_is_404(jobs_client):
    response = await jobs_client.patch("/api/jobs/nosuchjob", json={"acquired": True})

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_concurrent_acquires_give_exactly_one_key(jobs_client, factory, ctx):
    job = await new_job(factory)

    responses = await asyncio.gather(
        *(jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True}) for _ in range(5))
    )

    statuses = sorted(response.status for response in responses)
    assert statuses == [200, 400, 400, 400, 400]
    (winner,) = [response for response in responses if response.status == 200]
    key = (await winner.json())["key"]
    document = await stored_job(ctx, job["_id"])
    assert document["key"] == hashlib.sha256(key.encode()).hexdigest()
    assert [entry["state"] for entry in document["status"]] == ["waiting", "preparing"]


# Authentication


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
    assert await response.json() == UNAUTHORIZED


async def test_get_job_without_authorization_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/jobs/{job['_id']}")

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_get_job_with_another_jobs_key_is_401(jobs_client, factory):
    job = await new_job(factory)
    other = await new_job(factory)
    await acquire(jobs_client, job["_id"])
    other_key = await acquire_key(jobs_client, other["_id"])

    response = await jobs_client.get(
        f"/api/jobs/{job['_id']}", headers=basic_auth(f"job-{job['_id']}", other_key)
    )

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_unacquired_job_cannot_authenticate(jobs_client, factory):
    job = await new_job(factory)

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=basic_auth(f"job-{job['_id']}", "x"))

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_login_without_job_prefix_is_401(jobs_client, factory):
    job = await new_job(factory)
    key = await acquire_key(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=basic_auth(job["_id"], key))

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_malformed_authorization_header_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers={"Authorization": "Basic !!!"})

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


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
    assert await response.json() == UNAUTHORIZED


# Status


async def test_post_status(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client,
        job["_id"],
        auth,
        state="running",
        progress=40,
        stage="map_default_isolates",
        step_name="Map default isolates",
        step_description="Map reads to the default isolates",
    )

    assert response.status == 201
    body = await response.json()
    assert body["state"] == "running"
    assert body["progress"] == 40
    assert body["stage"] == "map_default_isolates"
    assert body["step_name"] == "Map default isolates"
    assert body["step_description"] == "Map reads to the default isolates"
    assert body["error"] is None
    assert body["timestamp"].endswith("Z")

    document = await stored_job(ctx, job["_id"])
    assert document["state"] == "running"
    assert document["progress"] == 40
    assert document["stage"] == "map_default_isolates"
    assert [entry["state"] for entry in document["status"]] == ["waiting", "preparing", "running"]
    assert document["status"][-1]["step_name"] == "Map default isolates"


async def test_job_document_mirrors_the_latest_status(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    await post_status(jobs_client, job["_id"], auth, state="running", progress=10, stage="one")
    await post_status(jobs_client, job["_id"], auth, state="running", progress=60, stage="two")

    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)

    body = await response.json()
    assert (body["state"], body["progress"], body["stage"]) == ("running", 60, "two")
    assert [(entry["state"], entry["progress"]) for entry in body["status"]] == [
        ("waiting", 0),
        ("preparing", 0),
        ("running", 10),
        ("running", 60),
    ]


async def test_error_status_without_error_is_400(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await post_status(jobs_client, job["_id"], auth, state="error")

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Missing error information"}
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == "preparing"


async def test_error_status_with_error(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await post_status(jobs_client, job["_id"], auth, state="error", error=ERROR)

    assert response.status == 201
    body = await response.json()
    assert body["state"] == "error"
    assert body["error"] == ERROR
    document = await stored_job(ctx, job["_id"])
    assert document["state"] == "error"
    assert document["status"][-1]["error"] == ERROR


async def test_status_after_complete_is_409(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    assert (await post_status(jobs_client, job["_id"], auth, state="complete", progress=100)).status == 201

    response = await post_status(jobs_client, job["_id"], auth, state="running")

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    document = await stored_job(ctx, job["_id"])
    assert document["state"] == "complete"
    assert document["status"][-1]["state"] == "complete"


async def test_status_after_error_is_409(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    assert (await post_status(jobs_client, job["_id"], auth, state="error", error=ERROR)).status == 201

    response = await post_status(jobs_client, job["_id"], auth, state="running")

    assert response.status == 409
    assert await response.json() == JOB_FINISHED


async def test_status_after_cancelled_is_409(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    assert (await post_status(jobs_client, job["_id"], auth, state="cancelled")).status == 201

    response = await post_status(jobs_client, job["_id"], auth, state="complete", progress=100)

    assert response.status == 409
    assert await response.json() == JOB_FINISHED


async def test_status_after_terminated_is_409(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])
    assert (await post_status(jobs_client, job["_id"], auth, state="terminated")).status == 201

    response = await post_status(jobs_client, job["_id"], auth, state="error", error=ERROR)

    assert response.status == 409
    assert await response.json() == JOB_FINISHED


async def test_status_with_progress_above_100_is_422(jobs_client, factory, ctx):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await post_status(jobs_client, job["_id"], auth, state="running", progress=101)

    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_input", "Invalid input")
    assert "progress" in body["errors"]
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["progress"] == 0


async def test_status_with_an_unknown_state_is_422(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await post_status(jobs_client, job["_id"], auth, state="finished")

    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_input", "Invalid input")
    assert "state" in body["errors"]


async def test_status_with_malformed_json_is_400(jobs_client, factory):
    job = await new_job(factory)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status",
        data=b'{"state": "running",',
        headers={**auth, "Content-Type": "application/json"},
    )

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}


# A status post authenticates the job in its own update: the answers come in the same order as on every route


async def test_status_with_a_wrong_key_is_401_and_records_nothing(jobs_client, factory, ctx):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, job["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="running"
    )

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED
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
    assert await response.json() == UNAUTHORIZED
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == "waiting"


async def test_status_to_a_job_that_does_not_exist_is_401(jobs_client):
    response = await post_status(jobs_client, "nojob", basic_auth("job-nojob", "x"), state="running")

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_status_with_a_wrong_key_and_an_invalid_body_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, job["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="finished"
    )

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_status_with_a_wrong_key_and_a_state_a_job_may_not_report_is_401(jobs_client, factory):
    job = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, job["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="waiting"
    )

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_status_to_another_job_with_a_wrong_key_is_401(jobs_client, factory):
    job = await new_job(factory)
    other = await new_job(factory)
    await acquire(jobs_client, job["_id"])

    response = await post_status(
        jobs_client, other["_id"], basic_auth(f"job-{job['_id']}", "not-the-key"), state="running"
    )

    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


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


# Routing and body limits


async def test_unknown_route_is_404_json(jobs_client):
    response = await jobs_client.get("/api/nothing/here")

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_wrong_method_is_405_json(jobs_client, factory):
    job = await new_job(factory)

    response = await jobs_client.delete(f"/api/jobs/{job['_id']}")

    assert response.status == 405
    assert await response.json() == {"id": "method_not_allowed", "message": "Method not allowed"}
    assert "PATCH" in response.headers["Allow"]


async def test_json_body_above_max_json_size_is_413(ctx, factory, aiohttp_client):
    config = dataclasses.replace(ctx.config, max_json_size=1024)
    client = await aiohttp_client(
        create_jobs_app(dataclasses.replace(ctx, config=config), watch_timeouts=False)
    )
    job = await new_job(factory)
    auth = await acquire(client, job["_id"])

    response = await post_status(client, job["_id"], auth, state="running", step_description="x" * 4096)

    assert response.status == 413
    assert await response.json() == {"id": "payload_too_large", "message": "Request body is too large"}
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == "preparing"


async def test_a_create_sample_job_makes_its_sample_importing_when_acquired_and_reports_change_nothing(
    jobs_client, factory, ctx
):
    """`samples/lifecycle.follow_create_sample_job`: acquiring moves the sample from `awaiting_data` to
    `importing`; the runner's reports after it find it there (they neither write it nor are needed to)."""
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["status"] == "awaiting_data"
    auth = await acquire(jobs_client, job["_id"])
    acquired = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert acquired["status"] == "importing"

    for state in ("preparing", "running", "running"):
        response = await jobs_client.post(
            f"/api/jobs/{job['_id']}/status", json={"state": state, "progress": 10}, headers=auth
        )
        assert response.status == 201
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) == acquired
