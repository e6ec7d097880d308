"""Job API, jobs route table: acquiring a job (`PATCH /jobs/{id}`), once, for the one key that
authenticates it afterwards (docs/api.md, Job API)."""

import asyncio
import hashlib

from tests.support.errors import NOT_FOUND
from tests.support.jobs import JOB_FIELDS, acquire, acquire_key, new_job, stored_job

STATUS_FIELDS = {"state", "progress", "timestamp"}


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
