"""An analysis's result files: received from its job, recorded in SQL, served from disk; purged with it."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from virtool_api.analyses.blasts import delete_blasts
from virtool_api.analyses.documents import analysis_file_model
from virtool_api.analyses.models import (
    ANALYSIS_FINALIZED,
    AnalysisFormat,
)
from virtool_api.analyses.models import AnalysisFile as AnalysisFileModel
from virtool_api.analyses.stored_results import remove_results
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, NotFound
from virtool_api.jobs import rights
from virtool_api.jobs.service import require_job_still_active
from virtool_api.storage.files import FILE_MISSING, check_file_name
from virtool_api.storage.placement import record_then_place
from virtool_api.utils import record_id, utc_now

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


UNSUPPORTED_FORMAT = BadRequest.declare("Unsupported analysis file format")
FILE_ALREADY_STORED = Conflict.declare("File is already associated with analysis")


def analysis_file_format(name: str, requested: str | None) -> str:
    """The requested format, or when none is given the one the file name's extension implies."""
    if requested is None:
        stem = name.removesuffix(".gz")
        requested = _FORMAT_BY_EXTENSION.get(Path(stem).suffix.lower())
    if requested not in set(AnalysisFormat):
        raise UNSUPPORTED_FORMAT
    return requested


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
    file_format = analysis_file_format(name, requested_format)
    check_file_name(name)

    async def still_accepting() -> None:
        await _require_accepting_files(ctx, job["_id"], analysis_id)

    await still_accepting()
    async with ctx.sessions() as session:
        if await session.scalar(
            select(AnalysisFile.id).where(AnalysisFile.analysis == analysis_id, AnalysisFile.name == name)
        ):
            raise FILE_ALREADY_STORED

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
            FILE_ALREADY_STORED,
            still_accepting,
        )
    return analysis_file_model(row)


async def _require_accepting_files(ctx: Context, job_id: str, analysis_id: str) -> None:
    """An analysis takes files while it exists (404), is not finalized (409) and its job has not finished
    (409), all read afresh: asked again when a file that took a while to arrive is recorded."""
    analysis = await ctx.db.analyses.find_one({"_id": analysis_id}, {"ready": 1})
    if analysis is None:
        raise NotFound()
    if analysis["ready"]:
        raise ANALYSIS_FINALIZED
    await require_job_still_active(ctx, job_id)


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
        raise FILE_MISSING
    return path


async def analysis_file_path_for_job(
    ctx: Context, job: dict[str, Any], analysis_id: str, file_id: str
) -> Path:
    rights.require_analysis(job, analysis_id)
    return await analysis_file_path(ctx, analysis_id, file_id)


async def purge_analysis_files(ctx: Context, analysis_id: str) -> None:
    """Drop a removed analysis's SQL records (its files and BLASTs), then its files and results on disk."""
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
    await remove_results(ctx, analysis_id)
