"""Labels: named, coloured marks administrators define and samples carry (`samples.labels` holds ids)."""

from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from virtool_api.context import Context
from virtool_api.errors import BadRequest, NotFound
from virtool_api.labels.models import CreateLabelRequest, Label, UpdateLabelRequest
from virtool_api.storage.mongo import insert_with_random_id, missing_ids
from virtool_api.storage.steps import Find, Steps
from virtool_api.users.rights import require_administrator

NAME_IN_USE = BadRequest.declare("Label name already exists")


def render_label(document: dict[str, Any]) -> Label:
    return Label.model_validate({**document, "id": document["_id"]})


async def find_labels(ctx: Context) -> list[Label]:
    return [render_label(document) async for document in ctx.db.labels.find({}).sort("name", 1)]


async def create_label(ctx: Context, user: dict[str, Any], request: CreateLabelRequest) -> Label:
    require_administrator(user)
    try:
        document = await insert_with_random_id(ctx.db.labels, request.model_dump())
    except DuplicateKeyError:
        raise NAME_IN_USE from None
    return render_label(document)


async def update_label(
    ctx: Context, user: dict[str, Any], label_id: str, request: UpdateLabelRequest
) -> Label:
    require_administrator(user)
    changes = request.model_dump(exclude_unset=True)
    try:
        if changes:
            document = await ctx.db.labels.find_one_and_update(
                {"_id": label_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
            )
        else:
            document = await ctx.db.labels.find_one({"_id": label_id})
    except DuplicateKeyError:
        raise NAME_IN_USE from None
    if document is None:
        raise NotFound()
    return render_label(document)


async def remove_label(ctx: Context, user: dict[str, Any], label_id: str) -> None:
    """Remove the label and take it off every sample that carries it."""
    require_administrator(user)
    result = await ctx.db.labels.delete_one({"_id": label_id})
    if result.deleted_count == 0:
        raise NotFound()
    await ctx.events.emit_label_removed(ctx, label_id)


async def missing_labels(ctx: Context, label_ids: list[str]) -> list[str]:
    """Those of `label_ids` that name no label, in the order given."""
    return await missing_ids(ctx.db.labels, label_ids)


def labels_with_ids_steps(label_ids: list[str]) -> Steps[dict[str, dict[str, Any]]]:
    """The labels among `label_ids` that exist, by id, each with its `id` as the API shows it: as steps, to go
    with what shows them in one round trip (`storage/steps.py`)."""
    if not label_ids:
        return {}
    labels = yield Find("labels", {"_id": {"$in": label_ids}})
    return {label["_id"]: {**label, "id": label["_id"]} for label in labels}
