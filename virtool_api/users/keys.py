"""API keys: random 256-bit secrets, shown once, stored only as SHA-256 hashes (nothing to brute-force)."""

import hashlib
import secrets
from typing import Any

from virtool_api.context import Context
from virtool_api.storage.mongo import insert_with_random_id
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
    """The active user owning `key` (and called `handle`, when one is given), or None."""
    if not key:
        return None
    document = await ctx.db.keys.find_one({"hash": hash_key(key)})
    if document is None:
        return None
    user = await ctx.db.users.find_one({"_id": document["user"]["id"]})
    if user is None or user.get("active") is False:
        return None
    if handle is not None and user["handle"] != handle:
        return None
    return user
