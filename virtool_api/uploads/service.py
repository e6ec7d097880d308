"""Upload rules: receiving a user's file, listing and removing uploads (reserving them for a sample is
`reservations.py`).

An upload belongs to the user who sent it. A reserved upload cannot be removed until released.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, InsufficientRights, NotFound
from virtool_api.jobs import rights as job_rights
from virtool_api.models import UserRef
from virtool_api.pagination import page_count, skip
from virtool_api.storage.files import FILE_MISSING, check_file_name
from virtool_api.storage.placement import record_then_place
from virtool_api.uploads.content import content_check
from virtool_api.uploads.models import GZIP_UPLOAD_TYPES, UploadSearchResult, UploadType
from virtool_api.uploads.models import Upload as UploadModel
from virtool_api.uploads.reservations import FILE_DOES_NOT_EXIST
from virtool_api.uploads.tables import Upload
from virtool_api.users.service import handles_of
from virtool_api.utils import MAX_RECORD_ID, record_id, utc_now

UNSUPPORTED_TYPE = BadRequest.declare("Unsupported upload type")
RESERVED = Conflict.declare("Upload is reserved by a sample")
UPLOAD_EXISTS = Conflict.declare("Upload already exists")


def _is_admin(user: dict[str, Any]) -> bool:
    return bool(user.get("administrator"))


async def _user_refs(ctx: Context, user_ids: set[str]) -> dict[str, dict[str, str]]:
    """`{id: {id, handle}}` for the uploaders; a deleted user keeps their id and an empty handle."""
    handles = await handles_of(ctx, user_ids)
    return {user_id: {"id": user_id, "handle": handles.get(user_id, "")} for user_id in user_ids}


def _render(row: Upload, users: dict[str, dict[str, str]]) -> UploadModel:
    return UploadModel(
        id=row.id,
        name=row.name,
        name_on_disk=row.name_on_disk,
        size=row.size,
        type=row.type,
        user=UserRef.model_validate(users[row.user]),
        reserved=row.reserved,
        removed=row.removed,
        ready=row.uploaded_at is not None,
        created_at=row.created_at,
        uploaded_at=row.uploaded_at,
    )


async def create_upload(
    ctx: Context, user: dict[str, Any], name: str, upload_type: str, chunks: AsyncIterator[bytes]
) -> UploadModel:
    """Stream a user's file to `uploads/{id}-{name}`; recorded before it appears under that name.

    Reads must be gzip-compressed FASTQ and a subtraction's file gzip-compressed FASTA, checked whole as they
    stream in (`content.py`). An aborted or refused upload leaves neither a file nor a record.
    """
    if upload_type not in set(UploadType):
        raise UNSUPPORTED_TYPE
    check_file_name(name)
    async with ctx.files.receive(
        chunks,
        ctx.files.uploads_dir(),
        require_gzip=upload_type in GZIP_UPLOAD_TYPES,
        check=content_check(upload_type),
    ) as incoming:
        now = utc_now()
        row = Upload(
            name=name,
            # The real name needs the row id; the temporary file's name is unique until then.
            name_on_disk=incoming.path.name,
            size=incoming.size,
            type=upload_type,
            user=user["_id"],
            reserved=False,
            removed=False,
            created_at=now,
            uploaded_at=now,
        )

        def name_on_disk(recorded: Upload) -> Path:
            recorded.name_on_disk = f"{recorded.id}-{name}"
            return ctx.files.upload_path(recorded.name_on_disk)

        await record_then_place(ctx.sessions, row, incoming, name_on_disk, UPLOAD_EXISTS)
    return _render(row, {user["_id"]: {"id": user["_id"], "handle": user["handle"]}})


async def find_uploads(
    ctx: Context, user: dict[str, Any], page: int, per_page: int, upload_type: str | None = None
) -> UploadSearchResult:
    """The caller's uploads (an administrator sees everyone's), newest first; removed ones never."""
    visible = [Upload.removed.is_(False)]
    if not _is_admin(user):
        visible.append(Upload.user == user["_id"])
    found = [*visible, *([Upload.type == upload_type] if upload_type else [])]
    async with ctx.sessions() as session:
        total_count = await session.scalar(select(func.count()).select_from(Upload).where(*visible))
        found_count = await session.scalar(select(func.count()).select_from(Upload).where(*found))
        rows = (
            await session.scalars(
                select(Upload)
                .where(*found)
                .order_by(Upload.created_at.desc(), Upload.id.desc())
                .offset(skip(page, per_page))
                .limit(per_page)
            )
        ).all()
    users = await _user_refs(ctx, {row.user for row in rows})
    return UploadSearchResult(
        documents=[_render(row, users) for row in rows],
        found_count=found_count or 0,
        total_count=total_count or 0,
        page=page,
        page_count=page_count(found_count or 0, per_page),
        per_page=per_page,
    )


async def remove_upload(ctx: Context, user: dict[str, Any], upload_id: int) -> None:
    """Remove an upload and its file: only its uploader or an administrator, never while reserved.

    The row is first marked `removed` in one conditional update (so a sample cannot reserve it meanwhile),
    then the file goes, then the row.
    """
    async with ctx.sessions() as session:
        row = await session.get(Upload, upload_id)
        if row is None or row.removed:
            raise NotFound()
        if not _is_admin(user) and row.user != user["_id"]:
            raise InsufficientRights()
        result = await session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.reserved.is_(False), Upload.removed.is_(False))
            .values(removed=True)
        )
        await session.commit()
    if result.rowcount == 0:
        raise RESERVED
    await ctx.files.remove(ctx.files.upload_path(row.name_on_disk))
    async with ctx.sessions() as session:
        await session.execute(delete(Upload).where(Upload.id == upload_id))
        await session.commit()


async def upload_path_for_job(ctx: Context, job: dict[str, Any], upload_id: str) -> tuple[Path, str]:
    """The stored file of an upload the job's `args.files` names, and its name; 403 for any other upload."""
    if (row_id := record_id(upload_id)) is None:
        raise NotFound()
    job_rights.require_upload_read(job, row_id)
    async with ctx.sessions() as session:
        row = await session.get(Upload, row_id)
    if row is None or row.removed:
        raise NotFound()
    path = ctx.files.upload_path(row.name_on_disk)
    if not path.is_file():
        raise FILE_MISSING
    return path, row.name


async def upload_file(ctx: Context, upload_id: int, upload_type: str) -> tuple[Path, dict[str, Any]]:
    """The stored file of an upload of `upload_type` and `{id, name, size}`, for an administrator making a
    reference, a subtraction or HMM data from it; 400 "File does not exist" for a missing, removed or
    other-type upload."""
    async with ctx.sessions() as session:
        row = await session.get(Upload, upload_id) if upload_id <= MAX_RECORD_ID else None
    if row is None or row.removed or row.type != upload_type:
        raise FILE_DOES_NOT_EXIST
    path = ctx.files.upload_path(row.name_on_disk)
    if not path.is_file():
        raise FILE_DOES_NOT_EXIST
    return path, {"id": row.id, "name": row.name, "size": row.size}
