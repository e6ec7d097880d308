"""Public API under `/api/v1` (`virtool_api/onecodex/public_api.py`), One Codex's wire format by plain HTTP:
changing a sample (the specification's PATCH: visibility, project, tags) and removing it.
"""

import pytest

from tests.support.onecodex_helpers import make_tag, stored_sample
from tests.support.projects_helpers import make_project, member
from virtool_api.utils import as_utc


async def test_update_visibility_project_and_tags(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner, can_add_files=True)])
    first, second = await make_tag(ctx, owner, "first"), await make_tag(ctx, owner, "second")
    sample = await stored_sample(ctx, owner, tags=[first])

    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}",
        json={
            "visibility": "shared",
            "project": {"$ref": f"/api/v1/projects/{project}"},
            "tags": [{"$ref": f"/api/v1/tags/{second}"}, first],
        },
        headers=headers,
    )
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["visibility"] == "shared"
    assert body["project"] == {"$ref": f"/api/v1/projects/{project}"}
    assert body["tags"] == [
        {"$uri": f"/api/v1/tags/{second}", "name": "second"},
        {"$uri": f"/api/v1/tags/{first}", "name": "first"},
    ]
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert (stored["visibility"], stored["project"], stored["tags"]) == ("shared", project, [second, first])
    assert as_utc(stored["updated_at"]) > sample["updated_at"]

    # Virtool's own path shows the same change, in its references.
    virtool = await (await public_client.get(f"/api/samples/{sample['_id']}", headers=headers)).json()
    assert virtool["project"] == {"$ref": f"/api/projects/{project}"}
    assert virtool["visibility"] == "shared"

    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}", json={"project": None, "tags": []}, headers=headers
    )
    body = await response.json()
    assert (body["project"], body["tags"], body["visibility"]) == (None, [], "shared")


async def test_update_project_by_id_and_by_virtool_reference(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner, can_add_files=True)])
    sample = await stored_sample(ctx, owner)
    url = f"/api/v1/samples/{sample['_id']}"

    for value in (project, {"$ref": f"/api/projects/{project}"}):
        await public_client.patch(url, json={"project": None}, headers=headers)
        response = await public_client.patch(url, json={"project": value}, headers=headers)
        assert response.status == 200, await response.text()
        assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["project"] == project


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"visibility": "secret"}, "Invalid value for field: visibility"),
        ({"visibility": "Public"}, "Invalid value for field: visibility"),
        ({"visibility": None}, "Invalid value for field: visibility"),
        ({"project": "p" * 17}, "Invalid value for field: project"),
        ({"tags": ["t" * 17]}, "Invalid value for field: tags"),
        ({"project": {"$ref": "/api/v1/tags/abc"}}, "Invalid value for field: project"),
        ({"project": {"$ref": "/api/v1/samples/abc"}}, "Invalid value for field: project"),
        ({"tags": [{"$ref": "/api/v1/projects/abc"}]}, "Invalid value for field: tags"),
        ({"tags": [{"$ref": "/api/v1/users/abc"}]}, "Invalid value for field: tags"),
        ({"project": {"$ref": "/api/v1/projects/abc", "name": "x"}}, "Invalid value for field: project"),
        ({"tags": None}, "Invalid value for field: tags"),
        ({"tags": "abc"}, "Invalid value for field: tags"),
        ({"created_at": "2020-01-01T00:00:00+00:00"}, "Unknown or read-only field: created_at"),
        ({"updated_at": "2020-01-01T00:00:00+00:00"}, "Unknown or read-only field: updated_at"),
        ({"$uri": "/api/v1/samples/x"}, "Unknown or read-only field: $uri"),
        ({"owner": {"$ref": "/api/v1/users/x"}}, "Unknown or read-only field: owner"),
        ({"status": "available"}, "Unknown or read-only field: status"),
        ({"filename": "other.fq.gz"}, "Unknown or read-only field: filename"),
        ({"size": 1}, "Unknown or read-only field: size"),
        ({"error_msg": None}, "Unknown or read-only field: error_msg"),
        ({"metadata": {"$ref": "/api/v1/metadata/x"}}, "Unknown or read-only field: metadata"),
        ({"primary_classification": None}, "Unknown or read-only field: primary_classification"),
        ({"name": "Renamed"}, "Unknown or read-only field: name"),
    ],
)
async def test_update_sample_refuses_what_the_specification_does_not_allow(
    ctx, factory, public_client, body, message
):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    response = await public_client.patch(f"/api/v1/samples/{sample['_id']}", json=body, headers=headers)
    assert response.status == 400
    answer = await response.json()
    assert (answer["id"], answer["message"]) == ("bad_request", message)
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert as_utc(stored["updated_at"]) == sample["updated_at"]
    assert (stored["visibility"], stored["project"], stored["tags"]) == ("private", None, [])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"project": "noproject"}, "Project does not exist"),
        ({"project": {"$ref": "/api/v1/projects/noproject"}}, "Project does not exist"),
        ({"tags": [{"$ref": "/api/v1/tags/notag"}]}, "Tags do not exist: notag"),
    ],
)
async def test_update_sample_with_missing_reference(ctx, factory, public_client, body, message):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    response = await public_client.patch(f"/api/v1/samples/{sample['_id']}", json=body, headers=headers)
    assert (response.status, await response.json()) == (400, {"id": "bad_request", "message": message})


async def test_update_sample_into_a_project_needs_its_add_permission(ctx, factory, public_client):
    owner, headers = await factory.person()
    other, _ = await factory.person()
    project = await make_project(ctx, other, [member(other), member(owner, can_add_files=False)])
    sample = await stored_sample(ctx, owner)
    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}",
        json={"project": {"$ref": f"/api/v1/projects/{project}"}},
        headers=headers,
    )
    assert response.status == 403
    assert (await response.json())["message"] == "Insufficient rights to add samples to this project"
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["project"] is None


async def test_sharing_restriction_applies_to_one_codex_too(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    await ctx.db.settings.update_one({"_id": "server"}, {"$set": {"restrict_sharing": True}}, upsert=True)
    response = await public_client.patch(
        f"/api/v1/samples/{sample['_id']}", json={"visibility": "public"}, headers=headers
    )
    assert (response.status, (await response.json())["message"]) == (403, "Sharing is restricted")
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["visibility"] == "private"


async def test_project_member_with_edit_permission_may_change_sharing(ctx, factory, public_client):
    owner, _ = await factory.person()
    editor, editor_headers = await factory.person()
    viewer, viewer_headers = await factory.person()
    project = await make_project(
        ctx, owner, [member(owner), member(editor, can_edit_metadata=True), member(viewer)]
    )
    sample = await stored_sample(ctx, owner, project=project)
    url = f"/api/v1/samples/{sample['_id']}"

    assert (
        await public_client.patch(url, json={"visibility": "shared"}, headers=viewer_headers)
    ).status == 403
    response = await public_client.patch(url, json={"visibility": "shared"}, headers=editor_headers)
    assert response.status == 200, await response.text()


async def test_remove_sample(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner)
    response = await public_client.delete(f"/api/v1/samples/{sample['_id']}", headers=headers)
    assert response.status == 204
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert (await public_client.get(f"/api/v1/samples/{sample['_id']}", headers=headers)).status == 404
    assert (await public_client.get(f"/api/samples/{sample['_id']}", headers=headers)).status == 404


async def test_remove_sample_being_created_is_409(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, owner, ready=False, status="importing")
    job = await factory.create_sample_job(sample)
    assert job["state"] == "waiting"
    response = await public_client.delete(f"/api/v1/samples/{sample['_id']}", headers=headers)
    assert (response.status, (await response.json())["message"]) == (409, "Sample is still being created")
