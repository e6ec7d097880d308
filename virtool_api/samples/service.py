"""Sample rules: creating, rendering, finalizing and removing samples; their reads and artifacts."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pymongo import ReturnDocument
from sqlalchemy import delete, select

from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, NotFound
from virtool_api.jobs import rights
from virtool_api.samples.models import (
    READS_FILE_NAMES,
    ArtifactType,
    Quality,
    Sample,
    SampleArtifactFile,
    SampleReadsFile,
)
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.storage.files import check_file_name
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.placement import record_then_place
from virtool_api.utils import utc_now

SAMPLE_FINALIZED = "Sample already finalized"


async def create_sample(
    ctx: Context, *, name: str, user: dict[str, str], paired: bool = False, **fields: Any
) -> dict[str, Any]:
    """A new sample waiting for its create-sample job (`ready: false`, no reads yet)."""
    now = utc_now()
    document = {
        "name": name,
        "host": "",
        "isolate": "",
        "locale": "",
        "notes": "",
        "labels": [],
        "library_type": "normal",
        "subtractions": [],
        "nuvs": False,
        "pathoscope": False,
        "workflows": {"aodp": "none", "nuvs": "none", "pathoscope": "none"},
        "ready": False,
        "imported": False,
        "archived": False,
        "user": {"id": user["id"], "handle": user["handle"]},
        "group": None,
        "all_read": True,
        "all_write": False,
        "group_read": True,
        "group_write": False,
        "hold": True,
        "is_legacy": False,
        "format": "fastq",
        "paired": paired,
        "quality": None,
        "job": None,
        "created_at": now,
        "updated_at": now,
        "status": "awaiting_data",
        "visibility": "private",
        "project": None,
        "tags": [],
        "metadata": {},
        "error_msg": None,
        **fields,
    }
    return await insert_with_random_id(ctx.db.samples, document)


def _reads_file(row: SampleReads) -> SampleReadsFile:
    return SampleReadsFile(
        id=row.id,
        name=row.name,
        name_on_disk=row.name_on_disk,
        size=row.size,
        sample=row.sample,
        uploaded_at=row.uploaded_at,
        download_url=f"/samples/{row.sample}/reads/{row.name}",
        upload=row.upload,
    )


def _artifact_file(row: SampleArtifact) -> SampleArtifactFile:
    return SampleArtifactFile(
        id=row.id,
        name=row.name,
        name_on_disk=row.name_on_disk,
        size=row.size,
        type=row.type,
        uploaded_at=row.uploaded_at,
        download_url=f"/samples/{row.sample}/artifacts/{row.name}",
    )


async def render_sample(ctx: Context, document: dict[str, Any]) -> Sample:
    """The full sample document: the stored fields plus its files, labels and subtractions."""
    sample_id = document["_id"]
    async with ctx.sessions() as session:
        reads = (
            await session.scalars(
                select(SampleReads).where(SampleReads.sample == sample_id).order_by(SampleReads.name)
            )
        ).all()
        artifacts = (
            await session.scalars(
                select(SampleArtifact).where(SampleArtifact.sample == sample_id).order_by(SampleArtifact.id)
            )
        ).all()
    labels = await ctx.db.labels.find({"_id": {"$in": document.get("labels", [])}}).to_list(None)
    subtractions = await ctx.db.subtractions.find(
        {"_id": {"$in": document.get("subtractions", [])}}, {"name": 1}
    ).to_list(None)
    return Sample.model_validate(
        {
            **document,
            "id": sample_id,
            "labels": [{**label, "id": label["_id"]} for label in labels],
            "subtractions": [{"id": s["_id"], "name": s["name"]} for s in subtractions],
            "reads": [_reads_file(row) for row in reads],
            "artifacts": [_artifact_file(row) for row in artifacts],
        }
    )


async def _find_sample(ctx: Context, sample_id: str) -> dict[str, Any]:
    document = await ctx.db.samples.find_one({"_id": sample_id})
    if document is None:
        raise NotFound()
    return document


async def get_sample_for_job(ctx: Context, job: dict[str, Any], sample_id: str) -> Sample:
    rights.require_sample_read(job, sample_id)
    return await render_sample(ctx, await _find_sample(ctx, sample_id))


async def finalize_sample(ctx: Context, job: dict[str, Any], sample_id: str, quality: Quality) -> Sample:
    """Set `quality` and `ready: true` in one conditional update: of two racing finalizes, one wins."""
    rights.require_sample_write(job, sample_id)
    rights.require_active(job)
    now = utc_now()
    document = await ctx.db.samples.find_one_and_update(
        {"_id": sample_id, "ready": False},
        {
            "$set": {
                "ready": True,
                "quality": quality.model_dump(),
                "status": "available",
                "updated_at": now,
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await _find_sample(ctx, sample_id)
        raise Conflict(SAMPLE_FINALIZED)
    return await render_sample(ctx, document)


async def _writable_unfinalized_sample(ctx: Context, job: dict[str, Any], sample_id: str) -> dict[str, Any]:
    rights.require_sample_write(job, sample_id)
    rights.require_active(job)
    document = await _find_sample(ctx, sample_id)
    if document["ready"]:
        raise Conflict(SAMPLE_FINALIZED)
    return document


async def upload_reads(
    ctx: Context, job: dict[str, Any], sample_id: str, name: str, chunks: AsyncIterator[bytes]
) -> SampleReadsFile:
    """Stream a gzipped reads file into place; it is recorded before it becomes visible on disk."""
    if name not in READS_FILE_NAMES:
        raise BadRequest("File name is not an accepted reads file")
    await _writable_unfinalized_sample(ctx, job, sample_id)
    return await store_reads(ctx, sample_id, name, chunks)


async def store_reads(
    ctx: Context, sample_id: str, name: str, chunks: AsyncIterator[bytes], upload: int | None = None
) -> SampleReadsFile:
    """Receive and record one reads file of a sample; 409 if that name is already stored."""
    already = Conflict("Reads file name is already uploaded")
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SampleReads.id).where(SampleReads.sample == sample_id, SampleReads.name == name)
        ):
            raise already

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
            ctx.sessions, row, incoming, lambda _: ctx.files.reads_path(sample_id, name), already
        )
    return _reads_file(row)


async def reads_path_for_job(ctx: Context, job: dict[str, Any], sample_id: str, name: str) -> Path:
    rights.require_sample_read(job, sample_id)
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(SampleReads).where(SampleReads.sample == sample_id, SampleReads.name == name)
        )
    if row is None:
        raise NotFound()
    return _existing(ctx.files.reads_path(sample_id, row.name_on_disk))


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise NotFound("Uploaded file not found at expected location")
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
        raise BadRequest("Unsupported sample artifact type")
    check_file_name(name)
    await _writable_unfinalized_sample(ctx, job, sample_id)
    already = Conflict("Artifact file has already been uploaded for this sample")
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SampleArtifact.id).where(SampleArtifact.sample == sample_id, SampleArtifact.name == name)
        ):
            raise already

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
            ctx.sessions, row, incoming, lambda _: ctx.files.artifact_path(sample_id, name), already
        )
    return _artifact_file(row)


async def artifact_path_for_job(ctx: Context, job: dict[str, Any], sample_id: str, name: str) -> Path:
    rights.require_sample_read(job, sample_id)
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(SampleArtifact).where(SampleArtifact.sample == sample_id, SampleArtifact.name == name)
        )
    if row is None:
        raise NotFound()
    return _existing(ctx.files.artifact_path(sample_id, row.name_on_disk))


async def remove_unfinalized_sample(ctx: Context, job: dict[str, Any], sample_id: str) -> None:
    """The clean-up a failing create-sample job sends; allowed even once the job has finished."""
    rights.require_sample_write(job, sample_id)
    result = await ctx.db.samples.delete_one({"_id": sample_id, "ready": False})
    if result.deleted_count == 0:
        await _find_sample(ctx, sample_id)
        raise Conflict("Sample is finalized")
    await purge_sample_files(ctx, sample_id)


async def purge_sample_files(ctx: Context, sample_id: str) -> None:
    """Drop a removed sample's file records, then its directory."""
    async with ctx.sessions() as session:
        await session.execute(delete(SampleReads).where(SampleReads.sample == sample_id))
        await session.execute(delete(SampleArtifact).where(SampleArtifact.sample == sample_id))
        await session.commit()
    await ctx.files.remove_tree(ctx.files.sample_dir(sample_id))
