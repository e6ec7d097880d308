"""A job as the tests make and drive it over the job API (docs/api.md, Job API): created, acquired as a
runner would (`acquire`, `acquire_key`, with the Basic credentials that authenticate as it, `basic_auth`),
reporting status; its document as stored (`stored_job`), the fields it has and the answer to a caller that is
not it."""

from typing import Any

import aiohttp

from virtool_api.context import Context
from virtool_api.jobs.statuses import status_history

JOB_FIELDS = {"id", "created_at", "progress", "state", "user", "workflow", "args", "status"}


async def new_job(factory):
    return await factory.analysis_job(await factory.analysis())


async def acquire_key(client, job_id: str) -> str:
    response = await client.patch(f"/api/jobs/{job_id}", json={"acquired": True})
    assert response.status == 200, await response.text()
    return (await response.json())["key"]


async def post_status(client, job_id: str, auth: dict[str, str], **report):
    return await client.post(f"/api/jobs/{job_id}/status", json={"progress": 50, **report}, headers=auth)


async def stored_job(ctx: Context, job_id: str) -> dict[str, Any]:
    """The job document as stored, with its status history as the job API reads it (`jobs/statuses.py`)."""
    document = await ctx.db.jobs.find_one({"_id": job_id})
    assert document is not None, job_id
    return {**document, "status": await status_history(ctx, document)}


def basic_auth(login: str, password: str) -> dict[str, str]:
    return {"Authorization": aiohttp.encode_basic_auth(login, password)}


async def acquire(client, job_id: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Acquire a job as a runner would; returns the headers that authenticate as that job."""
    response = await client.patch(f"/api/jobs/{job_id}", json={"acquired": True})
    assert response.status == 200, await response.text()
    return basic_auth(f"job-{job_id}", (await response.json())["key"])
