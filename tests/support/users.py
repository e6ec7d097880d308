"""What the users, groups and account tests share: the public API's 401 body and a group stored as creating
one would store it."""

from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now


async def group(ctx, name: str = "Lab", restrict_sharing: bool = False) -> dict:
    return await insert_with_random_id(
        ctx.db.groups, {"name": name, "restrict_sharing": restrict_sharing, "created_at": utc_now()}
    )
