"""Tags: free names any user may create and put on samples (`samples.tags` holds their ids)."""

from typing import Any

from pymongo.errors import DuplicateKeyError

from virtool_api.context import Context
from virtool_api.errors import BadRequest, NotFound
from virtool_api.storage.mongo import insert_with_random_id, missing_ids
from virtool_api.tags.models import Tag
from virtool_api.users.rights import require_owner_or_administrator
from virtool_api.users.service import user_ref
from virtool_api.utils import utc_now

NAME_IN_USE = BadRequest.declare("Tag name is already in use")


def render_tag(document: dict[str, Any]) -> Tag:
    return Tag.model_validate({**document, "id": document["_id"], "$uri": f"/api/tags/{document['_id']}"})


async def find_tags(ctx: Context) -> list[Tag]:
    return [render_tag(document) async for document in ctx.db.tags.find({}).sort("name", 1)]


async def create_tag(ctx: Context, user: dict[str, Any], name: str) -> Tag:
    """Tag names are unique, so a tag means the same thing on every sample that carries it."""
    try:
        document = await insert_with_random_id(
            ctx.db.tags, {"name": name, "user": user_ref(user), "created_at": utc_now()}
        )
    except DuplicateKeyError:
        raise NAME_IN_USE from None
    return render_tag(document)


async def get_tag(ctx: Context, tag_id: str) -> Tag:
    document = await ctx.db.tags.find_one({"_id": tag_id})
    if document is None:
        raise NotFound()
    return render_tag(document)


async def remove_tag(ctx: Context, user: dict[str, Any], tag_id: str) -> None:
    """Its creator or an administrator removes a tag; it comes off every sample that carries it."""
    document = await ctx.db.tags.find_one({"_id": tag_id})
    if document is None:
        raise NotFound()
    require_owner_or_administrator(user, document)
    await ctx.db.tags.delete_one({"_id": tag_id})
    await ctx.events.emit_tag_removed(ctx, tag_id)


async def names_of_tags(ctx: Context, tag_ids: list[str]) -> dict[str, str]:
    """The name of each of `tag_ids` that names a tag, by id, in one query."""
    tags = await ctx.db.tags.find({"_id": {"$in": tag_ids}}, {"name": 1}).to_list(None)
    return {tag["_id"]: tag["name"] for tag in tags}


async def missing_tags(ctx: Context, tag_ids: list[str]) -> list[str]:
    """Those of `tag_ids` that name no tag, in the order given."""
    return await missing_ids(ctx.db.tags, tag_ids)
