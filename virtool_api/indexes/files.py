"""An index's files on disk (`indexes/{index_id}/{name}`), recorded in SQL (`index_files`).

`otus.json.gz` is the server's: written when the index is created, from the reference's OTUs at that moment.
The others come from the build-index job. Every file is streamed to a temporary name, recorded, then renamed
into place (`storage/placement.py`): never held in memory, never visible half-written.
"""

import json
import zlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.indexes.models import INDEX_FILE_TYPES, INDEX_FINALIZED, OTUS_FILE, IndexFileModel
from virtool_api.indexes.tables import IndexFile
from virtool_api.jobs.service import require_job_still_active
from virtool_api.storage.placement import FILE_NAME_EXISTS, record_then_place
from virtool_api.utils import iso_timestamp, utc_now

CHUNK = 1024 * 1024


def render_file(row: IndexFile) -> IndexFileModel:
    return IndexFileModel(
        id=row.id,
        index=row.index,
        name=row.name,
        type=row.type,
        size=row.size,
        download_url=f"/indexes/{row.index}/files/{row.name}",
    )


async def index_files(ctx: Context, index_id: str) -> list[IndexFile]:
    async with ctx.sessions() as session:
        return list(
            (
                await session.scalars(
                    select(IndexFile).where(IndexFile.index == index_id).order_by(IndexFile.id)
                )
            ).all()
        )


async def require_accepting_files(ctx: Context, index_id: str, job_id: str) -> None:
    """An index takes files from its build-index job while it exists (404), is not finalized (409) and the
    job has not finished (409), all read afresh: asked again when a file that took a while to arrive is
    recorded (`record_then_place`)."""
    document = await ctx.db.indexes.find_one({"_id": index_id}, {"ready": 1})
    if document is None:
        raise NotFound()
    if document["ready"]:
        raise INDEX_FINALIZED
    await require_job_still_active(ctx, job_id)


async def store_index_file(
    ctx: Context, index_id: str, name: str, chunks: AsyncIterator[bytes], job_id: str | None = None
) -> IndexFileModel:
    """Receive one of the index's files (a name from `INDEX_FILE_TYPES`); 409 if that name is stored.

    Sent by the build-index job (`job_id`), it is taken only while the index and the job still accept files.
    Without a job: `otus.json.gz`, written by the server before the index document exists (the index's
    creation undoes the file if it fails)."""
    async with ctx.sessions() as session:
        if await session.scalar(
            select(IndexFile.id).where(IndexFile.index == index_id, IndexFile.name == name)
        ):
            raise FILE_NAME_EXISTS
    async with ctx.files.receive(chunks, ctx.files.index_dir(index_id)) as incoming:
        row = IndexFile(
            index=index_id, name=name, type=INDEX_FILE_TYPES[name], size=incoming.size, uploaded_at=utc_now()
        )
        await record_then_place(
            ctx.sessions,
            row,
            incoming,
            lambda _: ctx.files.index_file_path(index_id, name),
            FILE_NAME_EXISTS,
            (lambda: require_accepting_files(ctx, index_id, job_id)) if job_id is not None else None,
        )
    return render_file(row)


async def stored_file_path(ctx: Context, index_id: str, name: str) -> Path:
    """The path of a recorded index file; 404 for a name outside the list, or a file not stored."""
    if name not in INDEX_FILE_TYPES:
        raise NotFound()
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(IndexFile).where(IndexFile.index == index_id, IndexFile.name == name)
        )
    path = ctx.files.index_file_path(index_id, name)
    if row is None or not path.is_file():
        raise NotFound()
    return path


async def purge_index_files(ctx: Context, index_id: str) -> None:
    async with ctx.sessions() as session:
        await session.execute(delete(IndexFile).where(IndexFile.index == index_id))
        await session.commit()
    await ctx.files.remove_tree(ctx.files.index_dir(index_id))


def _json_value(value: Any) -> Any:
    """What `json.dumps` cannot write itself: the stored OTU's timestamps, in the API's style."""
    if isinstance(value, datetime):
        return iso_timestamp(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def otu_for_index(document: dict[str, Any]) -> bytes:
    """An OTU as runners read it from `otus.json.gz`: whole, as stored (Mongo-style keys, every field the
    import carried; `schema` always present, `[]` without segments), as Virtool serves it."""
    return json.dumps({**document, "schema": document.get("schema") or []}, default=_json_value).encode()


async def write_otus_file(
    ctx: Context, index_id: str, reference_id: str, manifest: dict[str, int], otus: list[dict[str, Any]]
) -> None:
    """Write `otus.json.gz`: gzip of a JSON list of the reference's OTUs, streamed one OTU at a time from the
    document store (never the whole reference in memory). Fills `manifest` (OTU id to version) and `otus`
    (`{id, name, change_count}`) as it goes."""

    async def chunks() -> AsyncIterator[bytes]:
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip stream
        pending = bytearray(b"[")
        first = True
        async for document in ctx.db.otus.find({"reference.id": reference_id}).sort("_id", 1):
            manifest[document["_id"]] = document["version"]
            otus.append({"id": document["_id"], "name": document["name"], "change_count": 0})
            pending += (b"" if first else b",") + otu_for_index(document)
            first = False
            if len(pending) >= CHUNK:
                yield compressor.compress(bytes(pending))
                pending.clear()
        pending += b"]"
        yield compressor.compress(bytes(pending)) + compressor.flush()

    await store_index_file(ctx, index_id, OTUS_FILE, chunks())
