"""References, their indexes, and subtractions: minimal documents an analysis names.

Building indexes and subtractions is workflow work this server does not do yet: an administrator creates
them here, ready at once. What an analysis records about them (`index: {id, version}`, `subtractions:
[{id, name}]`) comes from these documents.
"""

from typing import Any

from pymongo import ReturnDocument

from virtool_api.context import Context
from virtool_api.errors import BadRequest, NotFound
from virtool_api.pagination import Page, page_count, skip
from virtool_api.references.models import Index, Reference, Subtraction
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.users.rights import require_administrator
from virtool_api.users.service import user_ref
from virtool_api.utils import utc_now


async def newest_ready_index(ctx: Context, reference_id: str) -> dict[str, Any] | None:
    """The index a new analysis of the reference uses: the ready one with the highest version."""
    indexes = (
        await ctx.db.indexes.find({"reference.id": reference_id, "ready": True})
        .sort("version", -1)
        .limit(1)
        .to_list(None)
    )
    return indexes[0] if indexes else None


async def _render_reference(ctx: Context, document: dict[str, Any]) -> Reference:
    index = await newest_ready_index(ctx, document["_id"])
    return Reference.model_validate(
        {
            **document,
            "id": document["_id"],
            "latest_index": {"id": index["_id"], "version": index["version"]} if index else None,
        }
    )


async def create_reference(ctx: Context, user: dict[str, Any], name: str, data_type: str) -> Reference:
    require_administrator(user)
    document = await insert_with_random_id(
        ctx.db.references,
        {
            "name": name,
            "data_type": data_type,
            "created_at": utc_now(),
            "user": user_ref(user),
            # The version of the last index built; the first index gets version 0.
            "index_version": -1,
        },
    )
    return await _render_reference(ctx, document)


async def find_references(ctx: Context, page: int, per_page: int) -> Page[Reference]:
    """Every reference, by name: references are shared by all users."""
    total = await ctx.db.references.count_documents({})
    documents = (
        await ctx.db.references.find({})
        .sort("name", 1)
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    return Page[Reference](
        documents=[await _render_reference(ctx, document) for document in documents],
        found_count=total,
        total_count=total,
        page=page,
        page_count=page_count(total, per_page),
        per_page=per_page,
    )


async def create_index(ctx: Context, user: dict[str, Any], reference_id: str) -> Index:
    """A ready index of the reference with the next version; the version comes from one `$inc`, so two
    racing creates never share a version."""
    require_administrator(user)
    reference = await ctx.db.references.find_one_and_update(
        {"_id": reference_id},
        {"$inc": {"index_version": 1}},
        return_document=ReturnDocument.AFTER,
    )
    if reference is None:
        raise NotFound()
    document = await insert_with_random_id(
        ctx.db.indexes,
        {
            "version": reference["index_version"],
            "ready": True,
            "reference": {"id": reference_id},
            "created_at": utc_now(),
            "user": user_ref(user),
        },
    )
    return Index.model_validate({**document, "id": document["_id"]})


async def create_subtraction(ctx: Context, user: dict[str, Any], name: str) -> Subtraction:
    require_administrator(user)
    document = await insert_with_random_id(
        ctx.db.subtractions,
        {"name": name, "ready": True, "created_at": utc_now(), "user": user_ref(user)},
    )
    return Subtraction.model_validate({**document, "id": document["_id"]})


async def find_subtractions(ctx: Context, page: int, per_page: int) -> Page[Subtraction]:
    total = await ctx.db.subtractions.count_documents({})
    documents = (
        await ctx.db.subtractions.find({})
        .sort("name", 1)
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    return Page[Subtraction](
        documents=[Subtraction.model_validate({**document, "id": document["_id"]}) for document in documents],
        found_count=total,
        total_count=total,
        page=page,
        page_count=page_count(total, per_page),
        per_page=per_page,
    )


async def existing_subtractions(ctx: Context, subtraction_ids: list[str]) -> list[dict[str, Any]]:
    """The subtraction documents, in the order asked; 400 if any does not exist."""
    wanted = list(dict.fromkeys(subtraction_ids))
    documents = {
        document["_id"]: document
        for document in await ctx.db.subtractions.find({"_id": {"$in": wanted}}).to_list(None)
    }
    if len(documents) != len(wanted):
        raise BadRequest("Subtraction does not exist")
    return [documents[subtraction_id] for subtraction_id in wanted]
