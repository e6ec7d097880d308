"""A job's status history: every state it reported (or the server set for it), oldest first.

Each entry is a small document of its own in `job_statuses` (`{_id: "<job id>.<n>", job, seq: n, state,
progress, timestamp, stage, step_name, step_description, error}`), not a list inside the job: a job's 500th
status post writes as little as its first, and reading a job (every call of its runner authenticates with it)
or a listing never reads its history. The job document keeps its current `state`, `progress` and `stage`,
how many entries it has (`status_count`) and the newest one (`latest_status`).

Recording an entry is one conditional update of the job, which decides atomically whether the change is
allowed and numbers the entry (`$inc` of `status_count`), then the insert of the entry under that number: one
transaction on the embedded store, two operations on MongoDB, where a process stopped between the two leaves
the newest entry in the job document only, and reading the history finds it there. Jobs stored before this
(their history in the document's `status` list) keep that list; entries recorded since follow it.

A job's entries are found by their `_id`s, which all lie between `<job id>.` and `<job id>/` (`/` follows
`.`): the `_id` index every collection has finds them, and the collection keeps no index of its own that every
post would write (an index over `(job, seq)` was, on the embedded store, two more index writes and a check of
the planner's statistics on every post). They are put in order by `seq` once read: one job's few hundred.
"""

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from virtool_api.context import Context
from virtool_api.jobs.models import JobState
from virtool_api.storage.steps import FindOneAndUpdate, InsertOne, Steps, run_steps
from virtool_api.utils import utc_now

ENTRY_FIELDS = ("state", "progress", "timestamp", "stage", "step_name", "step_description", "error")


def history_filter(job_id: str) -> dict[str, Any]:
    """The job's entries, by the `_id` range their ids lie in; `job` keeps it exact whatever ids jobs have."""
    return {"_id": {"$gt": f"{job_id}.", "$lt": f"{job_id}/"}, "job": job_id}


def status_entry(state: JobState, progress: int, **extra: Any) -> dict[str, Any]:
    return {
        "state": state.value,
        "progress": progress,
        "timestamp": utc_now(),
        "stage": extra.get("stage"),
        "step_name": extra.get("step_name"),
        "step_description": extra.get("step_description"),
        "error": extra.get("error"),
    }


def first_status(entry: dict[str, Any]) -> dict[str, Any]:
    """The fields a new job document starts its history with (`store_first_status` then stores the entry)."""
    return {"status_count": 1, "latest_status": entry}


async def store_first_status(ctx: Context, job_id: str, entry: dict[str, Any]) -> None:
    await run_steps(ctx.db, _store(job_id, 1, entry), write=True)


Follow = Callable[[dict[str, Any]], Steps[Any] | None]
"""`(job) -> steps`: what is read with the change, from the job as it left it (None: nothing)."""


async def record_status(
    ctx: Context,
    job_id: str,
    condition: dict[str, Any],
    entry: dict[str, Any],
    changes: dict[str, Any],
    projection: dict[str, Any] | None = None,
    follow: Follow | None = None,
) -> tuple[dict[str, Any] | None, Any]:
    """Add `entry` to the job's history and `$set` `changes`, only if the job matches `condition`: one
    conditional update, then the entry, then the steps `follow` makes from the job (what its followers read,
    `events.Events.job_state_steps`): one hop for all on the embedded store (`storage/steps.py`). Returns the
    job as it is now (as `projection` shapes it, `status_count` kept) and what `follow` read, or `(None,
    None)` when it does not match (nothing recorded)."""
    steps = _record(job_id, condition, entry, changes, projection, follow)
    return await run_steps(ctx.db, steps, write=True)


def _record(
    job_id: str,
    condition: dict[str, Any],
    entry: dict[str, Any],
    changes: dict[str, Any],
    projection: dict[str, Any] | None,
    follow: Follow | None,
) -> Steps[tuple[dict[str, Any] | None, Any]]:
    document = yield FindOneAndUpdate(
        "jobs",
        {"_id": job_id, **condition},
        {"$set": {**changes, "latest_status": entry}, "$inc": {"status_count": 1}},
        projection,
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        return None, None
    yield from _store(job_id, document["status_count"], entry)
    reads = None if follow is None else follow(document)
    return document, None if reads is None else (yield from reads)


def _store(job_id: str, seq: int, entry: dict[str, Any]) -> Steps[None]:
    try:
        yield InsertOne("job_statuses", {"_id": f"{job_id}.{seq}", "job": job_id, "seq": seq, **entry})
    except DuplicateKeyError:
        pass  # numbers are given out once by the job's update: this entry is already stored


async def status_history(ctx: Context, document: dict[str, Any]) -> list[dict[str, Any]]:
    """The job's entries, oldest first: any kept in the document (jobs stored before entries had a collection
    of their own), the stored ones, and the newest if a stopped process did not store it."""
    entries = list(document.get("status") or [])
    count = document.get("status_count") or 0
    if not count:
        return entries
    stored = await ctx.db.job_statuses.find(history_filter(document["_id"]), {"_id": 0, "job": 0}).to_list(
        None
    )
    stored.sort(key=itemgetter("seq"))
    entries.extend({field: entry.get(field) for field in ENTRY_FIELDS} for entry in stored)
    if (not stored or stored[-1]["seq"] < count) and document.get("latest_status"):
        entries.append(document["latest_status"])
    return entries


async def remove_history(ctx: Context, job_id: str) -> None:
    await ctx.db.job_statuses.delete_many(history_filter(job_id))
