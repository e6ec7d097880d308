"""Public API: groups, which administrators create, change and remove and anyone signed in reads."""

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.users import group


async def test_create_group(public_client, ctx, admin):
    response = await public_client.post(
        "/api/groups", json={"name": " Virology ", "restrict_sharing": True}, headers=admin[1]
    )
    assert response.status == 201
    body = await response.json()
    assert response.headers["Location"] == f"/api/groups/{body['id']}"
    assert body["name"] == "Virology" and body["restrict_sharing"] is True
    stored = await ctx.db.groups.find_one({"_id": body["id"]})
    assert stored["name"] == "Virology" and stored["restrict_sharing"] is True


async def test_create_group_restrict_sharing_defaults_to_false(public_client, admin):
    response = await public_client.post("/api/groups", json={"name": "Virology"}, headers=admin[1])
    assert (await response.json())["restrict_sharing"] is False


async def test_create_group_exists(public_client, ctx, admin):
    await group(ctx, "Virology")
    response = await public_client.post("/api/groups", json={"name": "Virology"}, headers=admin[1])
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Group already exists"}


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "g" * 65}, {"name": "g", "members": []}])
async def test_create_group_invalid(public_client, admin, body):
    response = await public_client.post("/api/groups", json=body, headers=admin[1])
    assert response.status == 422
    assert (await response.json())["id"] == "invalid_input"


async def test_create_group_non_admin(public_client, ctx, person):
    response = await public_client.post("/api/groups", json={"name": "Virology"}, headers=person[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.groups.count_documents({}) == 0


async def test_list_groups_any_user(public_client, ctx, person):
    await group(ctx, "Zoology")
    await group(ctx, "Botany", restrict_sharing=True)
    response = await public_client.get("/api/groups", headers=person[1])
    assert response.status == 200
    body = await response.json()
    assert [(g["name"], g["restrict_sharing"]) for g in body] == [("Botany", True), ("Zoology", False)]


async def test_get_group(public_client, ctx, person):
    lab = await group(ctx)
    response = await public_client.get(f"/api/groups/{lab['_id']}", headers=person[1])
    assert response.status == 200
    assert (await response.json())["name"] == "Lab"


async def test_get_group_not_found(public_client, person):
    response = await public_client.get("/api/groups/missing", headers=person[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_update_group(public_client, ctx, admin):
    lab = await group(ctx)
    response = await public_client.patch(
        f"/api/groups/{lab['_id']}", json={"name": "Lab 2", "restrict_sharing": True}, headers=admin[1]
    )
    assert response.status == 200
    body = await response.json()
    assert body["name"] == "Lab 2" and body["restrict_sharing"] is True
    stored = await ctx.db.groups.find_one({"_id": lab["_id"]})
    assert stored["name"] == "Lab 2" and stored["restrict_sharing"] is True


async def test_update_group_name_taken(public_client, ctx, admin):
    lab = await group(ctx, "Lab")
    await group(ctx, "Field")
    response = await public_client.patch(
        f"/api/groups/{lab['_id']}", json={"name": "Field"}, headers=admin[1]
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Group already exists"}
    assert (await ctx.db.groups.find_one({"_id": lab["_id"]}))["name"] == "Lab"


async def test_update_group_invalid(public_client, ctx, admin):
    lab = await group(ctx)
    response = await public_client.patch(
        f"/api/groups/{lab['_id']}", json={"restrict_sharing": 1}, headers=admin[1]
    )
    assert response.status == 422
    assert list((await response.json())["errors"]) == ["restrict_sharing"]


async def test_update_group_not_found(public_client, admin):
    response = await public_client.patch("/api/groups/missing", json={"name": "X"}, headers=admin[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_update_group_non_admin(public_client, ctx, person):
    lab = await group(ctx)
    response = await public_client.patch(
        f"/api/groups/{lab['_id']}", json={"name": "Mine"}, headers=person[1]
    )
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_delete_group_leaves_users_and_samples(public_client, ctx, factory, admin):
    lab = await group(ctx, "Lab")
    field = await group(ctx, "Field")
    member, _ = await factory.person(handle="member", groups=[lab["_id"], field["_id"]])
    shared = await factory.sample(group=lab["_id"], group_read=True)
    other = await factory.sample(group=field["_id"])

    response = await public_client.delete(f"/api/groups/{lab['_id']}", headers=admin[1])
    assert response.status == 204
    assert await ctx.db.groups.find_one({"_id": lab["_id"]}) is None
    assert (await ctx.db.users.find_one({"_id": member["_id"]}))["groups"] == [field["_id"]]
    assert (await ctx.db.samples.find_one({"_id": shared["_id"]}))["group"] is None
    assert (await ctx.db.samples.find_one({"_id": other["_id"]}))["group"] == field["_id"]


async def test_delete_group_not_found(public_client, admin):
    response = await public_client.delete("/api/groups/missing", headers=admin[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_delete_group_non_admin(public_client, ctx, person):
    lab = await group(ctx)
    response = await public_client.delete(f"/api/groups/{lab['_id']}", headers=person[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.groups.find_one({"_id": lab["_id"]}) is not None
