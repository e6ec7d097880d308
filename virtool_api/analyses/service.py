"""Analysis rules for people and scripts, whose rights on an analysis are their rights on its sample."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pymongo import ReturnDocument

from virtool_api.analyses.documents import (
    ShownAnalysis,
    create_analysis,
    file_rows,
    render_analysis,
    show_analysis,
    update_sample_workflows,
)
from virtool_api.analyses.files import analysis_file_path, purge_analysis_files
from virtool_api.analyses.models import (
    Analysis,
    AnalysisMinimal,
    AnalysisSearchQuery,
    AnalysisSearchResult,
)
from virtool_api.analyses.sample_access import FIELD as SAMPLE_ACCESS
from virtool_api.analyses.sample_access import PREFIX as SAMPLE_ACCESS_PREFIX
from virtool_api.analyses.sample_access import sync_sample_access
from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, InsufficientRights, NotFound
from virtool_api.jobs.models import TERMINAL_STATES
from virtool_api.jobs.service import create_job, find_job, withdraw_job
from virtool_api.jobs.summary import JobSummaryFields, job_summaries_steps, summary_of
from virtool_api.listing import page_steps
from virtool_api.pagination import page_count
from virtool_api.references.otus import visible_reference
from virtool_api.references.service import newest_ready_index
from virtool_api.samples.access import (
    listing_query_steps,
    readable_sample,
    rights_of,
    sample_for_rights_steps,
    writable_sample,
)
from virtool_api.samples.rights import SampleRights
from virtool_api.samples.workflows import workflow_compatible
from virtool_api.storage.steps import FindOne, Steps, run_steps
from virtool_api.subtractions.service import existing_subtractions

SAMPLE_NOT_READY = BadRequest.declare("Sample is not ready")
INCOMPATIBLE_WORKFLOW = BadRequest.declare("Workflow is incompatible with the sample's library type")
REFERENCE_MISSING = BadRequest.declare("Reference does not exist")
NO_READY_INDEX = BadRequest.declare("No ready index")
PARENT_SAMPLE_MISSING = BadRequest.declare("Parent sample does not exist")
"""An analysis whose sample is gone (removed while the analysis was being read)."""
ANALYSIS_RUNNING = Conflict.declare("Analysis is still running")
"""409 for what needs a finished analysis: removing it while its job may write to it, its report, a BLAST."""


async def readable_analyses_filter(ctx: Context, user: dict[str, Any]) -> dict[str, Any]:
    """Analyses of the samples the caller may see in listings: the samples' rule (`readable_query`) over each
    analysis's copy of its sample's rights fields (`access.py`), so its cost is not the number of samples."""
    return await run_steps(ctx.db, readable_analyses_steps(user))


def readable_analyses_steps(user: dict[str, Any]) -> Steps[dict[str, Any]]:
    """`readable_analyses_filter` as steps, to go with the listing in one round trip."""
    return (yield from listing_query_steps(user, prefix=SAMPLE_ACCESS_PREFIX))


async def _analysis_page(
    ctx: Context,
    visible: dict[str, Any] | Steps[dict[str, Any]],
    filters: dict[str, Any],
    page: int,
    per_page: int,
) -> AnalysisSearchResult:
    """A page of the analyses `visible` (a filter, or the steps that make it) and `filters` match, its counts
    and its jobs, in one round trip."""
    return analyses_page(
        page, per_page, await run_steps(ctx.db, _page_steps(visible, filters, page, per_page))
    )


AnalysesPageRead = tuple[list[dict[str, Any]], int, int, dict[str, JobSummaryFields]]
"""What a page of analyses is shown from: its documents, `found_count`, `total_count` and jobs."""


def analyses_page_read(user: dict[str, Any], query: AnalysisSearchQuery) -> Steps[AnalysesPageRead]:
    """What `find_analyses` reads, as steps: `GET /analyses` reads it in the round trip that authenticates
    the caller (`reads=`)."""
    filters = _search_filters(query.workflow, query.ready)
    return (yield from _page_steps(readable_analyses_steps(user), filters, query.page, query.per_page))


def analyses_page(page: int, per_page: int, read: AnalysesPageRead) -> AnalysisSearchResult:
    """The page `_page_steps` read, as the listing shows it."""
    documents, found_count, total_count, jobs = read
    return AnalysisSearchResult(
        documents=[
            AnalysisMinimal.model_validate(
                {**document, "id": document["_id"], "job": summary_of(document, jobs)}
            )
            for document in documents
        ],
        found_count=found_count,
        total_count=total_count,
        page=page,
        page_count=page_count(found_count, per_page),
        per_page=per_page,
    )


def _page_steps(
    visible: dict[str, Any] | Steps[dict[str, Any]], filters: dict[str, Any], page: int, per_page: int
) -> Steps[AnalysesPageRead]:
    if not isinstance(visible, dict):
        visible = yield from visible
    documents, found_count, total_count = yield from page_steps(
        "analyses", {**visible, **filters}, visible, page, per_page, {"results": 0}
    )
    jobs = yield from job_summaries_steps(documents)
    return documents, found_count, total_count, jobs


def _search_filters(workflow: str | None, ready: bool | None) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if workflow is not None:
        filters["workflow"] = workflow
    if ready is not None:
        filters["ready"] = ready
    return filters


async def find_analyses(
    ctx: Context,
    user: dict[str, Any],
    page: int,
    per_page: int,
    workflow: str | None = None,
    ready: bool | None = None,
) -> AnalysisSearchResult:
    """The analyses of every sample the caller may list, newest first; counts are after the rights filter."""
    visible = readable_analyses_steps(user)
    return await _analysis_page(ctx, visible, _search_filters(workflow, ready), page, per_page)


async def find_sample_analyses(
    ctx: Context,
    user: dict[str, Any],
    sample_id: str,
    page: int,
    per_page: int,
    workflow: str | None = None,
    ready: bool | None = None,
) -> AnalysisSearchResult:
    """The analyses of one sample the caller may read, newest first."""
    await readable_sample(ctx, user, sample_id)
    return await _analysis_page(
        ctx, {"sample.id": sample_id}, _search_filters(workflow, ready), page, per_page
    )


async def start_analysis(
    ctx: Context,
    user: dict[str, Any],
    sample_id: str,
    workflow: str,
    ref_id: str,
    subtraction_ids: list[str],
) -> Analysis:
    """Analyse a finalized sample with the newest ready index of a reference: the analysis and its job.

    Needs the write right on the sample. The job's args name what it may touch (job protocol).

    A start can race the sample's removal, which deletes the sample and then (`sample_removed`) every analysis
    of it. Each side writes before it reads what the other writes: the start inserts the analysis (1), then
    looks for the sample again (2), then makes the job (3) and links it to the analysis (4). So:

    - the sample is gone at (2): its removal may have swept the analyses before (1); the start removes its own
      analysis and answers 404;
    - the sample is there at (2): its removal, if any, deletes it later, so its sweep comes after (1) and
      takes this analysis. If that happens before (4), linking finds no analysis: the job is withdrawn
      (deleted, or cancelled if a runner already acquired it) and the start answers 404;
    - the sweep comes after (4): the start answers 201, and the analysis goes with its sample like any other,
      its job cancelled (`lifecycle.remove_analyses_of_sample`).

    Never an analysis without its sample, never a 500: 201 or 404.
    """
    sample = await writable_sample(ctx, user, sample_id)
    if not sample.get("ready"):
        raise SAMPLE_NOT_READY
    if not workflow_compatible(sample.get("library_type", "normal"), workflow):
        raise INCOMPATIBLE_WORKFLOW
    reference = await visible_reference(ctx, ref_id)
    if reference is None:
        raise REFERENCE_MISSING
    index = await newest_ready_index(ctx, ref_id)
    if index is None:
        raise NO_READY_INDEX
    subtractions = await existing_subtractions(ctx, subtraction_ids)

    owner = {"id": user["_id"], "handle": user["handle"]}
    analysis = await create_analysis(
        ctx,
        sample=sample,
        workflow=workflow,
        reference=reference,
        index=index,
        subtractions=subtractions,
        user=owner,
    )
    # (2): also brings the new analysis's copy of the sample's rights fields up to date (`access.py`).
    if not await sync_sample_access(ctx, sample_id):
        await ctx.db.analyses.delete_one({"_id": analysis["_id"]})
        raise NotFound()
    job = await create_job(
        ctx,
        workflow,
        {
            "analysis_id": analysis["_id"],
            "sample_id": sample_id,
            "ref_id": ref_id,
            "index_id": index["_id"],
            "subtractions": [subtraction["_id"] for subtraction in subtractions],
        },
        owner,
    )
    document = await ctx.db.analyses.find_one_and_update(
        {"_id": analysis["_id"]},
        {"$set": {"job": {"id": job["_id"]}}},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await withdraw_job(ctx, job["_id"])
        raise NotFound()
    await update_sample_workflows(ctx, sample_id)
    await ctx.changes.publish("analyses", document["_id"], "create", {"sample": document.get(SAMPLE_ACCESS)})
    return await render_analysis(ctx, document)


async def analysis_with_rights(
    ctx: Context, user: dict[str, Any], analysis_id: str, not_found: type[NotFound] = NotFound
) -> tuple[dict[str, Any], SampleRights]:
    """The analysis and the caller's rights on it, in the spec's order: 404, then 400 for a lost sample.

    Analyses inherit their sample's rights. `not_found` is the 404 (BLAST's table says "Analysis not found"
    where the others say "Not found").
    """
    analysis, sample, _ = await run_steps(ctx.db, _analysis_and_sample(user, analysis_id, with_job=False))
    return _found(analysis, not_found), await rights_of(ctx, user, _sample_found(sample))


def _analysis_and_sample(
    user: dict[str, Any], analysis_id: str, with_job: bool
) -> Steps[tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, JobSummaryFields]]]:
    """The analysis and its sample as far as `user`'s rights read it (`sample_for_rights_steps`), and its
    job's summary `with_job`: one round trip."""
    analysis = yield FindOne("analyses", {"_id": analysis_id})
    if analysis is None:
        return None, None, {}
    sample = yield from sample_for_rights_steps(user, analysis["sample"]["id"])
    jobs = (yield from job_summaries_steps([analysis])) if with_job else {}
    return analysis, sample, jobs


def _found(analysis: dict[str, Any] | None, not_found: type[NotFound] = NotFound) -> dict[str, Any]:
    if analysis is None:
        raise not_found
    return analysis


def _sample_found(sample: dict[str, Any] | None) -> dict[str, Any]:
    if sample is None:
        raise PARENT_SAMPLE_MISSING
    return sample


StoredAnalysis = tuple[
    dict[str, Any] | None, dict[str, Any] | None, dict[str, JobSummaryFields], list[Sequence[Any]] | None
]
"""The analysis, its sample, its job's summary and its `file_rows`, each None if missing."""


def analysis_read(user: dict[str, Any], analysis_id: str) -> Steps[StoredAnalysis]:
    """What showing an analysis with its results to `user` reads (the analysis, its sample as far as their
    rights read it, its job's summary and its file records): one round trip on the embedded stores (read
    before the caller's rights are asked, and shown only after), steps so `GET /analyses/{id}` reads it in
    the round trip that authenticates the caller (`reads=`)."""
    analysis, sample, jobs = yield from _analysis_and_sample(user, analysis_id, with_job=True)
    rows = (yield file_rows(analysis)) if analysis is not None else None
    return analysis, sample, jobs, rows


async def shown_analysis(ctx: Context, user: dict[str, Any], read: StoredAnalysis) -> ShownAnalysis:
    """The analysis `analysis_read` read, with its results, if the caller may read its sample."""
    found, sample, jobs, rows = read
    analysis = _found(found)
    if not (await rights_of(ctx, user, _sample_found(sample))).read:
        raise InsufficientRights()
    return await show_analysis(ctx, analysis, jobs, rows)


async def remove_analysis(ctx: Context, user: dict[str, Any], analysis_id: str) -> None:
    """Remove an analysis, its files and their records; not while its job may still write to it.

    An unfinalized analysis whose job is in a terminal state (or has no job) can go: a terminal state is
    final, and a finished job's key can no longer upload or finalize.
    """
    analysis, sample_rights_ = await analysis_with_rights(ctx, user, analysis_id)
    if not sample_rights_.write:
        raise InsufficientRights()
    if not analysis["ready"] and analysis.get("job"):
        job = await find_job(ctx, analysis["job"]["id"], "state")
        if job is not None and job["state"] not in TERMINAL_STATES:
            raise ANALYSIS_RUNNING
    result = await ctx.db.analyses.delete_one({"_id": analysis_id})
    if result.deleted_count == 0:
        raise NotFound()
    await purge_analysis_files(ctx, analysis_id)
    await update_sample_workflows(ctx, analysis["sample"]["id"])
    await ctx.changes.publish("analyses", analysis_id, "delete", {"sample": analysis.get(SAMPLE_ACCESS)})


async def analysis_file_path_for_user(
    ctx: Context, user: dict[str, Any], analysis_id: str, file_id: str
) -> Path:
    analysis, sample_rights_ = await analysis_with_rights(ctx, user, analysis_id)
    if not sample_rights_.read:
        raise InsufficientRights()
    return await analysis_file_path(ctx, analysis["_id"], file_id)
