"""Public routes for identity: users and groups (administrators), and the caller's own account and keys."""

from typing import Any

from aiohttp import web

from virtool_api.api.keys import CONTEXT, SESSION, USER
from virtool_api.api.origin import client_address
from virtool_api.api.routes import SMALL_FORM, ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.users import credentials, groups, keys, passwords, service, throttle
from virtool_api.users.models import (
    ApiKey,
    CreatedApiKey,
    CreatedUser,
    CreateGroupRequest,
    CreateKeyRequest,
    CreateUserRequest,
    Group,
    UpdateAccountRequest,
    UpdateGroupRequest,
    UpdateUserRequest,
    User,
)

routes = ApiRoutes("users")
group_routes = ApiRoutes("groups")
account_routes = ApiRoutes("account")

PASSWORD_RULES = (
    passwords.TOO_SHORT,
    passwords.TOO_LONG,
    passwords.CONTAINS_HANDLE,
)


def _models(items: list[Any]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json") for item in items]


@routes.get("/users", response=list[User], errors=(InsufficientRights,))
async def list_users(request: web.Request) -> list[dict[str, Any]]:
    """List every user (administrators)."""
    return _models(await service.list_users(request.app[CONTEXT], request[USER]))


@routes.post(
    "/users",
    body=CreateUserRequest,
    max_body=SMALL_FORM,
    response=CreatedUser,
    status=201,
    errors=(
        service.USER_EXISTS,
        service.GROUP_DOES_NOT_EXIST,
        InsufficientRights,
    ),
)
async def create_user(request: web.Request, body: CreateUserRequest) -> web.Response:
    """Create a user (administrators); the answer carries their first API key, shown only once."""
    user = await service.add_user(request.app[CONTEXT], request[USER], body)
    return created(user, f"/api/users/{user.id}")


@routes.get("/users/{user_id}", response=User, errors=(InsufficientRights, NotFound))
async def get_user(request: web.Request) -> User:
    """Get a user (administrators)."""
    return await service.get_user(request.app[CONTEXT], request[USER], request.match_info["user_id"])


@routes.patch(
    "/users/{user_id}",
    body=UpdateUserRequest,
    max_body=SMALL_FORM,
    response=User,
    errors=(
        service.GROUP_DOES_NOT_EXIST,
        service.OWN_ADMINISTRATOR,
        service.OWN_DEACTIVATION,
        *PASSWORD_RULES,
        InsufficientRights,
        NotFound,
    ),
)
async def update_user(request: web.Request, body: UpdateUserRequest) -> User:
    """Change a user's administrator flag, groups, `active` or password (administrators).

    Deactivating revokes the user's keys and ends their sessions; setting a password ends their sessions.
    """
    return await service.update_user(
        request.app[CONTEXT], request[USER], request.match_info["user_id"], body, request.get(SESSION)
    )


@routes.delete(
    "/users/{user_id}",
    status=204,
    errors=(service.OWN_REMOVAL, InsufficientRights, NotFound),
)
async def delete_user(request: web.Request) -> None:
    """Remove a user and revoke their keys (administrators)."""
    await service.delete_user(request.app[CONTEXT], request[USER], request.match_info["user_id"])


@group_routes.get("/groups", response=list[Group])
async def list_groups(request: web.Request) -> list[dict[str, Any]]:
    """List every group (any signed-in user, to choose a group for their samples)."""
    return _models(await groups.list_groups(request.app[CONTEXT]))


@group_routes.post(
    "/groups",
    body=CreateGroupRequest,
    max_body=SMALL_FORM,
    response=Group,
    status=201,
    errors=(groups.GROUP_EXISTS, InsufficientRights),
)
async def create_group(request: web.Request, body: CreateGroupRequest) -> web.Response:
    """Create a group (administrators)."""
    group = await groups.create_group(request.app[CONTEXT], request[USER], body)
    return created(group, f"/api/groups/{group.id}")


@group_routes.get("/groups/{group_id}", response=Group, errors=(NotFound,))
async def get_group(request: web.Request) -> Group:
    """Get a group."""
    return await groups.get_group(request.app[CONTEXT], request.match_info["group_id"])


@group_routes.patch(
    "/groups/{group_id}",
    body=UpdateGroupRequest,
    max_body=SMALL_FORM,
    response=Group,
    errors=(groups.GROUP_EXISTS, InsufficientRights, NotFound),
)
async def update_group(request: web.Request, body: UpdateGroupRequest) -> Group:
    """Rename a group or change its `restrict_sharing` (administrators)."""
    return await groups.update_group(
        request.app[CONTEXT], request[USER], request.match_info["group_id"], body
    )


@group_routes.delete("/groups/{group_id}", status=204, errors=(InsufficientRights, NotFound))
async def delete_group(request: web.Request) -> None:
    """Remove a group: its members leave it and samples shared with it lose their `group` (administrators)."""
    await groups.delete_group(request.app[CONTEXT], request[USER], request.match_info["group_id"])


@account_routes.get("/account", response=User)
async def get_account(request: web.Request) -> User:
    """Who the caller is."""
    return await service.render_user(request.app[CONTEXT], request[USER])


@account_routes.patch(
    "/account",
    body=UpdateAccountRequest,
    max_body=SMALL_FORM,
    response=User,
    errors=(
        credentials.INVALID_CREDENTIALS,
        credentials.OLD_PASSWORD_REQUIRED,
        *PASSWORD_RULES,
        NotFound,
        throttle.THROTTLED,
    ),
)
async def update_account(request: web.Request, body: UpdateAccountRequest) -> User:
    """Change the caller's password (`old_password` once they have one); their other sessions end."""
    ctx = request.app[CONTEXT]
    user = request[USER]
    await credentials.change_own_password(
        ctx, user, body.old_password, body.password, request.get(SESSION), client_address(request)
    )
    return await service.get_account(ctx, user["_id"])


@account_routes.get("/account/keys", response=list[ApiKey])
async def list_keys(request: web.Request) -> list[dict[str, Any]]:
    """The caller's API keys: names and dates, never the keys themselves."""
    return _models(await keys.list_keys(request.app[CONTEXT], request[USER]))


@account_routes.post(
    "/account/keys",
    body=CreateKeyRequest,
    max_body=SMALL_FORM,
    response=CreatedApiKey,
    status=201,
)
async def create_key(request: web.Request, body: CreateKeyRequest) -> web.Response:
    """Create an API key for the caller; the plaintext `key` is shown in this answer only."""
    key = await keys.create_key_for(request.app[CONTEXT], request[USER], body.name)
    return created(key, f"/api/account/keys/{key.id}")


@account_routes.delete("/account/keys/{key_id}", status=204, errors=(NotFound,))
async def delete_key(request: web.Request) -> None:
    """Revoke one of the caller's API keys."""
    await keys.revoke_key(request.app[CONTEXT], request[USER], request.match_info["key_id"])
