"""Hand-off: a new job's id reaches its runners' Redis list, none is ever lost, cancels are announced
(docs/operating.md, "Connecting workflow runners")."""

import asyncio
import dataclasses
import shutil

import pytest
from redis.asyncio import Redis

from tests.support.reads import FASTQ_GZ, multipart_file
from tests.support.redis_server import OwnRedis
from virtool_api.jobs.handoff import CANCEL_CHANNEL, hand_off, hand_off_pending, pending_jobs, reconcile
from virtool_api.server.app import create_public_app
from virtool_api.server.context import create_context


async def create_sample(client, headers, name: str) -> dict:
    """A sample made over the public API, as a person would: upload, then POST /samples."""
    uploaded = await client.post(
        "/api/uploads?name=reads.fq.gz&type=reads", data=multipart_file(FASTQ_GZ), headers=headers
    )
    assert uploaded.status == 201, await uploaded.text()
    response = await client.post(
        "/api/samples", json={"name": name, "files": [(await uploaded.json())["id"]]}, headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


# Without Redis (the embedded default): jobs wait, pending, and nothing fails.


async def test_without_redis_a_new_job_waits_pending(ctx, factory, public_client):
    _, headers = await factory.person()

    sample = await create_sample(public_client, headers, "Pending 1")

    job = await ctx.db.jobs.find_one({"_id": sample["job"]["id"]})
    assert (job["state"], job["handed_off"]) == ("waiting", False)
    assert [pending["_id"] for pending in await pending_jobs(ctx)] == [job["_id"]]
    assert await hand_off_pending(ctx) == 0
    assert not await hand_off(ctx, job)


async def test_pending_jobs_are_oldest_first_and_only_waiting_ones(ctx, factory, public_client):
    _, headers = await factory.person()
    first = await create_sample(public_client, headers, "Pending A")
    second = await create_sample(public_client, headers, "Pending B")
    third = await create_sample(public_client, headers, "Pending C")

    cancelled = await public_client.put(f"/api/jobs/{second['job']['id']}/cancel", headers=headers)
    assert cancelled.status == 200

    assert [job["_id"] for job in await pending_jobs(ctx)] == [first["job"]["id"], third["job"]["id"]]
    # A job counts as pending for the background loop only once it is older than the grace period.
    assert await pending_jobs(ctx, older_than=3600) == []


async def test_a_job_stored_before_hand_off_existed_counts_as_pending(ctx, factory):
    job = await factory.create_sample_job(await factory.sample())
    await ctx.db.jobs.update_one({"_id": job["_id"]}, {"$unset": {"handed_off": ""}})

    assert [pending["_id"] for pending in await pending_jobs(ctx)] == [job["_id"]]


# With a real Redis.


async def test_a_new_job_is_pushed_to_its_workflows_list(redis_url, ctx, factory, public_client):
    _, headers = await factory.person()

    sample = await create_sample(public_client, headers, "Pushed 1")

    async with Redis.from_url(redis_url) as redis:
        popped = await redis.blpop(["jobs_create_sample"], timeout=5)
    assert popped == (b"jobs_create_sample", sample["job"]["id"].encode())
    stored = await ctx.db.jobs.find_one({"_id": sample["job"]["id"]})
    assert stored["handed_off"] is True
    assert await pending_jobs(ctx) == []


async def test_ready_includes_redis_when_configured(redis_url, public_client):
    response = await public_client.get("/api/ready")

    assert response.status == 200
    assert (await response.json())["checks"]["redis"] == "ok"


async def test_a_cancel_reaches_a_subscriber_of_the_cancel_channel(redis_url, factory, public_client):
    _, headers = await factory.person()
    sample = await create_sample(public_client, headers, "Cancelled 1")
    async with Redis.from_url(redis_url) as redis, redis.pubsub() as pubsub:
        await pubsub.subscribe(CANCEL_CHANNEL)
        assert (await pubsub.get_message(timeout=5))["type"] == "subscribe"

        response = await public_client.put(f"/api/jobs/{sample['job']['id']}/cancel", headers=headers)
        assert response.status == 200

        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
    assert message is not None
    assert (message["channel"], message["data"]) == (CANCEL_CHANNEL.encode(), sample["job"]["id"].encode())


async def test_two_runners_popping_the_same_id_one_acquires_the_other_gets_400(
    redis_url, ctx, factory, public_client, jobs_client
):
    _, headers = await factory.person()
    sample = await create_sample(public_client, headers, "Twice 1")
    job = await ctx.db.jobs.find_one({"_id": sample["job"]["id"]})
    assert await hand_off(ctx, job)  # a second hand-off finds the id in its list: still once there

    async with Redis.from_url(redis_url) as redis:
        assert await redis.lrange("jobs_create_sample", 0, -1) == [job["_id"].encode()]
        # Two runners can still both get it: one popped it and a reconcile, past the grace, pushed it again.
        await redis.rpush("jobs_create_sample", job["_id"])
        ids = [(await redis.blpop(["jobs_create_sample"], timeout=5))[1].decode() for _ in range(2)]
    assert ids == [job["_id"], job["_id"]]

    answers = await asyncio.gather(
        *(jobs_client.patch(f"/api/jobs/{job_id}", json={"acquired": True}) for job_id in ids)
    )
    assert sorted(answer.status for answer in answers) == [200, 400]
    refused = next(answer for answer in answers if answer.status == 400)
    assert await refused.json() == {"id": "bad_request", "message": "Job already acquired"}


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (Debian redis-server)")
async def test_jobs_created_while_redis_is_down_reach_the_list_once_it_is_back(
    config, factory, tmp_path, aiohttp_client
):
    """Redis is down while three samples are made: all three are created (201), wait pending, and reach
    the list in creation order once Redis is back, each exactly once."""
    own = OwnRedis(tmp_path)
    ctx = await create_context(dataclasses.replace(config, redis_url=own.url, handoff_interval=0.2))
    try:
        client = await aiohttp_client(create_public_app(ctx))
        factory.ctx = ctx
        _, headers = await factory.person()

        samples = [await create_sample(client, headers, f"Offline {number}") for number in range(3)]
        job_ids = [sample["job"]["id"] for sample in samples]
        assert [job["_id"] for job in await pending_jobs(ctx)] == job_ids
        not_ready = await client.get("/api/ready")
        assert not_ready.status == 503
        assert (await not_ready.json())["checks"]["redis"].startswith("unreachable: ")

        own.start()
        async with Redis.from_url(own.url) as redis:
            popped = [await redis.blpop(["jobs_create_sample"], timeout=10) for _ in job_ids]
            assert [item[1].decode() for item in popped if item] == job_ids
            await asyncio.sleep(0.5)  # a few more rounds of the loop: nothing is pushed twice
            assert await redis.llen("jobs_create_sample") == 0
        assert await pending_jobs(ctx) == []
        assert (await client.get("/api/ready")).status == 200
        await client.close()
    finally:
        own.stop()
        await ctx.close()


# Redis forgets (a restart without persistence): waiting jobs are pushed again, never twice into one list.


async def test_a_job_redis_lost_is_pushed_again_once(redis_url, ctx, factory, public_client):
    """FLUSHDB is what a Redis without persistence looks like after a restart."""
    _, headers = await factory.person()
    sample = await create_sample(public_client, headers, "Lost 1")
    job_id = sample["job"]["id"].encode()
    async with Redis.from_url(redis_url) as redis:
        assert await redis.lrange("jobs_create_sample", 0, -1) == [job_id]
        await redis.flushdb()

        # Within the grace a job may just have been popped by a runner that is acquiring it: left alone.
        assert await reconcile(ctx, grace=60) == 0
        assert await redis.llen("jobs_create_sample") == 0

        assert await reconcile(ctx, grace=0) == 1
        assert await redis.lrange("jobs_create_sample", 0, -1) == [job_id]
        # Again, and twice at once: the id is in its list, so nothing more is pushed.
        assert await asyncio.gather(reconcile(ctx, grace=0), reconcile(ctx, grace=0)) == [0, 0]
        await redis.flushdb()
        assert sorted(await asyncio.gather(reconcile(ctx, grace=0), reconcile(ctx, grace=0))) == [0, 1]
        assert await redis.lrange("jobs_create_sample", 0, -1) == [job_id]


async def test_an_acquired_or_finished_job_is_not_pushed_again(
    redis_url, ctx, factory, public_client, jobs_client
):
    _, headers = await factory.person()
    acquired = await create_sample(public_client, headers, "Acquired 1")
    cancelled = await create_sample(public_client, headers, "Cancelled 2")
    assert (
        await jobs_client.patch(f"/api/jobs/{acquired['job']['id']}", json={"acquired": True})
    ).status == 200
    assert (
        await public_client.put(f"/api/jobs/{cancelled['job']['id']}/cancel", headers=headers)
    ).status == 200
    async with Redis.from_url(redis_url) as redis:
        await redis.flushdb()
        assert await reconcile(ctx, grace=0) == 0
        assert await redis.llen("jobs_create_sample") == 0


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server (Debian redis-server)")
async def test_jobs_pushed_before_a_redis_restart_reach_the_list_again(
    config, factory, tmp_path, aiohttp_client
):
    """The issue's case with a real restart: a Redis of the test's own, without persistence, is stopped and
    started again after a job was pushed; the server sees the new Redis and pushes the job again, once."""
    own = OwnRedis(tmp_path)
    own.start()
    ctx = await create_context(
        dataclasses.replace(
            config, redis_url=own.url, handoff_interval=0.2, handoff_grace=0, reconcile_interval=3600
        )
    )
    try:
        client = await aiohttp_client(create_public_app(ctx))
        factory.ctx = ctx
        _, headers = await factory.person()
        sample = await create_sample(client, headers, "Before the restart")
        job_id = sample["job"]["id"].encode()
        async with Redis.from_url(own.url) as redis:
            assert await redis.lrange("jobs_create_sample", 0, -1) == [job_id]
        own.stop()
        own.start()
        async with Redis.from_url(own.url) as redis:
            popped = await redis.blpop(["jobs_create_sample"], timeout=10)
            assert popped == (b"jobs_create_sample", job_id)
            await asyncio.sleep(1)  # a few more rounds: the same Redis, so no more pushes
            assert await redis.llen("jobs_create_sample") == 0
        job = await ctx.db.jobs.find_one({"_id": job_id.decode()})
        assert (job["state"], job["handed_off"]) == ("waiting", True)
        await client.close()
    finally:
        own.stop()
        await ctx.close()
