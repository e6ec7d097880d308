"""Signing in with a password, and the rules for setting one.

A user may have no password (they use API keys only); they can still choose one with an API key
(`PATCH /account` without `old_password`), or an administrator sets it. A failed sign-in never tells whether
the handle exists: unknown handles, users without a password, inactive users and wrong passwords all get the
same 400 after the same argon2 work.
"""

from typing import Any

from virtool_api.context import Context
from virtool_api.errors import BadRequest, NotFound
from virtool_api.users import throttle
from virtool_api.users.passwords import check_password_rules, hash_password, verify_password
from virtool_api.users.sessions import create_session, end_user_sessions

INVALID_SIGN_IN = BadRequest.declare("Invalid handle or password")
INVALID_CREDENTIALS = BadRequest.declare("Invalid credentials")
USER_DOES_NOT_EXIST = NotFound.declare("User does not exist")
OLD_PASSWORD_REQUIRED = BadRequest.declare("The current password is required to change it")


async def sign_in(
    ctx: Context, handle: str, password: str, remember: bool, address: str
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Start a session for `handle`: `(user, session, token)`. 429 while throttled, 400 on any failure."""
    attempt = await throttle.reserve_check(ctx, handle, address)  # before hashing: 429 takes no check
    user = await ctx.db.users.find_one({"handle": handle})
    stored = user.get("password") if user is not None and user.get("active") is not False else None
    matches = await verify_password(stored, password)  # always hashes, even for an unknown handle
    if not matches or user is None:
        await throttle.failed(ctx, attempt)
        raise INVALID_SIGN_IN
    await throttle.succeeded(ctx, attempt)
    session, token = await create_session(ctx, user["_id"], remember)
    return user, session, token


async def _store_password(ctx: Context, user: dict[str, Any], password: str) -> None:
    check_password_rules(user["handle"], password)
    result = await ctx.db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"password": await hash_password(password)}}
    )
    if result.matched_count == 0:
        raise NotFound()


async def change_own_password(
    ctx: Context,
    user: dict[str, Any],
    old_password: str | None,
    password: str,
    current_session: str | None,
    address: str,
) -> None:
    """The caller changes their password; every other session of theirs ends (API keys stay).

    A user who has a password must give it (400 "Invalid credentials" otherwise; wrong guesses count towards
    the sign-in throttle, so a stolen session cannot be used to guess the password). A user without one sets
    their first password with just `password`.
    """
    if user.get("password") is not None:
        if old_password is None:
            raise OLD_PASSWORD_REQUIRED
        attempt = await throttle.reserve_check(ctx, user["handle"], address)
        if not await verify_password(user["password"], old_password):
            await throttle.failed(ctx, attempt)
            raise INVALID_CREDENTIALS
        await throttle.succeeded(ctx, attempt)
    await _store_password(ctx, user, password)
    await end_user_sessions(ctx, user["_id"], keep=current_session)


async def reset_password(
    ctx: Context, user: dict[str, Any], password: str, current_session: str | None = None
) -> None:
    """An administrator (or the operator's CLI) sets `user`'s password; all of the user's sessions end,
    except the one the request came from when administrators reset their own."""
    await _store_password(ctx, user, password)
    await end_user_sessions(ctx, user["_id"], keep=current_session)


async def reset_password_by_handle(ctx: Context, handle: str, password: str) -> None:
    """The CLI's way in: set the password of the user called `handle` (404 "User does not exist")."""
    user = await ctx.db.users.find_one({"handle": handle})
    if user is None:
        raise USER_DOES_NOT_EXIST
    await reset_password(ctx, user, password)
