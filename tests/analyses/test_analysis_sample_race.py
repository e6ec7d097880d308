"""Starting analyses of a sample while the sample is removed: every start answers 201 or 404, never 500, and
no analysis outlives its sample (nor a job waiting to work on one that is gone).

The interleavings and why they are safe are in the docstring of `analyses.service.start_analysis`.
"""

import asyncio
import random
import time

from virtool_api.storage.mongo import insert_with_random_id

ROUNDS = 12
MAX_ROUNDS = 36
STARTS_PER_ROUND = 4


async def ready_reference(ctx) -> str:  # type: ignore[no-untyped-def]
    reference = await insert_with_random_id(
        ctx.db.references, {"name": "Plant viruses", "data_type": "genome"}
    )
    await insert_with_random_id(
        ctx.db.indexes, {"reference": {"id": reference["_id"]}, "version": 0, "ready": True}
    )
    return reference["_id"]


async def test_starts_racing_the_samples_removal_leave_no_analysis_behind(public_client, factory, ctx):
    owner, headers = await factory.person()
    user = {"id": owner["_id"], "handle": owner["handle"]}
    ref_id = await ready_reference(ctx)
    rng = random.Random(10)
    statuses: list[int] = []

    # The requests are spread over about one start's duration on this machine, so that the removal lands
    # before, during and after the starts even on a loaded machine (where a fixed 30 ms window let the removal
    # win every time).
    warm_up = await factory.sample(ready=True, user=user)
    began = time.monotonic()
    response = await public_client.post(
        f"/api/samples/{warm_up['_id']}/analyses",
        json={"workflow": "pathoscope_bowtie", "ref_id": ref_id},
        headers=headers,
    )
    assert response.status == 201, await response.text()
    window = max(0.03, time.monotonic() - began)

    rounds = 0
    while rounds < ROUNDS or (rounds < MAX_ROUNDS and not (201 in statuses and 404 in statuses)):
        rounds += 1
        sample = await factory.sample(ready=True, user=user)
        sample_id = sample["_id"]

        async def start(delay: float, sample_id: str = sample_id) -> int:
            await asyncio.sleep(delay)
            response = await public_client.post(
                f"/api/samples/{sample_id}/analyses",
                json={"workflow": "pathoscope_bowtie", "ref_id": ref_id},
                headers=headers,
            )
            body = await response.json()
            assert response.status in (201, 404), body
            if response.status == 404:
                assert body == {"id": "not_found", "message": "Not found"}
            return response.status

        async def remove(delay: float, sample_id: str = sample_id) -> int:
            await asyncio.sleep(delay)
            return (await public_client.delete(f"/api/samples/{sample_id}", headers=headers)).status

        results = await asyncio.gather(
            remove(rng.uniform(0, window)), *(start(rng.uniform(0, window)) for _ in range(STARTS_PER_ROUND))
        )
        assert results[0] == 204
        statuses.extend(results[1:])

        assert await ctx.db.samples.find_one({"_id": sample_id}) is None
        assert await ctx.db.analyses.count_documents({"sample.id": sample_id}) == 0
        # Jobs made for those starts either went with their undone analysis or were cancelled with the sample.
        left = await ctx.db.jobs.find({"args.sample_id": sample_id}, {"state": 1}).to_list(None)
        assert {job["state"] for job in left} <= {"cancelled"}, left

    # Both outcomes happened: the race was really run, not won by one side every time.
    assert 201 in statuses and 404 in statuses, statuses


async def test_an_analysis_started_before_the_removal_goes_with_its_sample_and_its_job_is_cancelled(
    public_client, factory, ctx
):
    owner, headers = await factory.person()
    ref_id = await ready_reference(ctx)
    sample = await factory.sample(ready=True, user={"id": owner["_id"], "handle": owner["handle"]})
    response = await public_client.post(
        f"/api/samples/{sample['_id']}/analyses",
        json={"workflow": "pathoscope_bowtie", "ref_id": ref_id},
        headers=headers,
    )
    assert response.status == 201
    analysis = await response.json()

    assert (await public_client.delete(f"/api/samples/{sample['_id']}", headers=headers)).status == 204

    assert await ctx.db.analyses.find_one({"_id": analysis["id"]}) is None
    job = await ctx.db.jobs.find_one({"_id": analysis["job"]["id"]})
    assert job["state"] == "cancelled"
