"""Job API, jobs route table: reporting status (`POST /jobs/{id}/status`), what is recorded, and that
a finished job reports no more (docs/api.md, Job API)."""

from tests.support.errors import JOB_FINISHED
from tests.support.jobs import acquire, new_job, post_status, stored_job

ERROR = {"type": "ValueError", "traceback": ["line 1", "line 2"], "details": ["bad input"]}


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
