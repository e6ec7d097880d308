"""Building blocks for the sample tests over the public API: uploads and `POST /api/samples`, finalized
samples stored directly, groups and projects, and the bodies several of those tests expect."""

from typing import Any

from tests.support.reads import FASTQ_GZ, QUALITY, multipart_file
from virtool_api.samples.documents import create_sample
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now


async def upload(client, headers: dict[str, str], name: str = "reads_1.fq.gz") -> dict[str, Any]:
    response = await client.post(
        f"/api/uploads?name={name}&type=reads", data=multipart_file(FASTQ_GZ, name), headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def create(client, headers: dict[str, str], **fields: Any):
    """POST /samples with one fresh upload unless `files` is given."""
    if "files" not in fields:
        fields["files"] = [(await upload(client, headers))["id"]]
    return await client.post("/api/samples", json={"name": "Tomato 1", **fields}, headers=headers)


async def stored_sample(ctx, factory, owner: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A finalized sample of `owner`, private, readable by no one else unless `fields` say so."""
    defaults = {
        "ready": True,
        "quality": QUALITY,
        "status": "available",
        "all_read": False,
        "all_write": False,
        "group_read": False,
        "group_write": False,
    }
    return await create_sample(
        ctx,
        name=fields.pop("name", f"Sample {utc_now().timestamp()}-{len(fields)}-{id(fields)}"),
        user={"id": owner["_id"], "handle": owner["handle"]},
        **{**defaults, **fields},
    )


SHARING_RESTRICTED_BY_SETTING = {
    "id": "insufficient_rights",
    "message": "Sharing is restricted",
    "restricted_by": {"setting": "restrict_sharing"},
    "hint": "The server's restrict_sharing setting is on; an administrator can turn it off with "
    'PATCH /api/settings {"restrict_sharing": false}.',
}


async def make_group(ctx, name: str, restrict_sharing: bool = False) -> str:
    group = await insert_with_random_id(
        ctx.db.groups, {"name": name, "restrict_sharing": restrict_sharing, "created_at": utc_now()}
    )
    return group["_id"]
