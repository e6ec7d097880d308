"""Public API: samples (`virtool_api/samples/public_api.py`): changing a sample (`PATCH /api/samples/{id}`)
and its rights (`PATCH /api/samples/{id}/rights`)."""

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.projects_helpers import make_project, member
from tests.support.samples_helpers import SHARING_RESTRICTED_BY_SETTING, make_group, stored_sample
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import as_utc, utc_now

# PATCH /samples/{id}


async def test_update_sample_fields(ctx, factory, public_client):
    owner, headers = await factory.person()
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    subtraction = await insert_with_random_id(ctx.db.subtractions, {"name": "Tomato genome"})
    sample = await stored_sample(ctx, factory, owner, name="Before")
    changes = {
        "name": "After",
        "host": "Tomato",
        "isolate": "A",
        "locale": "Field 3",
        "notes": "Leaf curl",
        "labels": [label["_id"]],
        "subtractions": [subtraction["_id"]],
        "visibility": "public",
    }
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=changes, headers=headers)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert {key: body[key] for key in ("name", "host", "isolate", "locale", "notes", "visibility")} == {
        key: changes[key] for key in ("name", "host", "isolate", "locale", "notes", "visibility")
    }
    assert body["labels"][0]["id"] == label["_id"]
    assert body["subtractions"] == [{"id": subtraction["_id"], "name": "Tomato genome"}]
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["name"] == "After" and stored["labels"] == [label["_id"]]
    assert as_utc(stored["updated_at"]) > sample["updated_at"]


async def test_update_sample_project_and_tags_by_id_or_reference(ctx, factory, public_client):
    owner, headers = await factory.person()
    project = await make_project(ctx, owner, [member(owner, can_add_files=True)])
    tags = [
        (await insert_with_random_id(ctx.db.tags, {"name": name, "user": {}, "created_at": utc_now()}))["_id"]
        for name in ("a", "b")
    ]
    sample = await stored_sample(ctx, factory, owner, tags=[tags[0]])
    url = f"/api/samples/{sample['_id']}"

    body = await (
        await public_client.patch(
            url,
            json={
                "project": {"$ref": f"/api/projects/{project}"},
                "tags": [{"$ref": f"/api/tags/{tags[1]}"}],
            },
            headers=headers,
        )
    ).json()
    assert body["project"] == {"$ref": f"/api/projects/{project}"}
    assert body["tags"] == [{"$ref": f"/api/tags/{tags[1]}"}]

    response = await public_client.patch(url, json={"project": None, "tags": tags}, headers=headers)
    assert response.status == 200
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["project"] is None and stored["tags"] == tags

    response = await public_client.patch(url, json={"project": project, "tags": []}, headers=headers)
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["project"] == project and stored["tags"] == []


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        ({"ready": True}, "Unknown or read-only field: ready", "ready"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "Unknown or read-only field: created_at", "created_at"),
        ({"owner": {"id": "x"}}, "Unknown or read-only field: owner", "owner"),
        ({"colour": "red"}, "Unknown or read-only field: colour", "colour"),
        ({"visibility": "secret"}, "Invalid value for field: visibility", "visibility"),
        ({"visibility": None}, "Invalid value for field: visibility", "visibility"),
        ({"project": "p" * 17}, "Invalid value for field: project", None),
        ({"project": {"$ref": "/api/tags/a"}}, "Invalid value for field: project", "project"),
        ({"project": {"id": "a"}}, "Invalid value for field: project", None),
        ({"project": 7}, "Invalid value for field: project", None),
        ({"tags": "a"}, "Invalid value for field: tags", "tags"),
        ({"tags": [None]}, "Invalid value for field: tags", None),
        ({"tags": [{"$ref": "/api/projects/a"}]}, "Invalid value for field: tags", "tags.0"),
        ({"name": ""}, "Invalid value for field: name", "name"),
        ({"name": None}, "Invalid value for field: name", "name"),
        ({"name": "n" * 257}, "Invalid value for field: name", "name"),
        ({"labels": "l1"}, "Invalid value for field: labels", "labels"),
        ({"notes": 5}, "Invalid value for field: notes", "notes"),
    ],
)
async def test_update_sample_invalid_input(ctx, factory, public_client, body, message, field):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner, name="Unchanged")
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=body, headers=headers)
    assert response.status == 422
    answer = await response.json()
    assert (answer["id"], answer["message"]) == ("invalid_input", message)
    if field is not None:
        assert field in answer["errors"]
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert stored["name"] == "Unchanged"
    assert as_utc(stored["updated_at"]) == sample["updated_at"]


async def test_update_sample_with_invalid_json(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}",
        data=b"{not json",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=["name"], headers=headers)
    assert response.status == 422
    assert (await response.json())["message"] == "Invalid value for field: body"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"labels": ["nolabel"]}, "Labels do not exist: nolabel"),
        ({"subtractions": ["nosub"]}, "Subtractions do not exist: nosub"),
        ({"tags": ["notag"]}, "Tags do not exist: notag"),
        ({"project": "noproject"}, "Project does not exist"),
        ({"project": {"$ref": "/api/projects/noproject"}}, "Project does not exist"),
    ],
)
async def test_update_sample_with_missing_reference(ctx, factory, public_client, body, message):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)
    response = await public_client.patch(f"/api/samples/{sample['_id']}", json=body, headers=headers)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": message}


async def test_update_sample_name_in_use(ctx, factory, public_client):
    owner, headers = await factory.person()
    await stored_sample(ctx, factory, owner, name="Taken")
    sample = await stored_sample(ctx, factory, owner, name="Free")
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}", json={"name": "Taken"}, headers=headers
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Sample name is already in use"}


async def test_update_sample_into_a_project_needs_add_permission(ctx, factory, public_client):
    owner, headers = await factory.person()
    other, _ = await factory.person()
    closed = await make_project(ctx, other, [member(owner, can_edit_metadata=True)])
    open_ = await make_project(ctx, other, [member(owner, can_add_files=True)])
    managed = await make_project(ctx, other, [member(owner, can_administer=True)])
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}"

    response = await public_client.patch(url, json={"project": closed}, headers=headers)
    assert response.status == 403
    assert await response.json() == {
        "id": "insufficient_rights",
        "message": "Insufficient rights to add samples to this project",
    }
    assert (await public_client.patch(url, json={"project": open_}, headers=headers)).status == 200
    assert (await public_client.patch(url, json={"project": managed}, headers=headers)).status == 200
    _, admin = await factory.person(administrator=True)
    assert (await public_client.patch(url, json={"project": closed}, headers=admin)).status == 200


async def test_update_visibility_refused_by_the_server_setting(ctx, factory, public_client):
    owner, headers = await factory.person()
    _, admin = await factory.person(administrator=True)
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}"
    assert (
        await public_client.patch("/api/settings", json={"restrict_sharing": True}, headers=admin)
    ).status == 200
    for visibility in ("shared", "public"):
        for caller in (headers, admin):
            response = await public_client.patch(url, json={"visibility": visibility}, headers=caller)
            assert response.status == 403
            assert await response.json() == SHARING_RESTRICTED_BY_SETTING
    assert (await public_client.patch(url, json={"visibility": "importing"}, headers=headers)).status == 200
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["visibility"] == "importing"


async def test_update_visibility_refused_by_the_owners_group(ctx, factory, public_client):
    restricted = await make_group(ctx, "Clinic", restrict_sharing=True)
    owner, headers = await factory.person(groups=[restricted])
    sample = await stored_sample(ctx, factory, owner)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}", json={"visibility": "public"}, headers=headers
    )
    assert response.status == 403
    # Which group restricts it, and who can lift the restriction.
    assert await response.json() == {
        "id": "insufficient_rights",
        "message": "Sharing is restricted",
        "restricted_by": {"group": {"id": restricted, "name": "Clinic"}},
        "hint": "The sample's owner is in group 'Clinic', which restricts sharing; an administrator can "
        f'change that: PATCH /api/groups/{restricted} {{"restrict_sharing": false}}.',
    }

    free, headers = await factory.person(groups=[await make_group(ctx, "Open")])
    sample = await stored_sample(ctx, factory, free)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}", json={"visibility": "public"}, headers=headers
    )
    assert response.status == 200


async def test_update_sample_not_found(factory, public_client):
    _, headers = await factory.person()
    response = await public_client.patch("/api/samples/nosuch", json={"notes": "x"}, headers=headers)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


# PATCH /samples/{id}/rights


async def test_update_rights_by_owner_and_administrator(ctx, factory, public_client):
    owner, headers = await factory.person()
    _, admin = await factory.person(administrator=True)
    group = await make_group(ctx, "Lab")
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}/rights"
    rights = {"group": group, "group_read": True, "group_write": True, "all_read": True, "all_write": False}
    response = await public_client.patch(url, json=rights, headers=headers)
    assert response.status == 200, await response.text()
    assert await response.json() == rights
    response = await public_client.patch(url, json={"group": None, "all_read": False}, headers=admin)
    assert await response.json() == {**rights, "group": None, "all_read": False}
    stored = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert (stored["group"], stored["group_write"], stored["all_read"]) == (None, True, False)


async def test_update_rights_refused_to_writers_who_do_not_own(ctx, factory, public_client):
    group = await make_group(ctx, "Lab")
    owner, _ = await factory.person()
    _, writer = await factory.person(groups=[group])
    sample = await stored_sample(ctx, factory, owner, group=group, group_read=True, group_write=True)
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}/rights", json={"all_read": True}, headers=writer
    )
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_update_rights_invalid(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)
    url = f"/api/samples/{sample['_id']}/rights"
    response = await public_client.patch(url, json={"group": "nogroup"}, headers=headers)
    assert await response.json() == {"id": "bad_request", "message": "Group does not exist"}
    response = await public_client.patch(url, json={"all_read": "yes"}, headers=headers)
    assert response.status == 422
    assert (await response.json())["message"] == "Invalid value for field: all_read"
    response = await public_client.patch(url, json={"visibility": "public"}, headers=headers)
    assert (await response.json())["message"] == "Unknown or read-only field: visibility"
    response = await public_client.patch("/api/samples/nosuch/rights", json={}, headers=headers)
    assert response.status == 404
