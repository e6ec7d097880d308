"""Users: who may call the public API, and what they are (administrator, groups)."""

from typing import Any

from pymongo.errors import DuplicateKeyError

from virtool_api.context import Context
from virtool_api.errors import BadRequest
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now


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
        raise BadRequest("User already exists") from None


def user_ref(user: dict[str, Any]) -> dict[str, str]:
    """How documents name a user: `{id, handle}`."""
    return {"id": user["_id"], "handle": user["handle"]}
