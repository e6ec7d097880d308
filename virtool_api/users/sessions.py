"""Browser sessions: a random 256-bit token in a cookie, stored only as its SHA-256 hash, with an expiry.

A session lasts a day, or 30 days when the person asked to be remembered; the expiry is fixed when the session
starts. Signing out ends one session; changing a password, a password reset, deactivation and deletion end
all of the user's sessions (a password change keeps the one it was made from).
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from virtool_api.context import Context
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.steps import FindOne, Steps, run_steps
from virtool_api.utils import utc_now

SESSION_LIFETIME = timedelta(days=1)
REMEMBERED_SESSION_LIFETIME = timedelta(days=30)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_session(ctx: Context, user_id: str, remember: bool) -> tuple[dict[str, Any], str]:
    """Start a session; return its stored document and the token, which is in this answer only."""
    now = utc_now()
    token = secrets.token_urlsafe(32)
    lifetime = REMEMBERED_SESSION_LIFETIME if remember else SESSION_LIFETIME
    # Expired sessions are useless; sweeping them here keeps the collection as small as the live ones.
    await ctx.db.sessions.delete_many({"expires_at": {"$lte": now}})
    document = await insert_with_random_id(
        ctx.db.sessions,
        {
            "user": {"id": user_id},
            "hash": hash_token(token),
            "remember": remember,
            "created_at": now,
            "expires_at": now + lifetime,
        },
    )
    return document, token


async def find_session(ctx: Context, token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """`(session, user)` for an unexpired session of an active user, or None: both in one round trip."""
    return await run_steps(ctx.db, session_and_user_steps(token))


def session_and_user_steps(token: str) -> Steps[tuple[dict[str, Any], dict[str, Any]] | None]:
    """`find_session` as steps, to run with others in the same round trip."""
    if not token or len(token) > 128:
        return None
    return (yield from _session_and_user(hash_token(token)))


def _session_and_user(token_hash: str) -> Steps[tuple[dict[str, Any], dict[str, Any]] | None]:
    session = yield FindOne("sessions", {"hash": token_hash, "expires_at": {"$gt": utc_now()}})
    if session is None:
        return None
    user = yield FindOne("users", {"_id": session["user"]["id"]})
    if user is None or user.get("active") is False:
        return None
    return session, user


async def end_session(ctx: Context, session_id: str) -> None:
    await ctx.db.sessions.delete_one({"_id": session_id})


async def end_user_sessions(ctx: Context, user_id: str, keep: str | None = None) -> int:
    """End every session of the user, except `keep` (the session a password change was made from)."""
    query: dict[str, Any] = {"user.id": user_id}
    if keep is not None:
        query["_id"] = {"$ne": keep}
    result = await ctx.db.sessions.delete_many(query)
    return result.deleted_count
