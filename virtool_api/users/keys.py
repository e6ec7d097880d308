"""API keys: random 256-bit secrets, shown once, stored only as SHA-256 hashes (nothing to brute-force)."""

import hashlib
import secrets
from typing import Any

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.pagination import OLDEST_FIRST
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.steps import FindOne, Steps, run_steps
from virtool_api.users.models import ApiKey, CreatedApiKey
from virtool_api.utils import utc_now


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(ctx: Context, user_id: str, name: str) -> tuple[dict[str, Any], str]:
    """Return the stored key document and the plaintext key, which is never stored."""
    key = secrets.token_hex(32)
    document = await insert_with_random_id(
        ctx.db.keys,
        {"name": name, "user": {"id": user_id}, "hash": hash_key(key), "created_at": utc_now()},
    )
    return document, key


async def user_for_key(ctx: Context, key: str, handle: str | None = None) -> dict[str, Any] | None:
    """The active user owning `key` (and called `handle`, when one is given), or None: the key and its user
    in one round trip (`storage/steps.py`)."""
    return await run_steps(ctx.db, user_for_key_steps(key, handle))


def user_for_key_steps(key: str, handle: str | None = None) -> Steps[dict[str, Any] | None]:
    """`user_for_key` as steps, to run with others in the same round trip."""
    if not key:
        return None
    return (yield from _user_for_key(hash_key(key), handle))


def _user_for_key(key_hash: str, handle: str | None) -> Steps[dict[str, Any] | None]:
    document = yield FindOne("keys", {"hash": key_hash})
    if document is None:
        return None
    user = yield FindOne("users", {"_id": document["user"]["id"]})
    if user is None or user.get("active") is False:
        return None
    if handle is not None and user["handle"] != handle:
        return None
    return user


def render_key(document: dict[str, Any]) -> ApiKey:
    return ApiKey.model_validate({**document, "id": document["_id"]})


async def list_keys(ctx: Context, user: dict[str, Any]) -> list[ApiKey]:
    """The caller's own keys, oldest first (`_id` breaks ties, so the order is the same on every read and
    store), without the secret or its hash."""
    cursor = ctx.db.keys.find({"user.id": user["_id"]}, {"hash": 0}).sort(OLDEST_FIRST)
    return [render_key(document) async for document in cursor]


async def create_key_for(ctx: Context, user: dict[str, Any], name: str) -> CreatedApiKey:
    """A new key for the caller; the plaintext is in this answer and nowhere else."""
    document, key = await create_api_key(ctx, user["_id"], name)
    return CreatedApiKey.model_validate({**document, "id": document["_id"], "key": key})


async def revoke_key(ctx: Context, user: dict[str, Any], key_id: str) -> None:
    """Revoke one of the caller's keys; someone else's key is "not found", not "forbidden"."""
    result = await ctx.db.keys.delete_one({"_id": key_id, "user.id": user["_id"]})
    if result.deleted_count == 0:
        raise NotFound()


async def revoke_user_keys(ctx: Context, user_id: str) -> int:
    result = await ctx.db.keys.delete_many({"user.id": user_id})
    return result.deleted_count
