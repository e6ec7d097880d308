"""Hand-off: how workflow runners learn of a new job (job-api-references.md, "Hand-off").

A runner for workflow `W` waits on the Redis list `jobs_W`; the server `RPUSH`es each new job's id there.
A job is stored first (`handed_off: false`), then pushed, then marked `handed_off: true`. If Redis cannot be
reached, or the process dies between storing and pushing, the job stays pending, and `hand_off_pending` (run
in the background by every public API process, where jobs are created) pushes it once Redis answers. That is
at least once: a second push of the same id is harmless, because acquiring is conditional (the second runner
gets 400).

Without a Redis URL, jobs simply wait, pending, until the server is started with one.

A cancelled job's id is published on `channel:cancel`, for the runner running it to stop. That message is
best effort (Redis pub/sub keeps nothing): a runner that misses it learns at its next call, which answers
409 "Job is finished".
"""

import asyncio
import logging
from datetime import timedelta
from typing import Any

from virtool_api.context import Context
from virtool_api.pagination import OLDEST_FIRST
from virtool_api.utils import utc_now

logger = logging.getLogger(__name__)

CANCEL_CHANNEL = "channel:cancel"


def list_name(workflow: str) -> str:
    """The Redis list runners of `workflow` wait on, e.g. `jobs_pathoscope_bowtie`."""
    return f"jobs_{workflow}"


def pending_query(created_before: Any | None = None) -> dict[str, Any]:
    # `$ne: True` also takes jobs stored before hand-off existed: they were never pushed either.
    query: dict[str, Any] = {"handed_off": {"$ne": True}, "state": "waiting"}
    if created_before is not None:
        query["created_at"] = {"$lt": created_before}
    return query


async def pending_jobs(ctx: Context, older_than: float = 0.0) -> list[dict[str, Any]]:
    """Waiting jobs not yet handed off, oldest first; with `older_than`, only those created that long ago."""
    created_before = utc_now() - timedelta(seconds=older_than) if older_than else None
    return (
        await ctx.db.jobs.find(pending_query(created_before), {"workflow": 1, "created_at": 1})
        .sort(OLDEST_FIRST)
        .to_list(None)
    )


async def hand_off(ctx: Context, job: dict[str, Any]) -> bool:
    """Push the job's id to its workflow's list and mark it handed off; False (and the job stays pending)
    when there is no Redis or it cannot be reached."""
    if ctx.redis is None:
        return False
    try:
        await ctx.redis.rpush(list_name(job["workflow"]), job["_id"])
    except Exception as error:
        logger.warning(
            "job %s stays pending: cannot reach Redis (%s)", job["_id"], error or type(error).__name__
        )
        return False
    await ctx.db.jobs.update_one({"_id": job["_id"]}, {"$set": {"handed_off": True}})
    return True


async def hand_off_pending(ctx: Context, older_than: float = 0.0) -> int:
    """Hand off every pending job (oldest first); stops at the first failure. Returns how many went."""
    if ctx.redis is None:
        return 0
    handed = 0
    for job in await pending_jobs(ctx, older_than):
        if not await hand_off(ctx, job):
            break
        handed += 1
    return handed


async def announce_cancel(ctx: Context, job_id: str) -> None:
    """Tell the runner running `job_id` to stop (best effort; see the module docstring)."""
    if ctx.redis is None:
        return
    try:
        await ctx.redis.publish(CANCEL_CHANNEL, job_id)
    except Exception as error:
        logger.warning("could not publish the cancellation of job %s: %s", job_id, error)


async def hand_off_forever(ctx: Context) -> None:
    """Every `handoff_interval` seconds, hand off the jobs still pending that are at least that old (younger
    ones are being pushed by the request that created them). Runs in every public API process."""
    while True:
        try:
            if count := await hand_off_pending(ctx, older_than=ctx.config.handoff_interval):
                logger.info("handed off %d pending jobs to Redis", count)
        except Exception:
            logger.exception("handing off pending jobs failed")
        await asyncio.sleep(ctx.config.handoff_interval)
