"""Public API under `/api/v1` (`virtool_api/onecodex/public_api.py`), One Codex's wire format by plain HTTP:
tags, projects and users (`/api/v1/tags`, `/api/v1/projects`, `/api/v1/users`).
"""

from tests.support.errors import NOT_FOUND
from tests.support.onecodex_helpers import listing, make_tag
from tests.support.projects_helpers import make_project, member


async def test_tags_by_name_with_an_exact_count(ctx, factory, public_client):
    owner, headers = await factory.person()
    ids = {name: await make_tag(ctx, owner, name) for name in ("grape", "tomato", "potato")}

    response = await public_client.get("/api/v1/tags", params=listing({"name": "tomato"}), headers=headers)
    assert await response.json() == [{"$uri": f"/api/v1/tags/{ids['tomato']}", "name": "tomato"}]
    assert response.headers["X-Total-Count"] == "1"

    response = await public_client.get("/api/v1/tags", params=listing(per_page=2, page=2), headers=headers)
    assert [tag["name"] for tag in await response.json()] == ["tomato"]
    assert response.headers["X-Total-Count"] == "3"

    response = await public_client.get("/api/v1/tags", params=listing({"name": "none"}), headers=headers)
    assert (await response.json(), response.headers["X-Total-Count"]) == ([], "0")

    response = await public_client.get(f"/api/v1/tags/{ids['grape']}", headers=headers)
    assert await response.json() == {"$uri": f"/api/v1/tags/{ids['grape']}", "name": "grape"}
    assert (await public_client.get("/api/v1/tags/notag", headers=headers)).status == 404
    response = await public_client.get("/api/v1/tags", params=listing({"user": "x"}), headers=headers)
    assert (response.status, (await response.json())["message"]) == (400, "Unsupported filter: user")


async def test_projects_only_to_those_who_may_see_them(ctx, factory, public_client):
    owner, owner_headers = await factory.person()
    viewer, viewer_headers = await factory.person()
    _, stranger = await factory.person()
    _, admin = await factory.person(administrator=True)
    project = await make_project(ctx, owner, [member(owner, can_add_files=True), member(viewer)], "Survey")
    await make_project(ctx, owner, [], "Other")
    url = f"/api/v1/projects/{project}"

    body = await (await public_client.get(url, headers=owner_headers)).json()
    assert body == {
        "$uri": url,
        "name": "Survey",
        "description": "Grapevine survey",
        "external_id": None,
        "owner": {"$ref": f"/api/v1/users/{owner['_id']}"},
        "permissions": ["can_add_files", "can_see_files", "can_administer"],
        "project_name": None,
        "public": False,
    }
    viewer_body = await (await public_client.get(url, headers=viewer_headers)).json()
    assert viewer_body["permissions"] == ["can_see_files"]
    admin_body = await (await public_client.get(url, headers=admin)).json()
    assert admin_body["permissions"] == [
        "can_add_files",
        "can_edit_metadata",
        "can_see_files",
        "can_administer",
    ]
    response = await public_client.get(url, headers=stranger)
    assert (response.status, await response.json()) == (404, NOT_FOUND)

    response = await public_client.get(
        "/api/v1/projects", params=listing({"name": "Survey"}), headers=stranger
    )
    assert (await response.json(), response.headers["X-Total-Count"]) == ([], "0")
    response = await public_client.get(
        "/api/v1/projects", params=listing({"name": "Survey"}), headers=viewer_headers
    )
    assert [p["$uri"] for p in await response.json()] == [url]
    assert response.headers["X-Total-Count"] == "1"
    response = await public_client.get("/api/v1/projects", headers=owner_headers)
    assert [p["name"] for p in await response.json()] == ["Other", "Survey"]
    response = await public_client.get(
        "/api/v1/projects", params=listing({"project_name": "survey"}), headers=owner_headers
    )
    assert (response.status, (await response.json())["message"]) == (400, "Unsupported filter: project_name")


async def test_user_record(factory, public_client):
    owner, _ = await factory.person(handle="vine_lab")
    _, headers = await factory.person()
    response = await public_client.get(f"/api/v1/users/{owner['_id']}", headers=headers)
    assert await response.json() == {
        "$uri": f"/api/v1/users/{owner['_id']}",
        "email": None,
        "handle": "vine_lab",
    }
    assert (await public_client.get("/api/v1/users/nobody", headers=headers)).status == 404
