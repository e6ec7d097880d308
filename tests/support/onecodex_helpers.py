"""Building blocks for the One Codex API tests (`tests/onecodex/`): finalized samples, projects and tags
stored directly, and the query string of a `/api/v1` listing."""

import json
from typing import Any

from virtool_api.samples.service import create_sample
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now


async def stored_sample(ctx, owner: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A finalized private sample of `owner` that nobody else may read unless `fields` say so."""
    defaults = {
        "ready": True,
        "status": "available",
        "all_read": False,
        "all_write": False,
        "group_read": False,
        "group_write": False,
        "filename": "reads.fq.gz",
        "size": 1234,
    }
    return await create_sample(
        ctx,
        name=fields.pop("name", f"Sample {utc_now().isoformat()}"),
        user={"id": owner["_id"], "handle": owner["handle"]},
        **{**defaults, **fields},
    )


async def make_tag(ctx, owner: dict[str, Any], name: str) -> str:
    tag = await insert_with_random_id(
        ctx.db.tags,
        {"name": name, "user": {"id": owner["_id"], "handle": owner["handle"]}, "created_at": utc_now()},
    )
    return tag["_id"]


def listing(where: dict[str, Any] | None = None, **params: Any) -> dict[str, str]:
    query = {key: str(value) for key, value in params.items()}
    if where is not None:
        query["where"] = json.dumps(where)
    return query
