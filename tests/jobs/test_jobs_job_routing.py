"""Job API, jobs route table: unknown routes, wrong methods and bodies above the size limit, answered
in JSON (docs/api.md, Job API)."""

import dataclasses

from tests.support.errors import NOT_FOUND
from tests.support.jobs import acquire, new_job, post_status
from virtool_api.server.app import create_jobs_app


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
