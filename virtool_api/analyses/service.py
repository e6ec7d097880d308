"""Analysis rules: creating, rendering, finalizing and removing analyses and their result files."""

import copy
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pymongo import ReturnDocument
from sqlalchemy import delete, select

from virtool_api.analyses.models import (
    Analysis,
    AnalysisFormat,
    AnalysisMinimal,
    AnalysisSearchResult,
)
from virtool_api.analyses.models import AnalysisFile as AnalysisFileModel
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.blast.records import attach_blasts, delete_blasts
from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, InsufficientRights, NotFound
from virtool_api.jobs import rights
from virtool_api.jobs.models import TERMINAL_STATES
from virtool_api.jobs.service import create_job
from virtool_api.pagination import page_count, skip
from virtool_api.references.service import existing_subtractions, newest_ready_index
from virtool_api.samples.access import listing_query, rights_of, writable_sample
from virtool_api.samples.rights import SampleRights
from virtool_api.samples.service import workflow_compatible, workflow_fields
from virtool_api.storage.files import check_file_name
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.placement import record_then_place
from virtool_api.utils import record_id, utc_now

ANALYSIS_FINALIZED = "Analysis is finalized"

_FORMAT_BY_EXTENSION = {
    ".sam": "sam",
    ".bam": "bam",
    ".fa": "fasta",
    ".fasta": "fasta",
    ".fna": "fasta",
    ".fq": "fastq",
    ".fastq": "fastq",
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
}


def analysis_file_format(name: str, requested: str | None) -> str:
    """The requested format, or when none is given the one the file name's extension implies."""
    if requested is None:
        stem = name.removesuffix(".gz")
        requested = _FORMAT_BY_EXTENSION.get(Path(stem).suffix.lower())
    if requested not in set(AnalysisFormat):
        raise BadRequest("Unsupported analysis file format")
    return requested


async def create_analysis(
    ctx: Context,
    *,
    sample: dict[str, Any],
    workflow: str,
    reference: dict[str, Any],
    index: dict[str, Any],
    subtractions: list[dict[str, Any]],
    user: dict[str, str],
) -> dict[str, Any]:
    """A new analysis (`ready: false`) of a finalized sample; the caller creates its job."""
    now = utc_now()
    return await insert_with_random_id(
        ctx.db.analyses,
        {
            "created_at": now,
            "updated_at": now,
            "workflow": workflow,
            "ready": False,
            "sample": {"id": sample["_id"], "name": sample["name"]},
            "index": {"id": index["_id"], "version": index["version"]},
            "reference": {
                "id": reference["_id"],
                "name": reference["name"],
                "data_type": reference.get("data_type", "genome"),
            },
            "subtractions": [{"id": s["_id"], "name": s["name"]} for s in subtractions],
            "user": {"id": user["id"], "handle": user["handle"]},
            "job": None,
            "ml": None,
            "results": None,
        },
    )


def _file_model(row: AnalysisFile) -> AnalysisFileModel:
    return AnalysisFileModel.model_validate(row, from_attributes=True)


async def render_analysis(ctx: Context, document: dict[str, Any]) -> Analysis:
    async with ctx.sessions() as session:
        rows = (
            await session.scalars(
                select(AnalysisFile).where(AnalysisFile.analysis == document["_id"]).order_by(AnalysisFile.id)
            )
        ).all()
    document = await attach_blasts(ctx, {**document, "results": copy.deepcopy(document.get("results"))})
    return Analysis.model_validate(
        {**document, "id": document["_id"], "files": [_file_model(row) for row in rows]}
    )


async def _find_analysis(ctx: Context, analysis_id: str) -> dict[str, Any]:
    document = await ctx.db.analyses.find_one({"_id": analysis_id})
    if document is None:
        raise NotFound()
    return document


async def get_analysis_for_job(ctx: Context, job: dict[str, Any], analysis_id: str) -> Analysis:
    rights.require_analysis(job, analysis_id)
    return await render_analysis(ctx, await _find_analysis(ctx, analysis_id))


async def upload_analysis_file(
    ctx: Context,
    job: dict[str, Any],
    analysis_id: str,
    name: str,
    requested_format: str | None,
    chunks: AsyncIterator[bytes],
) -> AnalysisFileModel:
    """Stream a result file to `analyses/{id}-{name}`; recorded before it appears under that name."""
    rights.require_analysis(job, analysis_id)
    rights.require_active(job)
    file_format = analysis_file_format(name, requested_format)
    check_file_name(name)
    if (await _find_analysis(ctx, analysis_id))["ready"]:
        raise Conflict(ANALYSIS_FINALIZED)
    already = Conflict("File is already associated with analysis")
    async with ctx.sessions() as session:
        if await session.scalar(
            select(AnalysisFile.id).where(AnalysisFile.analysis == analysis_id, AnalysisFile.name == name)
        ):
            raise already

    async with ctx.files.receive(chunks, ctx.files.analyses_dir()) as incoming:
        row = AnalysisFile(
            analysis=analysis_id,
            description=None,
            format=file_format,
            name=name,
            # The real name needs the row id; the temporary file's name is unique until then.
            name_on_disk=incoming.path.name,
            size=incoming.size,
            uploaded_at=utc_now(),
        )

        def name_on_disk(recorded: AnalysisFile) -> Path:
            recorded.name_on_disk = f"{recorded.id}-{name}"
            return ctx.files.analysis_file_path(recorded.name_on_disk)

        await record_then_place(
            ctx.sessions,
            row,
            incoming,
            name_on_disk,
            already,
            owner_exists=lambda: _analysis_exists(ctx, analysis_id),
        )
    return _file_model(row)


async def _analysis_exists(ctx: Context, analysis_id: str) -> bool:
    return await ctx.db.analyses.count_documents({"_id": analysis_id}, limit=1) > 0


async def analysis_file_path(ctx: Context, analysis_id: str, file_id: str) -> Path:
    """The stored file with that id, only if it belongs to that analysis."""
    if (row_id := record_id(file_id)) is None:
        raise NotFound()
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(AnalysisFile).where(AnalysisFile.id == row_id, AnalysisFile.analysis == analysis_id)
        )
    if row is None:
        raise NotFound()
    path = ctx.files.analysis_file_path(row.name_on_disk)
    if not path.is_file():
        raise NotFound("Uploaded file not found at expected location")
    return path


async def analysis_file_path_for_job(
    ctx: Context, job: dict[str, Any], analysis_id: str, file_id: str
) -> Path:
    rights.require_analysis(job, analysis_id)
    return await analysis_file_path(ctx, analysis_id, file_id)


async def finalize_analysis(
    ctx: Context, job: dict[str, Any], analysis_id: str, results: dict[str, Any]
) -> Analysis:
    """Set `results` and `ready: true` in one conditional update: of racing finalizes, exactly one wins."""
    rights.require_analysis(job, analysis_id)
    rights.require_active(job)
    document = await ctx.db.analyses.find_one_and_update(
        {"_id": analysis_id, "ready": False},
        {"$set": {"ready": True, "results": results, "updated_at": utc_now()}},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await _find_analysis(ctx, analysis_id)
        raise Conflict("There is already a result for this analysis")
    await update_sample_workflows(ctx, document["sample"]["id"])
    return await render_analysis(ctx, document)


async def remove_unfinalized_analysis(ctx: Context, job: dict[str, Any], analysis_id: str) -> None:
    """The clean-up a failing analysis job sends; allowed even once the job has finished."""
    rights.require_analysis(job, analysis_id)
    analysis = await ctx.db.analyses.find_one_and_delete({"_id": analysis_id, "ready": False})
    if analysis is None:
        await _find_analysis(ctx, analysis_id)
        raise Conflict(ANALYSIS_FINALIZED)
    await purge_analysis_files(ctx, analysis_id)
    await update_sample_workflows(ctx, analysis["sample"]["id"])


async def update_sample_workflows(ctx: Context, sample_id: str) -> None:
    """Recompute what a sample shows of its analyses, after one is started, finalized or removed."""
    sample = await ctx.db.samples.find_one({"_id": sample_id}, {"library_type": 1})
    if sample is None:
        return
    analyses = await ctx.db.analyses.find({"sample.id": sample_id}, {"workflow": 1, "ready": 1}).to_list(None)
    await ctx.db.samples.update_one(
        {"_id": sample_id}, {"$set": workflow_fields(sample.get("library_type", "normal"), analyses)}
    )


async def purge_analysis_files(ctx: Context, analysis_id: str) -> None:
    """Drop a removed analysis's SQL records (its files and BLASTs), then its files on disk."""
    await delete_blasts(ctx, analysis_id)
    async with ctx.sessions() as session:
        rows = (
            await session.scalars(
                delete(AnalysisFile)
                .where(AnalysisFile.analysis == analysis_id)
                .returning(AnalysisFile.name_on_disk)
            )
        ).all()
        await session.commit()
    for name_on_disk in rows:
        await ctx.files.remove(ctx.files.analysis_file_path(name_on_disk))


# Public API: people and scripts, whose rights on an analysis are their rights on its sample.


async def _readable_analyses_filter(ctx: Context, user: dict[str, Any]) -> dict[str, Any]:
    """Analyses of the samples the caller may see in listings (`readable_query`)."""
    if user.get("administrator"):
        return {}
    query = await listing_query(ctx, user)
    sample_ids = [sample["_id"] async for sample in ctx.db.samples.find(query, {"_id": 1})]
    return {"sample.id": {"$in": sample_ids}}


async def _analysis_page(
    ctx: Context, visible: dict[str, Any], filters: dict[str, Any], page: int, per_page: int
) -> AnalysisSearchResult:
    found = {**visible, **filters}
    documents = (
        await ctx.db.analyses.find(found, {"results": 0})
        .sort([("created_at", -1), ("_id", -1)])
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    found_count = await ctx.db.analyses.count_documents(found)
    return AnalysisSearchResult(
        documents=[
            AnalysisMinimal.model_validate({**document, "id": document["_id"]}) for document in documents
        ],
        found_count=found_count,
        total_count=await ctx.db.analyses.count_documents(visible),
        page=page,
        page_count=page_count(found_count, per_page),
        per_page=per_page,
    )


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
    visible = await _readable_analyses_filter(ctx, user)
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
    sample = await ctx.db.samples.find_one({"_id": sample_id})
    if sample is None:
        raise NotFound()
    if not (await rights_of(ctx, user, sample)).read:
        raise InsufficientRights()
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
    """
    sample = await writable_sample(ctx, user, sample_id)
    if not sample.get("ready"):
        raise BadRequest("Sample is not ready")
    if not workflow_compatible(sample.get("library_type", "normal"), workflow):
        raise BadRequest("Workflow is incompatible with the sample's library type")
    reference = await ctx.db.references.find_one({"_id": ref_id})
    if reference is None:
        raise BadRequest("Reference does not exist")
    index = await newest_ready_index(ctx, ref_id)
    if index is None:
        raise BadRequest("No ready index")
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
    await update_sample_workflows(ctx, sample_id)
    return await render_analysis(ctx, document)


async def analysis_with_rights(
    ctx: Context, user: dict[str, Any], analysis_id: str, not_found: str | None = None
) -> tuple[dict[str, Any], SampleRights]:
    """The analysis and the caller's rights on it, in the spec's order: 404, then 400 for a lost sample.

    Analyses inherit their sample's rights. `not_found` is the 404 message (BLAST's table says "Analysis not
    found" where the others say "Not found").
    """
    analysis = await ctx.db.analyses.find_one({"_id": analysis_id})
    if analysis is None:
        raise NotFound(not_found)
    sample = await ctx.db.samples.find_one({"_id": analysis["sample"]["id"]})
    if sample is None:
        raise BadRequest("Parent sample does not exist")
    return analysis, await rights_of(ctx, user, sample)


async def get_analysis_for_user(ctx: Context, user: dict[str, Any], analysis_id: str) -> Analysis:
    analysis, sample_rights_ = await analysis_with_rights(ctx, user, analysis_id)
    if not sample_rights_.read:
        raise InsufficientRights()
    return await render_analysis(ctx, analysis)


async def remove_analysis(ctx: Context, user: dict[str, Any], analysis_id: str) -> None:
    """Remove an analysis, its files and their records; not while its job may still write to it.

    An unfinalized analysis whose job is in a terminal state (or has no job) can go: a terminal state is
    final, and a finished job's key can no longer upload or finalize.
    """
    analysis, sample_rights_ = await analysis_with_rights(ctx, user, analysis_id)
    if not sample_rights_.write:
        raise InsufficientRights()
    if not analysis["ready"] and analysis.get("job"):
        job = await ctx.db.jobs.find_one({"_id": analysis["job"]["id"]}, {"state": 1})
        if job is not None and job["state"] not in TERMINAL_STATES:
            raise Conflict("Analysis is still running")
    result = await ctx.db.analyses.delete_one({"_id": analysis_id})
    if result.deleted_count == 0:
        raise NotFound()
    await purge_analysis_files(ctx, analysis_id)
    await update_sample_workflows(ctx, analysis["sample"]["id"])


async def analysis_file_path_for_user(
    ctx: Context, user: dict[str, Any], analysis_id: str, file_id: str
) -> Path:
    analysis, sample_rights_ = await analysis_with_rights(ctx, user, analysis_id)
    if not sample_rights_.read:
        raise InsufficientRights()
    return await analysis_file_path(ctx, analysis["_id"], file_id)
