"""The job API's sample routes: finalizing the sample with its quality (`PATCH /samples/{id}`),
once, by its own create-sample job while it runs (docs/api.md, "Job API")."""

import asyncio

from tests.support.errors import INSUFFICIENT_RIGHTS, JOB_FINISHED, SAMPLE_FINALIZED
from tests.support.jobs import acquire
from tests.support.reads import QUALITY
from tests.support.sample_jobs import assert_sample_document, created_sample_job, post_status


async def test_finalize(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 200
    body = await response.json()
    assert_sample_document(body)
    assert body["id"] == sample["_id"]
    assert body["ready"] is True
    assert body["quality"] == QUALITY
    document = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert document["ready"] is True
    assert document["quality"] == QUALITY


async def test_finalize_without_quality_is_422(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={}, headers=auth)

    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_input", "Invalid input")
    assert "quality" in body["errors"]
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_finalize_with_malformed_quality_is_422(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    for quality in ({**QUALITY, "count": "many"}, {**QUALITY, "length": [76]}, "good", None):
        response = await jobs_client.patch(
            f"/api/samples/{sample['_id']}", json={"quality": quality}, headers=auth
        )
        assert response.status == 422, quality
        body = await response.json()
        assert (body["id"], body["message"]) == ("invalid_input", "Invalid input")

    document = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert document["ready"] is False
    assert document["quality"] is None


async def test_finalize_with_malformed_json_is_400(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}",
        data=b'{"quality": {',
        headers={**auth, "Content-Type": "application/json"},
    )

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_finalize_twice_is_409(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    first = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth)
    assert first.status == 200

    second = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth)

    assert second.status == 409
    assert await second.json() == SAMPLE_FINALIZED


async def test_racing_finalizes_exactly_one_wins(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    qualities = [{**QUALITY, "count": count} for count in range(1, 6)]

    responses = await asyncio.gather(
        *(
            jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": quality}, headers=auth)
            for quality in qualities
        )
    )

    statuses = sorted(response.status for response in responses)
    assert statuses == [200, 409, 409, 409, 409]
    bodies = [await response.json() for response in responses]
    winner = next(body for response, body in zip(responses, bodies, strict=True) if response.status == 200)
    assert all(body == SAMPLE_FINALIZED for body in bodies if body is not winner)
    document = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert document["ready"] is True
    assert document["quality"] == winner["quality"]


async def test_analysis_job_cannot_finalize_its_sample(jobs_client, factory, ctx):
    sample = await factory.sample()
    analysis = await factory.analysis(sample)
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_finalize_after_complete_status_is_409(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, "complete")

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_finalize_after_error_status_is_409(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, "error")

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False
