"""A job as the job API's jobs route tests make and drive it (docs/api.md, Job API): created, acquired,
reporting status; the fields its document has and the answer to a caller that is not it."""

JOB_FIELDS = {"id", "created_at", "progress", "state", "user", "workflow", "args", "status"}


async def new_job(factory):
    return await factory.analysis_job(await factory.analysis())


async def acquire_key(client, job_id: str) -> str:
    response = await client.patch(f"/api/jobs/{job_id}", json={"acquired": True})
    assert response.status == 200, await response.text()
    return (await response.json())["key"]


async def post_status(client, job_id: str, auth: dict[str, str], **report):
    return await client.post(f"/api/jobs/{job_id}/status", json={"progress": 50, **report}, headers=auth)
