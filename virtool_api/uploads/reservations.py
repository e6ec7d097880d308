"""Reserving uploads for a sample: a sample being created holds the uploads it is made of, so two samples can
never take the same file and a held upload cannot be removed.

A reservation names its sample (`reserved_by`), so that it can be freed by sample rather than by a list of ids
someone must remember, and so that reservations whose sample is gone (a process killed between two steps) can
be found and freed at start-up (`samples/repair.py`). Reservations made before migration 0005 name no sample
(`reserved_by` null): they are "legacy" here.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict
from virtool_api.uploads.tables import Upload

FILE_DOES_NOT_EXIST = BadRequest.declare("File does not exist")
FILE_ALREADY_RESERVED = Conflict.declare("File is already reserved")


async def reserve_uploads(
    ctx: Context, user: dict[str, Any], upload_ids: list[int], sample_id: str
) -> list[dict[str, Any]]:
    """Reserve the uploads sample `sample_id` will be made of; returns `[{"id", "name", "size"}]` in that
    order.

    All or none, in one conditional update: of two samples racing for a file, exactly one gets it.
    Unknown, removed or someone else's uploads (unless the caller is an administrator): 400 "File does not
    exist"; an upload another sample holds: 409 "File is already reserved".
    """
    wanted = list(dict.fromkeys(upload_ids))
    owned = [] if user.get("administrator") else [Upload.user == user["_id"]]
    async with ctx.sessions() as session:
        rows = {
            row.id: row
            for row in (
                await session.scalars(
                    select(Upload).where(Upload.id.in_(wanted), Upload.removed.is_(False), *owned)
                )
            ).all()
        }
        if len(rows) != len(wanted):
            missing = [upload_id for upload_id in wanted if upload_id not in rows]
            raise FILE_DOES_NOT_EXIST(
                ids=missing,
                hint=f"No upload of yours has the id{'s' if len(missing) > 1 else ''} "
                f"{', '.join(map(str, missing))} (unknown, removed, or someone else's): "
                "GET /api/uploads lists yours.",
            )
        result = await session.execute(
            update(Upload)
            .where(Upload.id.in_(wanted), Upload.reserved.is_(False), Upload.removed.is_(False))
            .values(reserved=True, reserved_by=sample_id)
        )
        if result.rowcount != len(wanted):
            await session.rollback()
            raise FILE_ALREADY_RESERVED
        await session.commit()
    return [{"id": rows[i].id, "name": rows[i].name, "size": rows[i].size} for i in wanted]


async def release_uploads(ctx: Context, sample_id: str | None, legacy_ids: Iterable[int] = ()) -> None:
    """Free the uploads sample `sample_id` holds (its creation failed, or it was removed); `legacy_ids` are
    those of its uploads reserved before reservations named their sample (from its job's `args.files`), freed
    only if they name no sample.

    Only this sample's reservations are touched: an upload another sample has reserved meanwhile stays held.
    """
    legacy = list(legacy_ids)
    async with ctx.sessions() as session:
        if sample_id is not None:
            await session.execute(
                update(Upload).where(Upload.reserved_by == sample_id).values(reserved=False, reserved_by=None)
            )
        if legacy:
            await session.execute(
                update(Upload)
                .where(Upload.id.in_(legacy), Upload.reserved.is_(True), Upload.reserved_by.is_(None))
                .values(reserved=False)
            )
        await session.commit()


HOLDERS = (
    select(Upload.reserved_by).where(Upload.reserved.is_(True), Upload.reserved_by.is_not(None)).distinct()
)
LEGACY = select(Upload.id).where(Upload.reserved.is_(True), Upload.reserved_by.is_(None))
"""The reads of every start's repair (`samples/repair.py`), built once and read through `ctx.records`: a
process that writes no file record opens no SQLAlchemy session (on SQLite, a connection and its thread)."""


async def reservation_holders(ctx: Context) -> set[str]:
    """The ids of the samples holding reservations (whether those samples still exist is for the caller)."""
    (rows,) = await ctx.records.all(HOLDERS)
    return {row[0] for row in rows}


async def legacy_reservations(ctx: Context) -> list[int]:
    """Uploads reserved before reservations named their sample (migration 0005)."""
    (rows,) = await ctx.records.all(LEGACY)
    return [row[0] for row in rows]


async def adopt_reservations(ctx: Context, sample_id: str, upload_ids: list[int]) -> None:
    """Record that legacy reservations `upload_ids` are held by sample `sample_id`."""
    async with ctx.sessions() as session:
        await session.execute(
            update(Upload)
            .where(Upload.id.in_(upload_ids), Upload.reserved.is_(True), Upload.reserved_by.is_(None))
            .values(reserved_by=sample_id)
        )
        await session.commit()
