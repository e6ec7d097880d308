"""The server's own job queue, for runners without Redis (`GET /queue` on the job API).

The queue is the jobs collection itself: a job is queued while it is `waiting` and not acquired, so it is as
durable as the job (a job waiting when the server or its runner stops is offered again once they are back).
A runner asks for the oldest waiting job of the workflows it takes; that job is offered to it alone for
`OFFER_LEASE` seconds (one conditional update sets `offered_at`), so runners asking together get different
jobs. The runner then acquires the job as any runner does (`PATCH /jobs/{id}`); a runner that dies before
acquiring leaves the job to be offered again when the lease ends. Waiting for a job polls the store every
`POLL_INTERVAL` seconds (one indexed query), which works across server processes alike, and looks again at
once when the change feed (`storage/changes.py`) tells this process of a new job, so a runner waiting here
takes a job created through this process (or, with Redis, through any public-API process) as it is created.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import InvalidQuery
from virtool_api.jobs.models import JobState, QueuedJob, Workflow
from virtool_api.pagination import OLDEST_FIRST
from virtool_api.storage.changes import Subscription
from virtool_api.utils import utc_now

OFFER_LEASE = 30.0
"""Seconds a job offered to one runner is not offered to another (it acquires it well within that)."""
POLL_INTERVAL = 1.0


def parse_workflows(text: str) -> list[str]:
    """`pathoscope_bowtie,nuvs` -> the workflow names; 422 naming any that is not a workflow."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted({name for name in names if name not in Workflow.__members__.values()})
    if not names or unknown:
        known = ", ".join(workflow.value for workflow in Workflow)
        problem = f"unknown workflows: {', '.join(unknown)}" if unknown else "no workflow named"
        raise InvalidQuery(errors={"workflows": [f"{problem} (known: {known})"]})
    return names


async def _offer(ctx: Context, workflows: list[str]) -> dict[str, Any] | None:
    now = utc_now()
    return await ctx.db.jobs.find_one_and_update(
        {
            "state": JobState.WAITING.value,
            "acquired": False,
            "workflow": {"$in": workflows},
            "$or": [{"offered_at": None}, {"offered_at": {"$lt": now - timedelta(seconds=OFFER_LEASE)}}],
        },
        {"$set": {"offered_at": now}},
        projection={"workflow": 1},
        sort=OLDEST_FIRST,
    )


async def next_job(
    ctx: Context, workflows: list[str], wait: float, client_gone: Callable[[], bool]
) -> QueuedJob | None:
    """The oldest waiting job of `workflows` not offered to another runner in the last `OFFER_LEASE`
    seconds, offered to the caller; None if none comes within `wait` seconds, or once the caller has gone
    (a runner stopping: its connection closed), so no wait outlives the runner that asked."""
    deadline = time.monotonic() + wait
    subscription = ctx.changes.subscribe()
    try:
        while True:
            if (document := await _offer(ctx, workflows)) is not None:
                return QueuedJob(id=document["_id"], workflow=document["workflow"])
            remaining = deadline - time.monotonic()
            if remaining <= 0 or client_gone():
                return None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(POLL_INTERVAL, remaining)):
                    await _job_created(subscription)
    finally:
        ctx.changes.unsubscribe(subscription)


async def _job_created(subscription: Subscription) -> None:
    """Return once the change feed tells of a new job (the caller bounds the wait)."""
    while True:
        change = await subscription.queue.get()
        if change is None:  # the feed has ended (the server is stopping): only the poll is left
            await asyncio.sleep(POLL_INTERVAL)
        elif change.resource == "jobs" and change.action == "create":
            return
