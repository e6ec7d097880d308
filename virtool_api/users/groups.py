"""Groups: named sets of users that samples can be shared with (`group`, `group_read`, `group_write`).

Only administrators create, rename or remove groups. `restrict_sharing` on a group forbids its members from
making their samples `shared` or `public` (read by the sample rules, not here).
"""

from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from virtool_api.context import Context
from virtool_api.errors import BadRequest, NotFound
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.users.models import CreateGroupRequest, Group, UpdateGroupRequest
from virtool_api.users.rights import require_administrator
from virtool_api.utils import utc_now

GROUP_EXISTS = BadRequest.declare("Group already exists")


def render_group(document: dict[str, Any]) -> Group:
    return Group.model_validate({"restrict_sharing": False, **document, "id": document["_id"]})


async def list_groups(ctx: Context) -> list[Group]:
    """Every group, by name: any signed-in user may see them, to choose a group for their samples."""
    return [render_group(document) async for document in ctx.db.groups.find({}).sort("name", 1)]


async def get_group(ctx: Context, group_id: str) -> Group:
    document = await ctx.db.groups.find_one({"_id": group_id})
    if document is None:
        raise NotFound()
    return render_group(document)


async def create_group(ctx: Context, user: dict[str, Any], request: CreateGroupRequest) -> Group:
    require_administrator(user)
    try:
        document = await insert_with_random_id(
            ctx.db.groups,
            {"name": request.name, "restrict_sharing": request.restrict_sharing, "created_at": utc_now()},
        )
    except DuplicateKeyError:
        raise GROUP_EXISTS from None
    return render_group(document)


async def update_group(
    ctx: Context, user: dict[str, Any], group_id: str, request: UpdateGroupRequest
) -> Group:
    require_administrator(user)
    changes = request.model_dump(exclude_unset=True)
    if not changes:
        return await get_group(ctx, group_id)
    try:
        document = await ctx.db.groups.find_one_and_update(
            {"_id": group_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )
    except DuplicateKeyError:
        raise GROUP_EXISTS from None
    if document is None:
        raise NotFound()
    return render_group(document)


async def delete_group(ctx: Context, user: dict[str, Any], group_id: str) -> None:
    """Remove the group, take it out of its members' `groups` and unset it on the samples that named it."""
    require_administrator(user)
    result = await ctx.db.groups.delete_one({"_id": group_id})
    if result.deleted_count == 0:
        raise NotFound()
    await ctx.db.users.update_many({"groups": group_id}, {"$pull": {"groups": group_id}})
    await ctx.events.emit_group_removed(ctx, group_id)
