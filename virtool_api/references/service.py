"""References: made empty, or imported from an uploaded Virtool export with their OTUs; listed and read by
everyone signed in, created by administrators. Their indexes are `virtool_api/indexes/`."""

import itertools
import threading
from typing import Any

from pymongo import ReturnDocument

from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.crash_points import crash_point
from virtool_api.errors import BadRequest, Conflict, NotFound
from virtool_api.options import flag
from virtool_api.pagination import Page, page_count, skip
from virtool_api.references.export import check_export, read_otus
from virtool_api.references.models import CreateReferenceRequest, Reference
from virtool_api.references.otus import VISIBLE, otu_document
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.streamed_json import in_stoppable_thread
from virtool_api.uploads.service import upload_file
from virtool_api.users.rights import require_administrator
from virtool_api.users.service import user_ref
from virtool_api.utils import utc_now

IMPORT_BATCH = 50
"""OTUs read and stored at a time while importing: memory stays bounded by a batch, not the reference."""


async def newest_ready_index(ctx: Context, reference_id: str) -> dict[str, Any] | None:
    """The index a new analysis of the reference uses: the ready one with the highest version."""
    indexes = (
        await ctx.db.indexes.find({"reference.id": reference_id, "ready": True})
        .sort("version", -1)
        .limit(1)
        .to_list(None)
    )
    return indexes[0] if indexes else None


async def render_reference(ctx: Context, document: dict[str, Any]) -> Reference:
    index = await newest_ready_index(ctx, document["_id"])
    return Reference.model_validate(
        {
            **document,
            "id": document["_id"],
            "otu_count": await ctx.db.otus.count_documents({"reference.id": document["_id"]}),
            "latest_index": {"id": index["_id"], "version": index["version"]} if index else None,
        }
    )


async def find_reference(ctx: Context, reference_id: str) -> dict[str, Any]:
    """The reference, or 404 (also while it is being imported: it appears only complete)."""
    document = await ctx.db.references.find_one({"_id": reference_id, **VISIBLE})
    if document is None:
        raise NotFound()
    return document


async def get_reference(ctx: Context, reference_id: str) -> Reference:
    return await render_reference(ctx, await find_reference(ctx, reference_id))


def _new_reference(user: dict[str, Any], name: str, data_type: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "data_type": data_type,
        "organism": "",
        "created_at": utc_now(),
        "user": user_ref(user),
        # The version of the last index built; the first index gets version 0.
        "index_version": -1,
        # The index being built, if any: at most one at a time (see `indexes/service.py`).
        "building_index": None,
        "imported_from": None,
        **fields,
    }


async def create_reference(ctx: Context, user: dict[str, Any], request: CreateReferenceRequest) -> Reference:
    """An empty reference, or one imported from an upload (administrators)."""
    require_administrator(user)
    if request.import_from is not None:
        return await import_reference(ctx, user, request)
    assert request.name is not None
    document = await insert_with_random_id(
        ctx.db.references, _new_reference(user, request.name, request.data_type or "genome")
    )
    return await render_reference(ctx, document)


IMPORT_ABANDONED = Conflict.declare(
    f"Reference import was abandoned: it stopped for longer than {flag(Config, 'creation_timeout')}"
)
NO_NAME = BadRequest.declare("Reference file has no name: give one")


async def import_reference(ctx: Context, user: dict[str, Any], request: CreateReferenceRequest) -> Reference:
    """A reference and its OTUs from an uploaded Virtool export (gzip JSON), all or nothing.

    The whole file is checked first, as a stream (400 saying what is wrong; nothing stored). The reference is
    then stored hidden (`importing`: no route shows it, nor its OTUs), its OTUs in batches, each batch
    renewing `importing.heartbeat_at`, and one last conditional write makes it visible, whole. If storing
    fails or is cancelled (its client left, the server is stopping), what was stored goes again; if the
    process dies, `repair_interrupted_imports` removes it once its heartbeat is `--creation-timeout` old.
    """
    assert request.import_from is not None
    path, upload = await upload_file(ctx, request.import_from, "reference")
    stop = threading.Event()
    summary = await in_stoppable_thread(stop, lambda: check_export(path, stop))
    name = request.name or summary.name
    if not name:
        raise NO_NAME
    document = await insert_with_random_id(
        ctx.db.references,
        {
            **_new_reference(
                user,
                name,
                request.data_type or summary.data_type,
                organism=summary.organism,
                imported_from={"id": upload["id"], "name": upload["name"]},
            ),
            "importing": {"heartbeat_at": utc_now(), "abandoned": False},
        },
    )
    reference_id = document["_id"]
    try:
        otus = read_otus(path, stop)
        while batch := await in_stoppable_thread(stop, lambda: list(itertools.islice(otus, IMPORT_BATCH))):
            await ctx.db.otus.insert_many([otu_document(reference_id, otu) for otu in batch])
            crash_point("reference_otus_stored")
            await _beat(ctx, reference_id, {"$set": {"importing.heartbeat_at": utc_now()}})
        await _beat(ctx, reference_id, {"$unset": {"importing": ""}})
    except BaseException:
        await remove_imported(ctx, reference_id)
        raise
    return await get_reference(ctx, reference_id)


async def _beat(ctx: Context, reference_id: str, update: dict[str, Any]) -> None:
    """Renew the import's heartbeat, or end it, unless a repair has taken it for abandoned (409)."""
    result = await ctx.db.references.update_one({"_id": reference_id, "importing.abandoned": False}, update)
    if result.matched_count == 0:
        raise IMPORT_ABANDONED


async def remove_imported(ctx: Context, reference_id: str) -> None:
    """An import that will not finish goes: its OTUs, then (so that a crash in between leaves it to be found
    again) its hidden reference document."""
    await ctx.db.otus.delete_many({"reference.id": reference_id})
    await ctx.db.references.delete_one({"_id": reference_id, "importing": {"$exists": True}})


async def find_references(ctx: Context, page: int, per_page: int) -> Page[Reference]:
    """Every reference, by name then id (names may repeat): references are shared by all users."""
    total = await ctx.db.references.count_documents(VISIBLE)
    documents = (
        await ctx.db.references.find(VISIBLE)
        .sort([("name", 1), ("_id", 1)])
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    return Page[Reference](
        documents=[await render_reference(ctx, document) for document in documents],
        found_count=total,
        total_count=total,
        page=page,
        page_count=page_count(total, per_page),
        per_page=per_page,
    )


async def claim_next_index(ctx: Context, reference_id: str, index_id: str) -> dict[str, Any] | None:
    """Mark `index_id` as the reference's index being built and take the next version, in one conditional
    update; None when another index is being built (or there is no such reference)."""
    return await ctx.db.references.find_one_and_update(
        {"_id": reference_id, "building_index": None},
        {
            "$set": {"building_index": index_id, "building_index_claimed_at": utc_now()},
            "$inc": {"index_version": 1},
        },
        return_document=ReturnDocument.AFTER,
    )


async def release_index_claim(ctx: Context, reference_id: str, index_id: str) -> None:
    """The index is built, removed or given up: another may be built."""
    await ctx.db.references.update_one(
        {"_id": reference_id, "building_index": index_id}, {"$set": {"building_index": None}}
    )
