"""An analysis while its job works on it: what the job reads, finalizes or removes; and analyses going with
their sample."""

import asyncio
from functools import partial
from typing import Any

from pymongo import ReturnDocument

from virtool_api.analyses.documents import (
    ShownAnalysis,
    find_analysis,
    show_analysis,
    update_sample_workflows,
)
from virtool_api.analyses.files import purge_analysis_files
from virtool_api.analyses.models import ANALYSIS_FINALIZED
from virtool_api.analyses.results import check_workflow_results
from virtool_api.analyses.stored_results import write_results
from virtool_api.context import Context
from virtool_api.errors import Conflict
from virtool_api.jobs import rights
from virtool_api.jobs.service import cancel_unfinished_job
from virtool_api.storage.limits import check_storable
from virtool_api.utils import utc_now

ALREADY_FINALIZED = Conflict.declare("There is already a result for this analysis")


async def get_analysis_for_job(ctx: Context, job: dict[str, Any], analysis_id: str) -> ShownAnalysis:
    rights.require_analysis(job, analysis_id)
    return await show_analysis(ctx, await find_analysis(ctx, analysis_id))


async def finalize_analysis(
    ctx: Context, job: dict[str, Any], analysis_id: str, results: dict[str, Any]
) -> ShownAnalysis:
    """Store `results` and set `ready: true` in one conditional update: of racing finalizes, exactly one wins.

    Results a document store could not hold (`storage/limits.py`), and NuVs results without the workflow's
    shape (`results.py`: BLAST relies on it), are refused before anything is stored (422 naming the path).
    The results go to a file of their own first (`stored_results.py`); the update points the analysis at it,
    and a finalize that loses removes its file, so only the winner's remains.
    """
    rights.require_analysis(job, analysis_id)
    analysis = await find_analysis(ctx, analysis_id)
    if analysis["ready"]:
        raise ALREADY_FINALIZED
    # Kept in a file, not the document: results may be as large as a JSON body (`--max-json-size`).
    await asyncio.to_thread(partial(check_storable, max_bytes=None), results, "results")
    await asyncio.to_thread(check_workflow_results, analysis["workflow"], results)
    stored = await write_results(ctx, analysis_id, analysis["workflow"], results)
    # Should the update itself fail, the file stays: it may be pointed at, and goes with the analysis anyway.
    document = await ctx.db.analyses.find_one_and_update(
        {"_id": analysis_id, "ready": False},
        {"$set": {"ready": True, "results_file": stored.pointer, "updated_at": utc_now()}},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await ctx.files.remove(stored.path)
        await find_analysis(ctx, analysis_id)
        raise ALREADY_FINALIZED
    await update_sample_workflows(ctx, document["sample"]["id"])
    return await show_analysis(ctx, document)


async def remove_unfinalized_analysis(ctx: Context, job: dict[str, Any], analysis_id: str) -> None:
    """The clean-up a failing analysis job sends; allowed even once the job has finished (the route is
    declared `finished_job=True`)."""
    rights.require_analysis(job, analysis_id)
    analysis = await ctx.db.analyses.find_one_and_delete({"_id": analysis_id, "ready": False})
    if analysis is None:
        await find_analysis(ctx, analysis_id)
        raise ANALYSIS_FINALIZED
    await purge_analysis_files(ctx, analysis_id)
    await update_sample_workflows(ctx, analysis["sample"]["id"])


async def remove_analyses_of_sample(ctx: Context, sample_id: str) -> None:
    """Follows a sample's removal (`sample_removed`): its analyses go, with their files and BLAST records, and
    the jobs still working on them are cancelled.

    One at a time, each deleted document in hand, so that an analysis started while the sample was being
    removed is taken too (see `service.start_analysis`).
    """
    while analysis := await ctx.db.analyses.find_one_and_delete({"sample.id": sample_id}):
        await purge_analysis_files(ctx, analysis["_id"])
        if analysis.get("job"):
            await cancel_unfinished_job(ctx, analysis["job"]["id"])
