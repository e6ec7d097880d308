"""Where a runner learns of jobs: the Redis lists every Virtool runner waits on, or the server's own queue.

Both give one job id at a time, and only when the runner has room for it: a Redis `BLPOP` takes the id off its
list for good, so it is asked for only once a slot is free. The job is then acquired over the job API, which
is what decides who runs it.
"""

from typing import Protocol

from virtool_api.runner.client import JobApi

WAIT = 20.0
"""Seconds one ask for a job may wait before asking again (so a stopping runner is never stuck long)."""


class JobSource(Protocol):
    name: str

    async def next_job(self) -> str | None:
        """A job id, or None when none came within `WAIT` seconds."""

    async def close(self) -> None: ...


class RedisLists:
    """`BLPOP` on `jobs_<workflow>` for every workflow the runner takes, as Virtool's runners do."""

    name = "redis"

    def __init__(self, redis_url: str, workflows: list[str]) -> None:
        # Here, not at the top: only a runner given a Redis URL needs the client (see NOT_AT_TOP).
        from redis.asyncio import Redis

        self.redis = Redis.from_url(redis_url)
        self.lists = [f"jobs_{workflow}" for workflow in workflows]

    async def next_job(self) -> str | None:
        popped = await self.redis.blpop(self.lists, timeout=WAIT)
        if popped is None:
            return None
        job_id = popped[1]
        return job_id.decode() if isinstance(job_id, bytes) else job_id

    async def close(self) -> None:
        await self.redis.aclose()


class ServerQueue:
    """The server's own queue (`GET /queue`), for a runner without Redis."""

    name = "server"

    def __init__(self, api: JobApi, workflows: list[str]) -> None:
        self.api = api
        self.workflows = ",".join(workflows)

    async def next_job(self) -> str | None:
        answer = await self.api.json("GET", "/queue", params={"workflows": self.workflows, "wait": WAIT})
        job = answer["job"]
        return None if job is None else str(job["id"])

    async def close(self) -> None:
        return None
