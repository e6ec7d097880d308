"""Hand-off: how workflow runners learn of a new job (docs/operating.md, "Connecting workflow runners").

A runner for workflow `W` waits on the Redis list `jobs_W`; the server pushes each new job's id there.
A job is stored first (`handed_off: false`), then pushed, then marked `handed_off: true` (with
`handed_off_at`). If Redis cannot be reached, or the process dies between storing and pushing, the job stays
pending, and `hand_off_pending` (run in the background by every public API process, where jobs are created)
pushes it once Redis answers.

Redis may lose what it held (it needs no persistence: a restart empties it). So `reconcile` pushes again
every job still waiting, handed off more than `handoff_grace` ago, whose id is not in its list: at once when
the background loop sees Redis restarted (its `run_id` changed) or come back, and every `reconcile_interval`
otherwise (a `FLUSHDB` changes no `run_id`). The grace leaves alone a job a runner has just popped and is
acquiring. Every push is one Lua script that pushes only an id its list does not hold (`LPOS`), so however
many processes hand off and reconcile at once, an id is never twice in one list; a runner that pops an id and
dies before acquiring it gets it pushed again too. A second delivery is still harmless, because acquiring is
conditional (the second runner gets 400).

Without a Redis URL, jobs simply wait, pending, until the server is started with one.

A cancelled job's id is published on `channel:cancel`, for the runner running it to stop. That message is
best effort (Redis pub/sub keeps nothing): a runner that misses it learns at its next call, which answers
409 "Job is finished".
"""

import asyncio
import logging
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

from virtool_api.context import Context
from virtool_api.pagination import OLDEST_FIRST
from virtool_api.utils import utc_now

logger = logging.getLogger(__name__)

CANCEL_CHANNEL = "channel:cancel"

_PUSH_IF_ABSENT = """
if redis.call('LPOS', KEYS[1], ARGV[1]) then
    return 0
end
redis.call('RPUSH', KEYS[1], ARGV[1])
return 1
"""
"""Push an id unless its list holds it already, in one step: Redis runs a script atomically."""


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
        await _push(ctx, job)
    except Exception as error:
        logger.warning(
            "job %s stays pending: cannot reach Redis (%s)", job["_id"], error or type(error).__name__
        )
        return False
    await ctx.db.jobs.update_one(
        {"_id": job["_id"]}, {"$set": {"handed_off": True, "handed_off_at": utc_now()}}
    )
    return True


async def _push(ctx: Context, job: dict[str, Any]) -> bool:
    """Whether this call put the job's id in its list (False: the list held it already)."""
    return bool(await ctx.redis.eval(_PUSH_IF_ABSENT, 1, list_name(job["workflow"]), job["_id"]))


def lost_query(handed_off_before: Any) -> dict[str, Any]:
    """Jobs handed off and still waiting, longer ago than the grace: in their list, or lost from it."""
    return {
        "state": "waiting",
        "acquired": False,
        "handed_off": True,
        "$or": [{"handed_off_at": {"$lt": handed_off_before}}, {"handed_off_at": {"$exists": False}}],
    }


async def reconcile(ctx: Context, grace: float) -> int:
    """Push again each waiting job handed off more than `grace` seconds ago that its list does not hold
    (Redis restarted without persistence, or a runner popped it and died); how many were pushed."""
    if ctx.redis is None:
        return 0
    handed_off_before = utc_now() - timedelta(seconds=grace)
    waiting: dict[str, list[dict[str, Any]]] = defaultdict(list)
    jobs = ctx.db.jobs.find(lost_query(handed_off_before), {"workflow": 1, "created_at": 1})
    for job in await jobs.sort(OLDEST_FIRST).to_list(None):
        waiting[job["workflow"]].append(job)
    pushed = 0
    for workflow, candidates in waiting.items():
        listed = {item.decode() for item in await ctx.redis.lrange(list_name(workflow), 0, -1)}
        for job in candidates:
            if job["_id"] not in listed and await _push(ctx, job):
                await ctx.db.jobs.update_one({"_id": job["_id"]}, {"$set": {"handed_off_at": utc_now()}})
                pushed += 1
    return pushed


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
    ones are being pushed by the request that created them), and reconcile the lists with the waiting jobs:
    at once when Redis restarted or answers again, else every `reconcile_interval`. Runs in every public API
    process."""
    run_id: str | None = None
    reconciled_at = float("-inf")
    while True:
        try:
            seen = (await ctx.redis.info("server"))["run_id"]
        except Exception as error:
            if run_id is not None:
                logger.warning("Redis does not answer (%s): new jobs wait until it does", error)
            run_id = None
        else:
            try:
                if seen != run_id or time.monotonic() - reconciled_at >= ctx.config.reconcile_interval:
                    if pushed := await reconcile(ctx, ctx.config.handoff_grace):
                        logger.warning("pushed %d waiting jobs again that Redis no longer held", pushed)
                    run_id, reconciled_at = seen, time.monotonic()
                if count := await hand_off_pending(ctx, older_than=ctx.config.handoff_interval):
                    logger.info("handed off %d pending jobs to Redis", count)
            except Exception:
                logger.exception("handing off jobs to Redis failed")
        await asyncio.sleep(ctx.config.handoff_interval)
