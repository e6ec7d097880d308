"""Samples to analyse in the public API's analyses tests: owned by someone, readable by everyone unless the
test makes them private (`PRIVATE`)."""

from typing import Any

from virtool_api.samples.documents import create_sample
from virtool_api.users.service import user_ref
from virtool_api.utils import random_id

PRIVATE = {"all_read": False, "all_write": False, "group_read": False, "group_write": False}


async def sample_of(ctx, owner: dict[str, Any], ready: bool = True, **fields: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A sample owned by `owner`, readable by everyone unless `fields` say otherwise."""
    extra = {"ready": True, "status": "available"} if ready else {}
    return await create_sample(
        ctx, name=f"Sample {random_id(6)}", user=user_ref(owner), **{**extra, **fields}
    )
