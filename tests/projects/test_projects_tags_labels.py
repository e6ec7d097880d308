"""Public API: projects, tags, labels and server settings."""

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from virtool_api.server.auth import PUBLIC_CREDENTIALS_HINT
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now


async def sample_with(ctx, factory, **fields):
    return await factory.sample(ready=True, **fields)


# Projects


async def test_create_project_makes_the_creator_owner_and_full_member(factory, public_client, ctx):
    user, headers = await factory.person()
    other, _ = await factory.person()
    response = await public_client.post(
        "/api/projects",
        json={"name": "Survey 2024", "members": [{"user_id": other["_id"], "can_add_files": True}]},
        headers=headers,
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    assert response.headers["Location"] == f"/api/projects/{body['id']}"
    assert body["$uri"] == f"/api/projects/{body['id']}"
    assert body["name"] == "Survey 2024" and body["description"] == ""
    assert body["owner"] == {"id": user["_id"], "handle": user["handle"]}
    assert body["members"] == [
        {
            "user_id": user["_id"],
            "can_add_files": True,
            "can_edit_metadata": True,
            "can_see_files": True,
            "can_administer": True,
        },
        {
            "user_id": other["_id"],
            "can_add_files": True,
            "can_edit_metadata": False,
            "can_see_files": True,
            "can_administer": False,
        },
    ]
    stored = await ctx.db.projects.find_one({"_id": body["id"]})
    assert [member["user_id"] for member in stored["members"]] == [user["_id"], other["_id"]]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"name": "P", "members": [{"user_id": "nobody"}]}, 400, "User does not exist: nobody"),
        ({"name": ""}, 422, "Invalid input"),
        ({"name": "P" * 65}, 422, "Invalid input"),
        ({"name": "P", "members": [{"user_id": "x", "can_fly": True}]}, 422, "Invalid input"),
        ({"name": "P", "owner": "x"}, 422, "Invalid input"),
    ],
)
async def test_create_project_invalid(factory, public_client, body, status, message):
    _, headers = await factory.person()
    response = await public_client.post("/api/projects", json=body, headers=headers)
    assert response.status == status
    assert (await response.json())["message"] == message


async def test_create_project_with_a_member_twice(factory, public_client):
    _, headers = await factory.person()
    other, _ = await factory.person()
    members = [{"user_id": other["_id"]}, {"user_id": other["_id"]}]
    response = await public_client.post(
        "/api/projects", json={"name": "P", "members": members}, headers=headers
    )
    assert await response.json() == {"id": "bad_request", "message": "A user is listed twice as a member"}


async def test_projects_are_seen_by_members_owner_and_administrators(factory, public_client):
    _, owner_headers = await factory.person()
    member, member_headers = await factory.person()
    _, stranger = await factory.person()
    _, admin = await factory.person(administrator=True)
    response = await public_client.post(
        "/api/projects", json={"name": "P", "members": [{"user_id": member["_id"]}]}, headers=owner_headers
    )
    project = await response.json()
    url = f"/api/projects/{project['id']}"

    for headers in (owner_headers, member_headers, admin):
        assert (await public_client.get(url, headers=headers)).status == 200
        listed = await (await public_client.get("/api/projects", headers=headers)).json()
        assert [item["id"] for item in listed] == [project["id"]]
    response = await public_client.get(url, headers=stranger)
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await (await public_client.get("/api/projects", headers=stranger)).json() == []
    response = await public_client.get("/api/projects/nosuch", headers=stranger)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_update_project_by_those_who_manage_it(factory, public_client):
    _, owner_headers = await factory.person()
    manager, manager_headers = await factory.person()
    plain, plain_headers = await factory.person()
    _, admin = await factory.person(administrator=True)
    members = [{"user_id": manager["_id"], "can_administer": True}, {"user_id": plain["_id"]}]
    project = await (
        await public_client.post(
            "/api/projects", json={"name": "P", "members": members}, headers=owner_headers
        )
    ).json()
    url = f"/api/projects/{project['id']}"

    response = await public_client.patch(url, json={"name": "Renamed"}, headers=plain_headers)
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    for number, headers in enumerate((owner_headers, manager_headers, admin)):
        response = await public_client.patch(url, json={"description": f"v{number}"}, headers=headers)
        assert response.status == 200
        assert (await response.json())["description"] == f"v{number}"

    response = await public_client.patch(
        url, json={"members": [{"user_id": plain["_id"], "can_edit_metadata": True}]}, headers=owner_headers
    )
    body = await response.json()
    assert [(m["user_id"], m["can_edit_metadata"]) for m in body["members"]] == [(plain["_id"], True)]
    response = await public_client.patch(url, json={"members": [{"user_id": "ghost"}]}, headers=owner_headers)
    assert await response.json() == {"id": "bad_request", "message": "User does not exist: ghost"}
    response = await public_client.patch(url, json={"name": None}, headers=owner_headers)
    assert response.status == 422
    response = await public_client.patch("/api/projects/nosuch", json={"name": "X"}, headers=admin)
    assert response.status == 404


async def test_remove_project_leaves_its_samples_unassigned(ctx, factory, public_client):
    _, headers = await factory.person()
    _, stranger = await factory.person()
    project = await (await public_client.post("/api/projects", json={"name": "P"}, headers=headers)).json()
    sample = await sample_with(ctx, factory, project=project["id"])
    url = f"/api/projects/{project['id']}"

    response = await public_client.delete(url, headers=stranger)
    assert response.status == 403
    response = await public_client.delete(url, headers=headers)
    assert response.status == 204
    assert await ctx.db.projects.find_one({"_id": project["id"]}) is None
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["project"] is None
    assert (await public_client.delete(url, headers=headers)).status == 404


async def test_project_membership_lets_members_read_its_samples(ctx, factory, public_client):
    _, headers = await factory.person()
    viewer, viewer_headers = await factory.person()
    project = await (
        await public_client.post(
            "/api/projects", json={"name": "P", "members": [{"user_id": viewer["_id"]}]}, headers=headers
        )
    ).json()
    sample = await sample_with(ctx, factory, all_read=False, group_read=False, project=project["id"])
    assert (await public_client.get(f"/api/samples/{sample['_id']}", headers=viewer_headers)).status == 200
    listed = await (await public_client.get("/api/samples", headers=viewer_headers)).json()
    assert [document["id"] for document in listed["documents"]] == [sample["_id"]]


# Tags


async def test_tags(ctx, factory, public_client):
    user, headers = await factory.person()
    response = await public_client.post("/api/tags", json={"name": "field trial"}, headers=headers)
    assert response.status == 201
    tag = await response.json()
    assert response.headers["Location"] == f"/api/tags/{tag['id']}"
    assert tag["name"] == "field trial" and tag["$uri"] == f"/api/tags/{tag['id']}"
    assert tag["user"] == {"id": user["_id"], "handle": user["handle"]}

    assert await (await public_client.get(f"/api/tags/{tag['id']}", headers=headers)).json() == tag
    await public_client.post("/api/tags", json={"name": "alpha"}, headers=headers)
    listed = await (await public_client.get("/api/tags", headers=headers)).json()
    assert [item["name"] for item in listed] == ["alpha", "field trial"]


async def test_tag_names_are_unique_and_at_most_64_characters(factory, public_client):
    _, headers = await factory.person()
    assert (await public_client.post("/api/tags", json={"name": "t"}, headers=headers)).status == 201
    response = await public_client.post("/api/tags", json={"name": "t"}, headers=headers)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Tag name is already in use"}
    assert (await public_client.post("/api/tags", json={"name": "x" * 64}, headers=headers)).status == 201
    response = await public_client.post("/api/tags", json={"name": "x" * 65}, headers=headers)
    assert response.status == 422
    assert "name" in (await response.json())["errors"]
    response = await public_client.get("/api/tags/nosuch", headers=headers)
    assert response.status == 404


async def test_remove_tag_takes_it_off_samples(ctx, factory, public_client):
    _, headers = await factory.person()
    _, stranger = await factory.person()
    _, admin = await factory.person(administrator=True)
    tag = await (await public_client.post("/api/tags", json={"name": "t"}, headers=headers)).json()
    sample = await sample_with(ctx, factory, tags=[tag["id"], "other"])

    response = await public_client.delete(f"/api/tags/{tag['id']}", headers=stranger)
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    response = await public_client.delete(f"/api/tags/{tag['id']}", headers=admin)
    assert response.status == 204
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["tags"] == ["other"]
    assert (await public_client.delete(f"/api/tags/{tag['id']}", headers=headers)).status == 404


# Labels


async def test_labels(ctx, factory, public_client):
    _, admin = await factory.person(administrator=True)
    _, headers = await factory.person()
    response = await public_client.post(
        "/api/labels", json={"name": "Ill", "color": "#FF0000", "description": "Sick"}, headers=admin
    )
    assert response.status == 201
    label = await response.json()
    assert label == {"id": label["id"], "name": "Ill", "color": "#FF0000", "description": "Sick"}
    assert await ctx.db.labels.find_one({"_id": label["id"]}) == {
        "_id": label["id"],
        "name": "Ill",
        "color": "#FF0000",
        "description": "Sick",
    }
    assert await (await public_client.get("/api/labels", headers=headers)).json() == [label]

    response = await public_client.patch(
        f"/api/labels/{label['id']}", json={"color": "#00ff00"}, headers=admin
    )
    assert response.status == 200
    assert await response.json() == {**label, "color": "#00ff00"}


async def test_labels_are_changed_only_by_administrators(ctx, factory, public_client):
    _, headers = await factory.person()
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    for response in (
        await public_client.post("/api/labels", json={"name": "X", "color": "#000000"}, headers=headers),
        await public_client.patch(f"/api/labels/{label['_id']}", json={"name": "Y"}, headers=headers),
        await public_client.delete(f"/api/labels/{label['_id']}", headers=headers),
    ):
        assert response.status == 403
        assert await response.json() == INSUFFICIENT_RIGHTS


@pytest.mark.parametrize(
    "body",
    [
        {"name": "X", "color": "red"},
        {"name": "X", "color": "#12345"},
        {"name": "X", "color": "#GGGGGG"},
        {"name": "", "color": "#000000"},
        {"name": "X", "color": "#000000", "count": 1},
    ],
)
async def test_create_label_invalid(factory, public_client, body):
    _, admin = await factory.person(administrator=True)
    response = await public_client.post("/api/labels", json=body, headers=admin)
    assert response.status == 422
    assert (await response.json())["message"] == "Invalid input"


async def test_label_names_are_unique(ctx, factory, public_client):
    _, admin = await factory.person(administrator=True)
    await public_client.post("/api/labels", json={"name": "Ill", "color": "#FF0000"}, headers=admin)
    other = await (await public_client.post("/api/labels", json={"name": "Well"}, headers=admin)).json()
    response = await public_client.post("/api/labels", json={"name": "Ill"}, headers=admin)
    assert await response.json() == {"id": "bad_request", "message": "Label name already exists"}
    response = await public_client.patch(f"/api/labels/{other['id']}", json={"name": "Ill"}, headers=admin)
    assert await response.json() == {"id": "bad_request", "message": "Label name already exists"}
    response = await public_client.patch("/api/labels/nosuch", json={"name": "Z"}, headers=admin)
    assert response.status == 404


async def test_remove_label_takes_it_off_samples(ctx, factory, public_client):
    _, admin = await factory.person(administrator=True)
    label = await (await public_client.post("/api/labels", json={"name": "Ill"}, headers=admin)).json()
    sample = await sample_with(ctx, factory, labels=[label["id"], "other"])
    response = await public_client.delete(f"/api/labels/{label['id']}", headers=admin)
    assert response.status == 204
    assert await ctx.db.labels.find_one({"_id": label["id"]}) is None
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["labels"] == ["other"]
    response = await public_client.delete(f"/api/labels/{label['id']}", headers=admin)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


# Settings


async def test_settings(ctx, factory, public_client):
    _, headers = await factory.person()
    _, admin = await factory.person(administrator=True)
    assert await (await public_client.get("/api/settings", headers=headers)).json() == {
        "restrict_sharing": False
    }

    response = await public_client.patch("/api/settings", json={"restrict_sharing": True}, headers=headers)
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    response = await public_client.patch("/api/settings", json={"restrict_sharing": True}, headers=admin)
    assert response.status == 200
    assert await response.json() == {"restrict_sharing": True}
    assert await ctx.db.settings.find_one({"_id": "server"}) == {"_id": "server", "restrict_sharing": True}
    assert await (await public_client.get("/api/settings", headers=headers)).json() == {
        "restrict_sharing": True
    }

    response = await public_client.patch("/api/settings", json={"restrict_sharing": "yes"}, headers=admin)
    assert response.status == 422
    response = await public_client.patch("/api/settings", json={"other": 1}, headers=admin)
    assert response.status == 422
    assert "other" in (await response.json())["errors"]


async def test_anonymous_callers_get_401(public_client):
    for method, url in (
        ("GET", "/api/projects"),
        ("POST", "/api/tags"),
        ("GET", "/api/labels"),
        ("GET", "/api/settings"),
    ):
        response = await public_client.request(method, url)
        assert response.status == 401
        assert await response.json() == {
            "id": "requires_authorization",
            "message": "Requires authorization",
            "hint": PUBLIC_CREDENTIALS_HINT,
        }


async def test_stored_tag_documents(ctx, factory, public_client):
    _, headers = await factory.person()
    tag = await (await public_client.post("/api/tags", json={"name": "  padded  "}, headers=headers)).json()
    stored = await ctx.db.tags.find_one({"_id": tag["id"]})
    assert stored["name"] == "padded"
    assert stored["created_at"] <= utc_now().replace(tzinfo=None)
