"""Our stored documents in One Codex's shapes.

A sample's metadata record is a view of the sample document's free-form `metadata` field and shares the
sample's id (`/api/v1/metadata/{sample id}`): every sample has exactly one, as on One Codex.
"""

from typing import Any

from virtool_api.context import Context
from virtool_api.onecodex.models import Ref, V1Metadata, V1Sample, V1Tag, ref, uri
from virtool_api.tags.service import names_of_tags


def render_tag(tag_id: str, name: str) -> V1Tag:
    return V1Tag.model_validate({"$uri": uri("tags", tag_id), "name": name})


def render_metadata(sample: dict[str, Any]) -> V1Metadata:
    fields = sample.get("metadata") or {}
    return V1Metadata.model_validate(
        {
            **fields,
            "$uri": uri("metadata", sample["_id"]),
            "sample": {"$ref": uri("samples", sample["_id"])},
        }
    )


async def tag_names(ctx: Context, samples: list[dict[str, Any]]) -> dict[str, str]:
    """The names of the tags `samples` carry, in one query."""
    tag_ids = sorted({tag_id for sample in samples for tag_id in sample.get("tags") or []})
    if not tag_ids:
        return {}
    return await names_of_tags(ctx, tag_ids)


def render_sample(sample: dict[str, Any], names: dict[str, str] | None = None) -> V1Sample:
    """The sample with references; with `names` (expand=all), its tags and metadata embedded.

    The owner and the project stay references either way: reading them has rules of its own.
    """
    tags: list[Any] = []
    for tag_id in sample.get("tags") or []:
        if names is not None and tag_id in names:
            tags.append(render_tag(tag_id, names[tag_id]))
        else:
            tags.append(ref("tags", tag_id))
    metadata: V1Metadata | Ref = (
        render_metadata(sample) if names is not None else ref("metadata", sample["_id"])
    )
    return V1Sample.model_validate(
        {
            "$uri": uri("samples", sample["_id"]),
            "created_at": sample["created_at"],
            "updated_at": sample.get("updated_at") or sample["created_at"],
            "status": sample["status"],
            "visibility": sample["visibility"],
            "filename": sample.get("filename"),
            "size": sample.get("size"),
            "error_msg": sample.get("error_msg"),
            "owner": ref("users", sample["user"]["id"]),
            "metadata": metadata,
            "project": ref("projects", sample["project"]) if sample.get("project") else None,
            "tags": tags,
        }
    )


async def render_samples(ctx: Context, samples: list[dict[str, Any]], expand: bool) -> list[V1Sample]:
    names = await tag_names(ctx, samples) if expand else None
    return [render_sample(sample, names) for sample in samples]
