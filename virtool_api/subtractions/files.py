"""A subtraction's files on disk (`subtractions/{id}/{name}`), recorded in SQL (`subtraction_files`).

They come from the create-subtraction job (a host genome's FASTA and Bowtie2 index: several GB), streamed to
a temporary name, recorded, then renamed into place (`storage/placement.py`).
"""

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Row, bindparam, delete, select

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.jobs.service import require_job_still_active
from virtool_api.storage.placement import FILE_NAME_EXISTS, record_then_place
from virtool_api.subtractions.models import (
    SUBTRACTION_FILE_TYPES,
    SUBTRACTION_FINALIZED,
    SubtractionFileModel,
)
from virtool_api.subtractions.tables import SubtractionFile
from virtool_api.utils import utc_now


def render_file(row: SubtractionFile | Row[Any]) -> SubtractionFileModel:
    return SubtractionFileModel(
        id=row.id,
        subtraction=row.subtraction,
        name=row.name,
        type=row.type,
        size=row.size,
        download_url=f"/subtractions/{row.subtraction}/files/{row.name}",
    )


FILES = (
    select(SubtractionFile.__table__)
    .where(SubtractionFile.subtraction == bindparam("subtraction_id"))
    .order_by(SubtractionFile.id)
)
"""A subtraction's file records, oldest first (for `ctx.records.all`, `subtraction_id` bound there)."""


async def subtraction_files(ctx: Context, subtraction_id: str) -> Sequence[Row[Any]]:
    (rows,) = await ctx.records.all(FILES, subtraction_id=subtraction_id)
    return rows


async def require_accepting_files(ctx: Context, subtraction_id: str, job_id: str) -> None:
    """A subtraction takes files from its create-subtraction job while it exists (404), is not finalized (409)
    and the job has not finished (409), all read afresh: asked again when a file that took a while to arrive
    is recorded (`record_then_place`)."""
    document = await ctx.db.subtractions.find_one({"_id": subtraction_id}, {"ready": 1})
    if document is None:
        raise NotFound()
    if document.get("ready"):
        raise SUBTRACTION_FINALIZED
    await require_job_still_active(ctx, job_id)


async def store_subtraction_file(
    ctx: Context, subtraction_id: str, name: str, chunks: AsyncIterator[bytes], job_id: str | None = None
) -> SubtractionFileModel:
    """Receive one of the subtraction's files (a name from `SUBTRACTION_FILE_TYPES`); 409 if it is stored.
    Sent by its create-subtraction job (`job_id`), it is taken only while the subtraction and the job still
    accept files; without a job (a benchmark's setup) it is simply stored."""
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SubtractionFile.id).where(
                SubtractionFile.subtraction == subtraction_id, SubtractionFile.name == name
            )
        ):
            raise FILE_NAME_EXISTS
    async with ctx.files.receive(chunks, ctx.files.subtraction_dir(subtraction_id)) as incoming:
        row = SubtractionFile(
            subtraction=subtraction_id,
            name=name,
            type=SUBTRACTION_FILE_TYPES[name],
            size=incoming.size,
            uploaded_at=utc_now(),
        )
        await record_then_place(
            ctx.sessions,
            row,
            incoming,
            lambda _: ctx.files.subtraction_file_path(subtraction_id, name),
            FILE_NAME_EXISTS,
            (lambda: require_accepting_files(ctx, subtraction_id, job_id)) if job_id is not None else None,
        )
    return render_file(row)


async def stored_file_path(ctx: Context, subtraction_id: str, name: str) -> Path:
    if name not in SUBTRACTION_FILE_TYPES:
        raise NotFound()
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(SubtractionFile).where(
                SubtractionFile.subtraction == subtraction_id, SubtractionFile.name == name
            )
        )
    path = ctx.files.subtraction_file_path(subtraction_id, name)
    if row is None or not path.is_file():
        raise NotFound()
    return path


async def purge_subtraction_files(ctx: Context, subtraction_id: str) -> None:
    async with ctx.sessions() as session:
        await session.execute(delete(SubtractionFile).where(SubtractionFile.subtraction == subtraction_id))
        await session.commit()
    await ctx.files.remove_tree(ctx.files.subtraction_dir(subtraction_id))
