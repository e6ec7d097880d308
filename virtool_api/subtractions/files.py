"""A subtraction's files on disk (`subtractions/{id}/{name}`), recorded in SQL (`subtraction_files`).

They come from the create-subtraction job (a host genome's FASTA and Bowtie2 index: several GB), streamed to
a temporary name, recorded, then renamed into place (`storage/placement.py`).
"""

from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import delete, select

from virtool_api.context import Context
from virtool_api.errors import Conflict, NotFound
from virtool_api.storage.placement import record_then_place
from virtool_api.subtractions.models import SUBTRACTION_FILE_TYPES, SubtractionFileModel
from virtool_api.subtractions.tables import SubtractionFile
from virtool_api.utils import utc_now

FILE_NAME_EXISTS = "File name already exists"


def render_file(row: SubtractionFile) -> SubtractionFileModel:
    return SubtractionFileModel(
        id=row.id,
        subtraction=row.subtraction,
        name=row.name,
        type=row.type,
        size=row.size,
        download_url=f"/subtractions/{row.subtraction}/files/{row.name}",
    )


async def subtraction_files(ctx: Context, subtraction_id: str) -> list[SubtractionFile]:
    async with ctx.sessions() as session:
        return list(
            (
                await session.scalars(
                    select(SubtractionFile)
                    .where(SubtractionFile.subtraction == subtraction_id)
                    .order_by(SubtractionFile.id)
                )
            ).all()
        )


async def store_subtraction_file(
    ctx: Context, subtraction_id: str, name: str, chunks: AsyncIterator[bytes]
) -> SubtractionFileModel:
    """Receive one of the subtraction's files (a name from `SUBTRACTION_FILE_TYPES`); 409 if it is stored."""
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SubtractionFile.id).where(
                SubtractionFile.subtraction == subtraction_id, SubtractionFile.name == name
            )
        ):
            raise Conflict(FILE_NAME_EXISTS)
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
            Conflict(FILE_NAME_EXISTS),
            owner_exists=lambda: _subtraction_exists(ctx, subtraction_id),
        )
    return render_file(row)


async def _subtraction_exists(ctx: Context, subtraction_id: str) -> bool:
    return await ctx.db.subtractions.count_documents({"_id": subtraction_id}, limit=1) > 0


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
