"""Users: who may call the public API, and what they are (administrator, groups).

Users authenticate with API keys (keys.py) or, in a browser, with a password and a session (credentials.py,
sessions.py). Administrators manage users and may set their passwords; every user manages their own keys and
password. A user never demotes, deactivates or removes themselves, so an administrator cannot
lock themselves out by accident.
"""

from typing import Any

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from virtool_api.context import Context
from virtool_api.errors import BadRequest, NotFound
from virtool_api.storage.mongo import insert_with_random_id, missing_ids
from virtool_api.users.credentials import USER_DOES_NOT_EXIST, reset_password
from virtool_api.users.keys import create_api_key, revoke_user_keys
from virtool_api.users.models import CreatedUser, CreateUserRequest, UpdateUserRequest, User
from virtool_api.users.passwords import check_password_rules
from virtool_api.users.rights import require_administrator
from virtool_api.users.sessions import end_user_sessions
from virtool_api.utils import utc_now

USER_EXISTS = BadRequest.declare("User already exists")
GROUP_DOES_NOT_EXIST = BadRequest.declare("Group does not exist")
OWN_ADMINISTRATOR = BadRequest.declare("Users cannot remove their own administrator role")
OWN_DEACTIVATION = BadRequest.declare("Users cannot deactivate their own account")
OWN_REMOVAL = BadRequest.declare("Users cannot remove their own account")


async def create_user(
    ctx: Context, handle: str, administrator: bool = False, groups: list[str] | None = None
) -> dict[str, Any]:
    try:
        return await insert_with_random_id(
            ctx.db.users,
            {
                "handle": handle,
                "administrator": administrator,
                "groups": groups or [],
                "active": True,
                "created_at": utc_now(),
            },
        )
    except DuplicateKeyError:
        raise USER_EXISTS from None


def user_ref(user: dict[str, Any]) -> dict[str, str]:
    """How documents name a user: `{id, handle}`."""
    return {"id": user["_id"], "handle": user["handle"]}


async def render_users(ctx: Context, documents: list[dict[str, Any]]) -> list[User]:
    """Users with their groups named (`{id, name}`), in one group lookup for the whole list."""
    group_ids = {group_id for document in documents for group_id in document.get("groups", [])}
    names = {
        group["_id"]: group["name"]
        async for group in ctx.db.groups.find({"_id": {"$in": sorted(group_ids)}}, {"name": 1})
    }
    return [
        User.model_validate(
            {
                "active": True,
                **document,
                "id": document["_id"],
                "has_password": document.get("password") is not None,
                "groups": [
                    {"id": group_id, "name": names[group_id]}
                    for group_id in document.get("groups", [])
                    if group_id in names
                ],
            }
        )
        for document in documents
    ]


async def render_user(ctx: Context, document: dict[str, Any]) -> User:
    return (await render_users(ctx, [document]))[0]


async def list_users(ctx: Context, caller: dict[str, Any]) -> list[User]:
    require_administrator(caller)
    return await render_users(ctx, [document async for document in ctx.db.users.find({}).sort("handle", 1)])


async def get_user(ctx: Context, caller: dict[str, Any], user_id: str) -> User:
    require_administrator(caller)
    document = await ctx.db.users.find_one({"_id": user_id})
    if document is None:
        raise NotFound()
    return await render_user(ctx, document)


async def get_account(ctx: Context, user_id: str) -> User:
    """The user as stored now (after a change the request's copy is stale)."""
    document = await ctx.db.users.find_one({"_id": user_id})
    if document is None:
        raise NotFound()
    return await render_user(ctx, document)


async def find_user(ctx: Context, user_id: str, *fields: str) -> dict[str, Any] | None:
    """The stored user (only `fields`, when named), or None; no rights asked."""
    return await ctx.db.users.find_one({"_id": user_id}, dict.fromkeys(fields, 1) if fields else None)


async def find_user_by_handle(ctx: Context, handle: str) -> dict[str, Any] | None:
    return await ctx.db.users.find_one({"handle": handle})


async def handles_of(ctx: Context, user_ids: set[str]) -> dict[str, str]:
    """The handle of each of `user_ids` that names a user, by id."""
    users = await ctx.db.users.find({"_id": {"$in": sorted(user_ids)}}, {"handle": 1}).to_list(None)
    return {user["_id"]: user["handle"] for user in users}


async def existing_user_ids(ctx: Context, user_ids: list[str]) -> set[str]:
    """Those of `user_ids` that name a user."""
    users = await ctx.db.users.find({"_id": {"$in": user_ids}}, {"_id": 1}).to_list(None)
    return {user["_id"] for user in users}


async def group_exists(ctx: Context, group_id: str) -> bool:
    return await ctx.db.groups.find_one({"_id": group_id}, {"_id": 1}) is not None


async def group_restricting_sharing(ctx: Context, user_id: str) -> dict[str, Any] | None:
    """The first (by name) of the user's groups that restricts sharing (`_id` and `name`), or None."""
    user = await find_user(ctx, user_id, "groups") or {}
    groups = user.get("groups") or []
    if not groups:
        return None
    restricting = {"_id": {"$in": groups}, "restrict_sharing": True}
    found = await ctx.db.groups.find(restricting, {"name": 1}).sort("name", 1).limit(1).to_list(None)
    return found[0] if found else None


async def _checked_groups(ctx: Context, group_ids: list[str]) -> list[str]:
    """`group_ids` without repeats, or 400 when one names no group."""
    unique = list(dict.fromkeys(group_ids))
    if await missing_ids(ctx.db.groups, unique):
        raise GROUP_DOES_NOT_EXIST
    return unique


async def create_user_with_key(
    ctx: Context, handle: str, administrator: bool = False, groups: list[str] | None = None
) -> CreatedUser:
    """A new user and their first API key, whose plaintext is in this answer only."""
    document = await create_user(ctx, handle, administrator, await _checked_groups(ctx, groups or []))
    _, key = await create_api_key(ctx, document["_id"], "first key")
    user = await render_user(ctx, document)
    return CreatedUser.model_validate({**user.model_dump(), "key": key})


async def add_user(ctx: Context, caller: dict[str, Any], request: CreateUserRequest) -> CreatedUser:
    """An administrator creates a user; the answer carries the key to hand to them."""
    require_administrator(caller)
    return await create_user_with_key(ctx, request.handle, request.administrator, request.groups)


async def update_user(
    ctx: Context,
    caller: dict[str, Any],
    user_id: str,
    request: UpdateUserRequest,
    current_session: str | None = None,
) -> User:
    """Change a user's administrator flag, groups, `active` or password. Deactivating revokes their keys and
    ends their sessions; a new password ends their sessions (but not the one an administrator resetting their
    own password is using). Nothing changes unless every change is valid."""
    require_administrator(caller)
    if user_id == caller["_id"]:
        if request.administrator is False:
            raise OWN_ADMINISTRATOR
        if request.active is False:
            raise OWN_DEACTIVATION
    changes = request.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    if password is not None:
        target = await ctx.db.users.find_one({"_id": user_id}, {"handle": 1})
        if target is None:
            raise NotFound()
        check_password_rules(target["handle"], password)
    if "groups" in changes:
        changes["groups"] = await _checked_groups(ctx, changes["groups"])
    if changes:
        document = await ctx.db.users.find_one_and_update(
            {"_id": user_id}, {"$set": changes}, return_document=ReturnDocument.AFTER
        )
    else:
        document = await ctx.db.users.find_one({"_id": user_id})
    if document is None:
        raise NotFound()
    if password is not None:
        keep = current_session if user_id == caller["_id"] else None
        await reset_password(ctx, document, password, current_session=keep)
        document = await ctx.db.users.find_one({"_id": user_id}) or document
    if request.active is False:
        # The key and session checks already refuse inactive users; removing both makes it permanent.
        await revoke_user_keys(ctx, user_id)
        await end_user_sessions(ctx, user_id)
    return await render_user(ctx, document)


async def delete_user(ctx: Context, caller: dict[str, Any], user_id: str) -> None:
    """Remove a user, revoke their keys and end their sessions. What they own (samples, analyses) stays,
    still naming them."""
    require_administrator(caller)
    if user_id == caller["_id"]:
        raise OWN_REMOVAL
    result = await ctx.db.users.delete_one({"_id": user_id})
    if result.deleted_count == 0:
        raise NotFound()
    await revoke_user_keys(ctx, user_id)
    await end_user_sessions(ctx, user_id)


async def replace_keys(ctx: Context, handle: str, name: str) -> tuple[str, int]:
    """Revoke every API key of the user called `handle` and give them one new key: `(key, revoked)`.

    The operator's way back in when a key is lost: whichever key was lost stops working. The new key is
    made first, so the user is never left without one if this is interrupted.
    """
    document = await ctx.db.users.find_one({"handle": handle})
    if document is None:
        raise USER_DOES_NOT_EXIST
    created, key = await create_api_key(ctx, document["_id"], name)
    revoked = await ctx.db.keys.delete_many({"user.id": document["_id"], "_id": {"$ne": created["_id"]}})
    return key, revoked.deleted_count


async def has_administrator(ctx: Context) -> bool:
    """Whether an active administrator exists (someone can manage users over the public API)."""
    return await ctx.db.users.count_documents({"administrator": True, "active": {"$ne": False}}) > 0
