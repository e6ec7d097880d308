"""A sample's reads and artifacts: received from its create-sample job, recorded in SQL, served from disk
to that job, to analysis jobs, and to people who may read the sample."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, NotFound
from virtool_api.jobs import rights
from virtool_api.jobs.service import require_job_still_active
from virtool_api.samples.access import readable_sample
from virtool_api.samples.documents import artifact_file, reads_file
from virtool_api.samples.models import (
    READS_FILE_NAMES,
    SAMPLE_FINALIZED,
    ArtifactType,
    SampleArtifactFile,
    SampleReadsFile,
)
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.storage.files import FILE_MISSING, check_file_name
from virtool_api.storage.placement import record_then_place
from virtool_api.utils import utc_now

NOT_A_READS_FILE = BadRequest.declare("File name is not an accepted reads file")
UNSUPPORTED_ARTIFACT_TYPE = BadRequest.declare("Unsupported sample artifact type")
READS_ALREADY_UPLOADED = Conflict.declare("Reads file name is already uploaded")
ARTIFACT_ALREADY_UPLOADED = Conflict.declare("Artifact file has already been uploaded for this sample")


async def _require_accepting_files(ctx: Context, sample_id: str, job_id: str | None = None) -> None:
    """A sample takes files while it exists (404); from its create-sample job (`job_id`), only while it is not
    finalized (409) and the job has not finished (409). Read afresh: asked again when a file that took a while
    to arrive is recorded (`record_then_place`). Without a job (the demo seed) a finalized sample takes reads.
    """
    document = await ctx.db.samples.find_one({"_id": sample_id}, {"ready": 1})
    if document is None:
        raise NotFound()
    if job_id is not None:
        if document["ready"]:
            raise SAMPLE_FINALIZED
        await require_job_still_active(ctx, job_id)


async def upload_reads(
    ctx: Context, job: dict[str, Any], sample_id: str, name: str, chunks: AsyncIterator[bytes]
) -> SampleReadsFile:
    """Stream a gzipped reads file into place; it is recorded before it becomes visible on disk."""
    if name not in READS_FILE_NAMES:
        raise NOT_A_READS_FILE
    rights.require_sample_write(job, sample_id)
    await _require_accepting_files(ctx, sample_id, job["_id"])
    return await store_reads(ctx, sample_id, name, chunks, job_id=job["_id"])


async def store_reads(
    ctx: Context,
    sample_id: str,
    name: str,
    chunks: AsyncIterator[bytes],
    upload: int | None = None,
    job_id: str | None = None,
) -> SampleReadsFile:
    """Receive and record one reads file of a sample; 409 if that name is already stored. Sent by the sample's
    create-sample job (`job_id`), it is taken only while the sample and the job still accept files."""
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SampleReads.id).where(SampleReads.sample == sample_id, SampleReads.name == name)
        ):
            raise READS_ALREADY_UPLOADED

    async with ctx.files.receive(chunks, ctx.files.sample_dir(sample_id), require_gzip=True) as incoming:
        row = SampleReads(
            sample=sample_id,
            name=name,
            name_on_disk=name,
            size=incoming.size,
            uploaded_at=utc_now(),
            upload=upload,
        )
        await record_then_place(
            ctx.sessions,
            row,
            incoming,
            lambda _: ctx.files.reads_path(sample_id, name),
            READS_ALREADY_UPLOADED,
            lambda: _require_accepting_files(ctx, sample_id, job_id),
        )
    return reads_file(row)


async def reads_path_for_job(ctx: Context, job: dict[str, Any], sample_id: str, name: str) -> Path:
    rights.require_sample_read(job, sample_id)
    return await _stored_reads_path(ctx, sample_id, name)


async def reads_path_for_user(ctx: Context, user: dict[str, Any], sample_id: str, name: str) -> Path:
    """A reads file of a sample the caller may read (404 unknown sample or file, 403 no read right)."""
    await readable_sample(ctx, user, sample_id)
    return await _stored_reads_path(ctx, sample_id, name)


async def _stored_reads_path(ctx: Context, sample_id: str, name: str) -> Path:
    if name not in READS_FILE_NAMES:
        # Never query with an arbitrary name: PostgreSQL rejects NUL bytes with an error, not "no row".
        raise NotFound()
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(SampleReads).where(SampleReads.sample == sample_id, SampleReads.name == name)
        )
    if row is None:
        raise NotFound()
    return _existing(ctx.files.reads_path(sample_id, row.name_on_disk))


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise FILE_MISSING
    return path


async def upload_artifact(
    ctx: Context,
    job: dict[str, Any],
    sample_id: str,
    name: str,
    artifact_type: str,
    chunks: AsyncIterator[bytes],
) -> SampleArtifactFile:
    if artifact_type not in set(ArtifactType):
        raise UNSUPPORTED_ARTIFACT_TYPE
    check_file_name(name)
    rights.require_sample_write(job, sample_id)
    await _require_accepting_files(ctx, sample_id, job["_id"])
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SampleArtifact.id).where(SampleArtifact.sample == sample_id, SampleArtifact.name == name)
        ):
            raise ARTIFACT_ALREADY_UPLOADED

    async with ctx.files.receive(chunks, ctx.files.artifacts_dir(sample_id)) as incoming:
        row = SampleArtifact(
            sample=sample_id,
            name=name,
            name_on_disk=name,
            size=incoming.size,
            type=artifact_type,
            uploaded_at=utc_now(),
        )
        await record_then_place(
            ctx.sessions,
            row,
            incoming,
            lambda _: ctx.files.artifact_path(sample_id, name),
            ARTIFACT_ALREADY_UPLOADED,
            lambda: _require_accepting_files(ctx, sample_id, job["_id"]),
        )
    return artifact_file(row)


async def artifact_path_for_job(ctx: Context, job: dict[str, Any], sample_id: str, name: str) -> Path:
    rights.require_sample_read(job, sample_id)
    return await _stored_artifact_path(ctx, sample_id, name)


async def artifact_path_for_user(ctx: Context, user: dict[str, Any], sample_id: str, name: str) -> Path:
    """An artifact of a sample the caller may read (404 unknown sample or file, 403 no read right)."""
    await readable_sample(ctx, user, sample_id)
    return await _stored_artifact_path(ctx, sample_id, name)


async def _stored_artifact_path(ctx: Context, sample_id: str, name: str) -> Path:
    try:
        check_file_name(name)
    except BadRequest:
        raise NotFound() from None  # no artifact is stored under such a name (and NUL breaks PostgreSQL)
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(SampleArtifact).where(SampleArtifact.sample == sample_id, SampleArtifact.name == name)
        )
    if row is None:
        raise NotFound()
    return _existing(ctx.files.artifact_path(sample_id, row.name_on_disk))


async def purge_sample_files(ctx: Context, sample_id: str) -> None:
    """Drop a removed sample's file records, then its directory."""
    async with ctx.sessions() as session:
        await session.execute(delete(SampleReads).where(SampleReads.sample == sample_id))
        await session.execute(delete(SampleArtifact).where(SampleArtifact.sample == sample_id))
        await session.commit()
    await ctx.files.remove_tree(ctx.files.sample_dir(sample_id))
