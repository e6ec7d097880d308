"""Analysis rules: creating, rendering, finalizing and removing analyses and their result files."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pymongo import ReturnDocument
from sqlalchemy import delete, select

from virtool_api.analyses.models import Analysis, AnalysisFormat
from virtool_api.analyses.models import AnalysisFile as AnalysisFileModel
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, NotFound
from virtool_api.jobs import rights
from virtool_api.storage.files import check_file_name
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.placement import record_then_place
from virtool_api.utils import utc_now

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

        await record_then_place(ctx.sessions, row, incoming, name_on_disk, already)
    return _file_model(row)


async def analysis_file_path(ctx: Context, analysis_id: str, file_id: int) -> Path:
    """The stored file with that id, only if it belongs to that analysis."""
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(AnalysisFile).where(AnalysisFile.id == file_id, AnalysisFile.analysis == analysis_id)
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
    if not file_id.isdigit() or len(file_id) > 18:
        raise NotFound()
    return await analysis_file_path(ctx, analysis_id, int(file_id))


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
    return await render_analysis(ctx, document)


async def remove_unfinalized_analysis(ctx: Context, job: dict[str, Any], analysis_id: str) -> None:
    """The clean-up a failing analysis job sends; allowed even once the job has finished."""
    rights.require_analysis(job, analysis_id)
    result = await ctx.db.analyses.delete_one({"_id": analysis_id, "ready": False})
    if result.deleted_count == 0:
        await _find_analysis(ctx, analysis_id)
        raise Conflict(ANALYSIS_FINALIZED)
    await purge_analysis_files(ctx, analysis_id)


async def purge_analysis_files(ctx: Context, analysis_id: str) -> None:
    """Drop a removed analysis's file records, then the files."""
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
