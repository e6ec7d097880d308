"""A sample while its create-sample job builds it: what the job reads, finalizes or removes, and the
`status` that follows the job's state."""

import asyncio
from typing import Any

from pymongo import ReturnDocument

from virtool_api.context import Context
from virtool_api.errors import Conflict
from virtool_api.jobs import rights
from virtool_api.jobs.models import JobState, Workflow
from virtool_api.samples.access import find_sample
from virtool_api.samples.documents import render_sample
from virtool_api.samples.files import purge_sample_files
from virtool_api.samples.models import (
    SAMPLE_FINALIZED,
    Quality,
    Sample,
    SampleStatus,
)
from virtool_api.storage.limits import check_storable
from virtool_api.uploads.reservations import release_uploads
from virtool_api.utils import collection_paused, utc_now

SAMPLE_IS_FINALIZED = Conflict.declare("Sample is finalized")
"""Only an unfinalized sample can be removed by its job (a failing create-sample job cleaning up)."""


async def get_sample_for_job(ctx: Context, job: dict[str, Any], sample_id: str) -> Sample:
    rights.require_sample_read(job, sample_id)
    return await render_sample(ctx, await find_sample(ctx, sample_id))


async def finalize_sample(ctx: Context, job: dict[str, Any], sample_id: str, quality: Quality) -> Sample:
    """Set `quality` and `ready: true` in one conditional update: of two racing finalizes, one wins.

    A quality a document store could not hold (`storage/limits.py`: integers past 64 bits, NaN, over 16 MiB)
    is refused before anything is stored (422 naming the path).
    """
    rights.require_sample_write(job, sample_id)
    with collection_paused():
        measured = quality.model_dump()
    await asyncio.to_thread(check_storable, measured, "quality")
    now = utc_now()
    document = await ctx.db.samples.find_one_and_update(
        {"_id": sample_id, "ready": False},
        {
            "$set": {
                "ready": True,
                "quality": measured,
                "status": "available",
                "updated_at": now,
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await find_sample(ctx, sample_id)
        raise SAMPLE_FINALIZED
    return await render_sample(ctx, document)


async def remove_unfinalized_sample(ctx: Context, job: dict[str, Any], sample_id: str) -> None:
    """The clean-up a failing create-sample job sends; allowed even once the job has finished (the route
    is declared `finished_job=True`)."""
    rights.require_sample_write(job, sample_id)
    result = await ctx.db.samples.delete_one({"_id": sample_id, "ready": False})
    if result.deleted_count == 0:
        await find_sample(ctx, sample_id)
        raise SAMPLE_IS_FINALIZED
    await purge_sample_files(ctx, sample_id)
    # The uploads it was being made of are free again: the user may retry or remove them.
    await release_uploads(ctx, sample_id, [file["id"] for file in (job.get("args") or {}).get("files") or []])


_ENDED_WITHOUT_ERROR_REPORT = {
    JobState.CANCELLED: "The import was cancelled",
    JobState.TERMINATED: "The import was terminated",
    JobState.TIMEOUT: "The import job stopped responding",
}


def _error_message(state: str, error: dict[str, Any] | None) -> str:
    if state in _ENDED_WITHOUT_ERROR_REPORT:
        return _ENDED_WITHOUT_ERROR_REPORT[JobState(state)]
    if not error:
        return "Sample creation failed"
    details = "; ".join(str(detail) for detail in error.get("details") or [])
    return f"{error.get('type')}: {details}" if details else str(error.get("type"))


async def follow_create_sample_job(
    ctx: Context, job: dict[str, Any], state: str, error: dict[str, Any] | None
) -> None:
    """A sample's status follows its create-sample job: `importing` once the job is `preparing` (acquired),
    `failed_validation` (with `error_msg`) when it ends without finalizing the sample
    (`error`, `cancelled`, `terminated`, `timeout`); finalizing makes it `available`. Called by
    `jobs.service` after each recorded change of a job's state.

    A job leaves `waiting` only by being acquired, which records `preparing` and calls this before its runner
    has the key it reports with, and a sample never returns to `awaiting_data`: by a runner's first report the
    sample is importing (or further), so its `running` reports (nearly every post) ask for no update that
    could not match.
    """
    if job.get("workflow") != Workflow.CREATE_SAMPLE:
        return
    sample_id = (job.get("args") or {}).get("sample_id")
    if sample_id is None:
        return
    if state == JobState.PREPARING:
        await ctx.db.samples.update_one(
            {"_id": sample_id, "ready": False, "status": SampleStatus.AWAITING_DATA.value},
            {"$set": {"status": SampleStatus.IMPORTING.value, "updated_at": utc_now()}},
        )
    elif state in (JobState.ERROR, *_ENDED_WITHOUT_ERROR_REPORT):
        await ctx.db.samples.update_one(
            {"_id": sample_id, "ready": False},
            {
                "$set": {
                    "status": SampleStatus.FAILED_VALIDATION.value,
                    "error_msg": _error_message(state, error),
                    "updated_at": utc_now(),
                }
            },
        )
