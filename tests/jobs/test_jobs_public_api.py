"""Public API, jobs route table: a user lists, reads and cancels their own jobs; an administrator, all."""

from typing import Any

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.jobs import acquire, stored_job
from tests.support.reads import QUALITY
from virtool_api.jobs.service import create_job
from virtool_api.samples.documents import create_sample
from virtool_api.users.service import user_ref
from virtool_api.utils import random_id

CANNOT_CANCEL = {"id": "conflict", "message": "Job cannot be cancelled in its current state"}


@pytest.fixture
async def owner(factory):  # type: ignore[no-untyped-def]
    return await factory.person()


@pytest.fixture
async def stranger(factory):  # type: ignore[no-untyped-def]
    return await factory.person()


async def job_of(ctx, user: dict[str, Any], workflow: str = "nuvs", **args: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return await create_job(ctx, workflow, {"analysis_id": random_id(), **args}, user_ref(user))


async def set_state(ctx, job: dict[str, Any], state: str) -> None:  # type: ignore[no-untyped-def]
    await ctx.db.jobs.update_one({"_id": job["_id"]}, {"$set": {"state": state}})


# List


async def test_find_jobs_shows_the_callers_own(public_client, ctx, owner, stranger) -> None:
    mine = [await job_of(ctx, owner[0]), await job_of(ctx, owner[0])]
    await job_of(ctx, stranger[0])
    response = await public_client.get("/api/jobs", headers=owner[1])
    assert response.status == 200
    body = await response.json()
    assert [document["id"] for document in body["documents"]] == [mine[1]["_id"], mine[0]["_id"]]
    assert (body["found_count"], body["total_count"], body["page"], body["page_count"], body["per_page"]) == (
        2,
        2,
        1,
        1,
        25,
    )
    assert all("key" not in document for document in body["documents"])


async def test_find_jobs_by_an_administrator(public_client, ctx, owner, stranger, admin) -> None:
    await job_of(ctx, owner[0])
    await job_of(ctx, stranger[0])
    body = await (await public_client.get("/api/jobs", headers=admin[1])).json()
    assert (body["found_count"], body["total_count"]) == (2, 2)


async def test_find_jobs_filters_by_state_and_workflow(public_client, ctx, owner) -> None:
    running = await job_of(ctx, owner[0], workflow="nuvs")
    await set_state(ctx, running, "running")
    await job_of(ctx, owner[0], workflow="nuvs")
    await job_of(ctx, owner[0], workflow="aodp")

    body = await (await public_client.get("/api/jobs?state=running", headers=owner[1])).json()
    assert [document["id"] for document in body["documents"]] == [running["_id"]]
    assert (body["found_count"], body["total_count"]) == (1, 3)

    body = await (await public_client.get("/api/jobs?workflow=nuvs&state=waiting", headers=owner[1])).json()
    assert body["found_count"] == 1

    response = await public_client.get("/api/jobs?state=sleeping", headers=owner[1])
    assert response.status == 422
    assert (await response.json())["id"] == "invalid_query"


async def test_find_jobs_paginates(public_client, ctx, owner) -> None:
    for _ in range(3):
        await job_of(ctx, owner[0])
    body = await (await public_client.get("/api/jobs?per_page=2&page=2", headers=owner[1])).json()
    assert len(body["documents"]) == 1
    assert (body["found_count"], body["page"], body["page_count"], body["per_page"]) == (3, 2, 2, 2)


# Get


async def test_get_job_never_shows_the_key(public_client, jobs_client, ctx, owner) -> None:
    job = await job_of(ctx, owner[0])
    await acquire(jobs_client, job["_id"])
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["key"]

    response = await public_client.get(f"/api/jobs/{job['_id']}", headers=owner[1])

    assert response.status == 200
    body = await response.json()
    assert "key" not in body
    assert (body["id"], body["state"], body["acquired"]) == (job["_id"], "preparing", True)
    assert [entry["state"] for entry in body["status"]] == ["waiting", "preparing"]


async def test_get_job_of_someone_else(public_client, ctx, owner, stranger, admin) -> None:
    job = await job_of(ctx, owner[0])
    response = await public_client.get(f"/api/jobs/{job['_id']}", headers=stranger[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await public_client.get(f"/api/jobs/{job['_id']}", headers=admin[1])).status == 200


async def test_get_job_not_found(public_client, owner) -> None:
    response = await public_client.get("/api/jobs/missing", headers=owner[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


# Cancel


@pytest.mark.parametrize("state", ["waiting", "preparing", "running"])
async def test_cancel_job(public_client, ctx, owner, state: str) -> None:
    job = await job_of(ctx, owner[0])
    await set_state(ctx, job, state)

    response = await public_client.put(f"/api/jobs/{job['_id']}/cancel", headers=owner[1])

    assert response.status == 200
    body = await response.json()
    assert body["state"] == "cancelled"
    assert body["status"][-1]["state"] == "cancelled"
    assert "key" not in body
    stored = await stored_job(ctx, job["_id"])
    assert stored["state"] == "cancelled"
    assert [entry["state"] for entry in stored["status"]] == ["waiting", "cancelled"]


@pytest.mark.parametrize("state", ["complete", "error", "cancelled", "terminated", "timeout"])
async def test_cancel_finished_job(public_client, ctx, owner, state: str) -> None:
    job = await job_of(ctx, owner[0])
    await set_state(ctx, job, state)
    response = await public_client.put(f"/api/jobs/{job['_id']}/cancel", headers=owner[1])
    assert response.status == 409
    assert await response.json() == CANNOT_CANCEL
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == state


async def test_cancel_someone_elses_job(public_client, ctx, owner, stranger, admin) -> None:
    job = await job_of(ctx, owner[0])
    response = await public_client.put(f"/api/jobs/{job['_id']}/cancel", headers=stranger[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await ctx.db.jobs.find_one({"_id": job["_id"]}))["state"] == "waiting"
    assert (await public_client.put(f"/api/jobs/{job['_id']}/cancel", headers=admin[1])).status == 200


async def test_cancel_unknown_job(public_client, owner) -> None:
    response = await public_client.put("/api/jobs/missing/cancel", headers=owner[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_cancelled_create_sample_job_leaves_its_sample_to_the_runner(
    public_client, jobs_client, ctx, owner
) -> None:
    """The sample stays unfinalized; the job's key can no longer finalize it but can still clean it up."""
    sample = await create_sample(ctx, name=f"Sample {random_id(6)}", user=user_ref(owner[0]))
    job = await create_job(
        ctx, "create_sample", {"sample_id": sample["_id"], "files": []}, user_ref(owner[0])
    )
    job_headers = await acquire(jobs_client, job["_id"])

    assert (await public_client.put(f"/api/jobs/{job['_id']}/cancel", headers=owner[1])).status == 200

    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["ready"] is False
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=job_headers
    )
    assert response.status == 409
    assert (await response.json())["message"] == "Job is finished"
    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=job_headers)
    assert response.status == 204
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
