"""Job life cycle: create, acquire, authenticate, ping, report status, time out."""

import asyncio
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from virtool_api.api.keys import JobCredentials
from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, InsufficientRights, NotFound
from virtool_api.jobs import rights
from virtool_api.jobs.handoff import announce_cancel, hand_off
from virtool_api.jobs.models import (
    TERMINAL_STATES,
    AcquiredJob,
    Job,
    JobMinimal,
    JobPing,
    JobSearchQuery,
    JobSearchResult,
    JobState,
    JobStatusEntry,
    ReportStatusRequest,
)
from virtool_api.jobs.statuses import (
    first_status,
    record_status,
    remove_history,
    status_entry,
    status_history,
    store_first_status,
)
from virtool_api.listing import Listed, page_steps
from virtool_api.pagination import page_count
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.steps import Steps, run_steps
from virtool_api.users.rights import require_owner_or_administrator
from virtool_api.utils import utc_now

ALREADY_ACQUIRED = BadRequest.declare("Job already acquired")
INVALID_STATE = BadRequest.declare("Invalid job state")
"""A state a job may not report itself (`waiting`, or one only the server sets)."""
MISSING_ERROR = BadRequest.declare("Missing error information")
NOT_CANCELLABLE = Conflict.declare("Job cannot be cancelled in its current state")

ACTIVE_STATES = [JobState.PREPARING.value, JobState.RUNNING.value]
UNFINISHED = {"$nin": sorted(state.value for state in TERMINAL_STATES)}
"""The condition on `state` of a job that has not finished."""
REPORTED_JOB = {"latest_status": 0}
"""The job as a status report returns it (to the job's followers, `events.py`): without the entry just made,
which the store then need not decode again (its timestamp is stored naive, to the millisecond)."""
STATES_A_JOB_MAY_REPORT = {
    JobState.PREPARING,
    JobState.RUNNING,
    JobState.COMPLETE,
    JobState.ERROR,
    JobState.CANCELLED,
    JobState.TERMINATED,
}


def hash_key(key: str) -> str:
    """Keys are 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force."""
    return hashlib.sha256(key.encode()).hexdigest()


async def render_job(ctx: Context, document: dict[str, Any]) -> Job:
    """The job with its status history (`statuses.py`)."""
    history = await status_history(ctx, document)
    return Job.model_validate({**document, "id": document["_id"], "status": history})


async def create_job(
    ctx: Context, workflow: str, args: dict[str, Any], user: dict[str, str]
) -> dict[str, Any]:
    """A new `waiting` job, stored, then handed off to its runners' Redis list (`jobs/handoff.py`): if Redis
    cannot take it now, it stays pending and is handed off later."""
    entry = status_entry(JobState.WAITING, 0)
    document = await insert_with_random_id(
        ctx.db.jobs,
        {
            "created_at": entry["timestamp"],
            "acquired": False,
            "key": None,
            "progress": 0,
            "state": JobState.WAITING.value,
            "stage": None,
            "user": {"id": user["id"], "handle": user["handle"]},
            "workflow": str(workflow),
            "args": args,
            **first_status(entry),
            "ping": None,
            "retries": 0,
            "handed_off": False,
        },
    )
    await store_first_status(ctx, document["_id"], entry)
    await hand_off(ctx, document)
    await ctx.changes.publish("jobs", document["_id"], "create", {"user_id": user["id"]})
    return document


async def acquire_job(ctx: Context, job_id: str) -> AcquiredJob:
    """Hand the job to one runner, exactly once, with a fresh key that only its hash outlives; the job is
    then `preparing`, and followers of its state (`events.job_state_changed`) are told."""
    key = secrets.token_hex(32)
    entry = status_entry(JobState.PREPARING, 0)
    document, read = await record_status(
        ctx,
        job_id,
        {"acquired": False, "state": JobState.WAITING.value},
        entry,
        {
            "acquired": True,
            "key": hash_key(key),
            "state": JobState.PREPARING.value,
            "ping": {"pinged_at": entry["timestamp"]},
        },
        follow=ctx.events.job_state_steps,
    )
    if document is None:
        existing = await ctx.db.jobs.find_one({"_id": job_id}, {"acquired": 1, "state": 1})
        if existing is None:
            raise NotFound()
        if not existing.get("acquired"):
            rights.require_active(existing)
        raise ALREADY_ACQUIRED
    # Acquiring is a state change like any status report: what follows the job (a sample being imported)
    # hears of it the same way.
    await ctx.events.emit_job_state_changed(ctx, document, JobState.PREPARING.value, None, read)
    history = await status_history(ctx, document)
    return AcquiredJob.model_validate({**document, "id": document["_id"], "status": history, "key": key})


async def authenticate_job(ctx: Context, job_id: str, key: str) -> dict[str, Any] | None:
    """The job whose stored key hash matches, or None."""
    document = await ctx.db.jobs.find_one({"_id": job_id})
    if document is None or not document.get("key"):
        return None
    if not hmac.compare_digest(document["key"], hash_key(key)):
        return None
    return document


async def find_job(ctx: Context, job_id: str, *fields: str) -> dict[str, Any] | None:
    """The stored job (only `fields`, when named), or None; no rights asked (for the domains jobs work on)."""
    return await ctx.db.jobs.find_one({"_id": job_id}, dict.fromkeys(fields, 1) if fields else None)


async def find_jobs_by_args(
    ctx: Context, workflow: str, args: dict[str, Any], *fields: str
) -> list[dict[str, Any]]:
    """The jobs of `workflow` whose `args` match (`{"sample_id": id}`, `{"files.id": {"$in": ids}}`)."""
    query = {"workflow": workflow, **{f"args.{key}": value for key, value in args.items()}}
    return await ctx.db.jobs.find(query, dict.fromkeys(fields, 1) if fields else None).to_list(None)


async def require_job_still_active(ctx: Context, job_id: str) -> None:
    """409 "Job is finished" if the job is, by now, in a terminal state: for work that outlasts the request's
    authentication (a long upload), read afresh from the store."""
    document = await ctx.db.jobs.find_one({"_id": job_id}, {"state": 1})
    rights.require_active(document or {"state": JobState.TERMINATED.value})


async def get_job(ctx: Context, job: dict[str, Any], job_id: str) -> Job:
    """The calling job's own document: read once, when this request authenticated it."""
    rights.require_self(job, job_id)
    return await render_job(ctx, job)


async def ping_job(ctx: Context, job: dict[str, Any], job_id: str) -> JobPing:
    """Pings succeed even for a finished job: a ping in flight must not fail a job that just completed."""
    rights.require_self(job, job_id)
    ping = {"pinged_at": utc_now()}
    result = await ctx.db.jobs.update_one({"_id": job_id}, {"$set": {"ping": ping}})
    if result.matched_count == 0:
        raise NotFound()
    return JobPing.model_validate(ping)


async def report_status(
    ctx: Context, credentials: JobCredentials, job_id: str, report: ReportStatusRequest
) -> JobStatusEntry:
    """Record the job's report in one conditional update that also authenticates it: its key's hash is in
    the condition, beside "not finished". Matched, `credentials.job` is the job as it is now. Not matched,
    this says 404 and the job API's authentication (`auth.py`), which reads the job for any error, answers
    401 for another key or no such job and 409 for a finished one before it."""
    if credentials.job_id != job_id:
        raise InsufficientRights()  # a job's key opens its own job document and nothing else
    if report.state not in STATES_A_JOB_MAY_REPORT:
        raise INVALID_STATE
    if report.state == JobState.ERROR and report.error is None:
        raise MISSING_ERROR
    entry = status_entry(
        report.state,
        report.progress,
        stage=report.stage,
        step_name=report.step_name,
        step_description=report.step_description,
        error=report.error.model_dump() if report.error else None,
    )
    document, read = await record_status(
        ctx,
        job_id,
        {"key": hash_key(credentials.key), "state": UNFINISHED},
        entry,
        {"state": entry["state"], "progress": entry["progress"], "stage": entry["stage"]},
        REPORTED_JOB,
        ctx.events.job_state_steps,
    )
    if document is None:
        raise NotFound()
    credentials.job = document
    await ctx.events.emit_job_state_changed(ctx, document, entry["state"], entry["error"], read)
    return JobStatusEntry.model_validate(entry)


async def time_out_stale_jobs(ctx: Context, now: datetime | None = None) -> int:
    """Move preparing or running jobs not pinged within the timeout to `timeout`; returns how many."""
    now = now or utc_now()
    cutoff = now - timedelta(seconds=ctx.config.job_ping_timeout)
    stale = ctx.db.jobs.find({"state": {"$in": ACTIVE_STATES}, "ping.pinged_at": {"$lt": cutoff}}, {"_id": 1})
    timed_out = 0
    async for document in stale:
        entry = status_entry(JobState.TIMEOUT, 0)
        entry["timestamp"] = now
        timed_out_job, read = await record_status(
            ctx,
            document["_id"],
            # The same condition again: a ping or status that arrived meanwhile keeps the job alive.
            {"state": {"$in": ACTIVE_STATES}, "ping.pinged_at": {"$lt": cutoff}},
            entry,
            {"state": JobState.TIMEOUT.value},
            follow=ctx.events.job_state_steps,
        )
        if timed_out_job is not None:
            timed_out += 1
            await ctx.events.emit_job_state_changed(ctx, timed_out_job, JobState.TIMEOUT.value, None, read)
    return timed_out


# Public API: a user sees and cancels their own jobs; an administrator, everyone's.

LISTED_FIELDS = {name: 1 for name in JobMinimal.model_fields if name != "id"}
"""What a listing shows of a job (`JobMinimal`; its `id` is `_id`): read without its status history."""

CANCELLABLE_STATES = [JobState.WAITING.value, JobState.PREPARING.value, JobState.RUNNING.value]


def jobs_visible_to(user: dict[str, Any]) -> dict[str, Any]:
    """The jobs `user` may see: all for an administrator, else their own."""
    return {} if user.get("administrator") else {"user.id": user["_id"]}


async def _job_for_user(ctx: Context, user: dict[str, Any], job_id: str) -> dict[str, Any]:
    document = await ctx.db.jobs.find_one({"_id": job_id})
    if document is None:
        raise NotFound()
    require_owner_or_administrator(user, document)
    return document


async def find_jobs(
    ctx: Context,
    user: dict[str, Any],
    page: int,
    per_page: int,
    state: str | None = None,
    workflow: str | None = None,
) -> JobSearchResult:
    """The caller's jobs (an administrator's: all), newest first, filtered by state and workflow: the page and
    its counts in one round trip."""
    read = await run_steps(ctx.db, _page_steps(user, page, per_page, state, workflow))
    return jobs_page(page, per_page, read)


def jobs_page_read(user: dict[str, Any], query: JobSearchQuery) -> Steps[Listed]:
    """What `find_jobs` reads, as steps: `GET /jobs` reads it in the round trip that authenticates the caller
    (`reads=`)."""
    state = query.state.value if query.state else None
    return (yield from _page_steps(user, query.page, query.per_page, state, query.workflow))


def _page_steps(
    user: dict[str, Any], page: int, per_page: int, state: str | None, workflow: str | None
) -> Steps[Listed]:
    visible = jobs_visible_to(user)
    found = {
        **visible,
        **({"state": state} if state else {}),
        **({"workflow": workflow} if workflow else {}),
    }
    return (yield from page_steps("jobs", found, visible, page, per_page, LISTED_FIELDS))


def jobs_page(page: int, per_page: int, read: Listed) -> JobSearchResult:
    """The page `jobs_page_read` read, as the listing shows it."""
    documents, found_count, total_count = read
    for document in documents:  # read for this page alone: named as shown in place of a copy each
        document["id"] = document["_id"]
    return JobSearchResult.model_validate(
        {
            "documents": documents,
            "found_count": found_count,
            "total_count": total_count,
            "page": page,
            "page_count": page_count(found_count, per_page),
            "per_page": per_page,
        }
    )


async def get_job_for_user(ctx: Context, user: dict[str, Any], job_id: str) -> Job:
    """The job document; never its key hash (`Job` has no such field)."""
    return await render_job(ctx, await _job_for_user(ctx, user, job_id))


async def cancel_job(ctx: Context, user: dict[str, Any], job_id: str) -> Job:
    """Move a waiting, preparing or running job to `cancelled`, in one conditional update.

    Its id is published on Redis `channel:cancel` for the runner running it; that runner also notices at its
    next call (the key can change nothing more) and removes the unfinalized
    sample or analysis the job was creating.
    """
    await _job_for_user(ctx, user, job_id)
    document = await cancel_unfinished_job(ctx, job_id)
    if document is None:
        raise NOT_CANCELLABLE
    return await render_job(ctx, document)


async def cancel_unfinished_job(ctx: Context, job_id: str) -> dict[str, Any] | None:
    """Move a waiting, preparing or running job to `cancelled` in one conditional update, tell what follows
    the job and its runner; the cancelled job, or None if it does not exist or had already finished."""
    current = await ctx.db.jobs.find_one({"_id": job_id}, {"progress": 1, "stage": 1})
    if current is None:
        return None
    entry = status_entry(JobState.CANCELLED, current.get("progress", 0), stage=current.get("stage"))
    document, read = await record_status(
        ctx,
        job_id,
        {"state": {"$in": CANCELLABLE_STATES}},
        entry,
        {"state": entry["state"]},
        follow=ctx.events.job_state_steps,
    )
    if document is not None:
        await ctx.events.emit_job_state_changed(ctx, document, JobState.CANCELLED.value, None, read)
        await announce_cancel(ctx, job_id)
    return document


async def withdraw_job(ctx: Context, job_id: str) -> None:
    """Take back a job made for work that was undone before its creator answered: deleted while no runner has
    acquired it (a runner that heard of it through Redis then gets 404 on acquire), cancelled once one has."""
    if (await ctx.db.jobs.delete_one({"_id": job_id, "acquired": False, "state": "waiting"})).deleted_count:
        await remove_history(ctx, job_id)
        return
    await cancel_unfinished_job(ctx, job_id)


async def waiting_for_runner(ctx: Context, workflow: str) -> tuple[int, datetime | None]:
    """How many jobs of `workflow` wait for a runner to acquire them, and when the oldest was made."""
    waiting = {"state": JobState.WAITING.value, "acquired": False, "workflow": workflow}
    oldest = await ctx.db.jobs.find_one(waiting, {"created_at": 1}, sort=[("created_at", 1)])
    if oldest is None:
        return 0, None
    return await ctx.db.jobs.count_documents(waiting), oldest["created_at"]


async def count_by_state(db: Any) -> dict[str, int]:
    """How many jobs are in each state (every state named, zero included)."""
    counts = await asyncio.gather(*(db.jobs.count_documents({"state": state.value}) for state in JobState))
    return {state.value: count for state, count in zip(JobState, counts, strict=True)}
