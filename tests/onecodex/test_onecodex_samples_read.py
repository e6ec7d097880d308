"""Public API under `/api/v1` (`virtool_api/onecodex/public_api.py`), One Codex's wire format by plain HTTP:
reading a sample, its shape and what `expand=all` embeds.

`tests/onecodex/test_onecodex_client.py` drives the same routes with One Codex's own client.
"""

from datetime import datetime

from tests.support.onecodex_helpers import make_tag, stored_sample
from tests.support.projects_helpers import make_project, member
from virtool_api.utils import as_utc


async def test_get_sample_in_one_codex_shape(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner)])
    tag = await make_tag(ctx, owner, "grapevine")
    sample = await stored_sample(ctx, owner, project=project, tags=[tag], metadata={"name": "Vine 7"})

    response = await public_client.get(f"/api/v1/samples/{sample['_id']}", headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body == {
        "$uri": f"/api/v1/samples/{sample['_id']}",
        "created_at": as_utc(sample["created_at"]).isoformat(),
        "updated_at": as_utc(sample["updated_at"]).isoformat(),
        "status": "available",
        "visibility": "private",
        "filename": "reads.fq.gz",
        "size": 1234,
        "error_msg": None,
        "owner": {"$ref": f"/api/v1/users/{owner['_id']}"},
        "metadata": {"$ref": f"/api/v1/metadata/{sample['_id']}"},
        "primary_classification": None,
        "project": {"$ref": f"/api/v1/projects/{project}"},
        "tags": [{"$ref": f"/api/v1/tags/{tag}"}],
    }
    assert body["created_at"].endswith("+00:00")
    assert datetime.fromisoformat(body["created_at"]) == as_utc(sample["created_at"])


async def test_get_sample_with_expand_all_embeds_tags_and_metadata(ctx, factory, public_client):
    owner, headers = await factory.person()
    tag = await make_tag(ctx, owner, "grapevine")
    sample = await stored_sample(ctx, owner, tags=[tag], metadata={"name": "Vine 7", "custom": {"row": 3}})

    response = await public_client.get(f"/api/v1/samples/{sample['_id']}?expand=all", headers=headers)
    body = await response.json()
    assert body["tags"] == [{"$uri": f"/api/v1/tags/{tag}", "name": "grapevine"}]
    assert body["metadata"] == {
        "$uri": f"/api/v1/metadata/{sample['_id']}",
        "sample": {"$ref": f"/api/v1/samples/{sample['_id']}"},
        "name": "Vine 7",
        "custom": {"row": 3},
        "starred": False,
    }
    assert body["owner"] == {"$ref": f"/api/v1/users/{owner['_id']}"}


async def test_updated_at_is_never_null(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    await ctx.db.samples.update_one({"_id": sample["_id"]}, {"$set": {"updated_at": None}})
    body = await (await public_client.get(f"/api/v1/samples/{sample['_id']}", headers=headers)).json()
    assert body["updated_at"] == body["created_at"]
