"""The server's own job queue (`GET /queue` on the job API) and the runners' reports (`PUT /runners/{id}`,
`GET /api/runners`): how runners without Redis find jobs, and how people see who runs them."""

import asyncio
from datetime import timedelta

import pytest

from virtool_api.jobs import queue
from virtool_api.jobs.queue import OFFER_LEASE
from virtool_api.runners.service import ALIVE_WITHIN
from virtool_api.utils import utc_now

REPORT = {
    "host": "bench-1",
    "pid": 4242,
    "version": "0.1.0",
    "workflows": ["pathoscope_bowtie", "nuvs"],
    "refused": {"create_subtraction": "bowtie2-build not found: install the Debian/Ubuntu package bowtie2"},
    "slots": 2,
    "running": [],
    "source": "server",
}


async def queued(jobs_client, workflows: str, **params) -> dict:
    response = await jobs_client.get("/api/queue", params={"workflows": workflows, **params})
    assert response.status == 200, await response.text()
    return (await response.json())["job"]


async def jobs_of(factory, count: int, workflow: str = "pathoscope_bowtie") -> list[str]:
    ids = []
    for _ in range(count):
        analysis = await factory.analysis(workflow=workflow)
        ids.append((await factory.analysis_job(analysis))["_id"])
    return ids


async def test_the_oldest_waiting_job_of_the_workflows_asked_for_is_offered(jobs_client, factory):
    first, second = await jobs_of(factory, 2)
    await jobs_of(factory, 1, workflow="nuvs")

    assert await queued(jobs_client, "pathoscope_bowtie") == {"id": first, "workflow": "pathoscope_bowtie"}
    # Offered to one runner at a time: the next asker gets the next job.
    assert await queued(jobs_client, "pathoscope_bowtie") == {"id": second, "workflow": "pathoscope_bowtie"}
    assert await queued(jobs_client, "pathoscope_bowtie") is None
    assert (await queued(jobs_client, "create_sample,nuvs"))["workflow"] == "nuvs"


async def test_a_job_offered_but_not_acquired_is_offered_again_after_the_lease(jobs_client, factory, ctx):
    (job_id,) = await jobs_of(factory, 1)
    assert (await queued(jobs_client, "pathoscope_bowtie"))["id"] == job_id
    assert await queued(jobs_client, "pathoscope_bowtie") is None

    # The runner it was offered to died before acquiring it: once the lease is over, it is offered again.
    earlier = utc_now() - timedelta(seconds=OFFER_LEASE + 1)
    await ctx.db.jobs.update_one({"_id": job_id}, {"$set": {"offered_at": earlier}})
    assert (await queued(jobs_client, "pathoscope_bowtie"))["id"] == job_id


async def test_acquired_and_cancelled_jobs_are_not_offered(jobs_client, public_client, factory):
    acquired, cancelled = await jobs_of(factory, 2)
    response = await jobs_client.patch(f"/api/jobs/{acquired}", json={"acquired": True})
    assert response.status == 200
    _, admin = await factory.person(administrator=True)
    response = await public_client.put(f"/api/jobs/{cancelled}/cancel", headers=admin)
    assert response.status == 200

    assert await queued(jobs_client, "pathoscope_bowtie") is None


async def test_runners_asking_at_once_get_each_job_once(jobs_client, factory):
    ids = await jobs_of(factory, 5)

    answers = await asyncio.gather(*(queued(jobs_client, "pathoscope_bowtie") for _ in range(12)))

    offered = [answer["id"] for answer in answers if answer is not None]
    assert sorted(offered) == sorted(ids)


async def test_asking_with_wait_returns_a_job_created_meanwhile(jobs_client, factory):
    asking = asyncio.create_task(queued(jobs_client, "nuvs", wait=10))
    await asyncio.sleep(0.3)
    (job_id,) = await jobs_of(factory, 1, workflow="nuvs")

    assert (await asking)["id"] == job_id


async def test_a_job_created_while_a_runner_waits_is_offered_at_once_not_at_the_next_poll(
    jobs_client, factory, monkeypatch
):
    """The queue looks again when the change feed tells of a new job: with no poll due before the wait ends
    (30 s), the job created meanwhile is the answer well before it ends."""
    monkeypatch.setattr(queue, "POLL_INTERVAL", 60.0)
    asking = asyncio.create_task(queued(jobs_client, "nuvs", wait=30))
    await asyncio.sleep(0.3)
    (job_id,) = await jobs_of(factory, 1, workflow="nuvs")

    done, _ = await asyncio.wait({asking}, timeout=20)
    assert asking in done, "the job created meanwhile waits for the end of the wait"
    assert (await asking)["id"] == job_id


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"workflows": ["Field required"]}),
        (
            {"workflows": "nuvs,blast"},
            {
                "workflows": [
                    "unknown workflows: blast (known: create_sample, build_index, create_subtraction,"
                    " pathoscope_bowtie, nuvs, aodp)"
                ]
            },
        ),
        ({"workflows": "nuvs", "wait": "31"}, {"wait": ["Input should be less than or equal to 30"]}),
    ],
)
async def test_a_queue_query_that_names_no_known_workflow_is_422(jobs_client, params, errors):
    response = await jobs_client.get("/api/queue", params=params)

    assert response.status == 422
    assert await response.json() == {"id": "invalid_query", "message": "Invalid query", "errors": errors}


async def test_a_runner_that_reports_is_listed_with_what_it_takes(jobs_client, public_client, factory):
    await jobs_of(factory, 2, workflow="create_subtraction")
    response = await jobs_client.put("/api/runners/bench-1-ab12", json=REPORT)
    assert response.status == 200, await response.text()
    assert (await response.json())["id"] == "bench-1-ab12"
    _, user = await factory.person()

    status = await (await public_client.get("/api/runners", headers=user)).json()

    assert [runner["id"] for runner in status["runners"]] == ["bench-1-ab12"]
    assert status["runners"][0]["workflows"] == ["pathoscope_bowtie", "nuvs"]
    assert status["workflows"]["nuvs"]["runners"] == 1
    subtractions = status["workflows"]["create_subtraction"]
    assert (subtractions["runners"], subtractions["waiting"]) == (0, 2)
    assert subtractions["refused"] == [REPORT["refused"]["create_subtraction"]]
    assert subtractions["oldest_waiting_at"] is not None


async def test_a_runner_not_heard_from_is_gone(jobs_client, public_client, factory, ctx):
    await jobs_client.put("/api/runners/old-one", json=REPORT)
    earlier = utc_now() - timedelta(seconds=ALIVE_WITHIN + 1)
    await ctx.db.runners.update_one({"_id": "old-one"}, {"$set": {"seen_at": earlier}})
    _, user = await factory.person()

    status = await (await public_client.get("/api/runners", headers=user)).json()

    assert status["runners"] == []
    assert status["workflows"]["nuvs"]["runners"] == 0


@pytest.mark.parametrize("runner_id", ["x" * 65, "a b", "a%2Fb", "%00"])
async def test_a_runner_id_that_is_not_a_plain_name_is_not_found(jobs_client, ctx, runner_id):
    response = await jobs_client.put(f"/api/runners/{runner_id}", json=REPORT)

    assert response.status == 404
    assert await response.json() == {"id": "not_found", "message": "Not found"}
    assert await ctx.db.runners.count_documents({}) == 0


async def test_a_report_of_the_wrong_shape_is_422(jobs_client, ctx):
    response = await jobs_client.put("/api/runners/r1", json={**REPORT, "workflows": ["blast"], "slots": 0})

    assert response.status == 422
    body = await response.json()
    assert set(body["errors"]) == {"workflows.0", "slots"}
    assert await ctx.db.runners.count_documents({}) == 0


async def test_who_runs_jobs_is_for_people_signed_in(public_client):
    response = await public_client.get("/api/runners")

    assert response.status == 401
