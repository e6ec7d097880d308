"""Public API: users, as administrators list, create, read, change, deactivate and remove them."""

import hashlib

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND, UNAUTHORIZED
from tests.support.users import group


async def test_list_users(public_client, ctx, admin, factory):
    lab = await group(ctx)
    await factory.person(handle="alice", groups=[lab["_id"]])
    response = await public_client.get("/api/users", headers=admin[1])
    assert response.status == 200
    body = await response.json()
    assert [user["handle"] for user in body] == ["alice", "root"]
    alice = body[0]
    assert alice["groups"] == [{"id": lab["_id"], "name": "Lab"}]
    assert alice["administrator"] is False and alice["active"] is True
    assert alice["created_at"].endswith("Z")


async def test_list_users_non_admin(public_client, person):
    response = await public_client.get("/api/users", headers=person[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_create_user(public_client, ctx, admin):
    lab = await group(ctx)
    response = await public_client.post(
        "/api/users",
        json={"handle": "carol.m-2_x", "administrator": True, "groups": [lab["_id"]]},
        headers=admin[1],
    )
    assert response.status == 201
    body = await response.json()
    assert response.headers["Location"] == f"/api/users/{body['id']}"
    assert body["handle"] == "carol.m-2_x"
    assert body["administrator"] is True
    assert body["groups"] == [{"id": lab["_id"], "name": "Lab"}]
    assert body["active"] is True

    stored = await ctx.db.users.find_one({"_id": body["id"]})
    assert stored["handle"] == "carol.m-2_x" and stored["groups"] == [lab["_id"]]

    response = await public_client.get("/api/account", headers={"X-API-Key": body["key"]})
    assert response.status == 200
    assert (await response.json())["handle"] == "carol.m-2_x"


async def test_create_user_first_key_stored_hashed(public_client, ctx, admin):
    response = await public_client.post("/api/users", json={"handle": "dave"}, headers=admin[1])
    body = await response.json()
    [key] = [document async for document in ctx.db.keys.find({"user.id": body["id"]})]
    assert key["hash"] == hashlib.sha256(body["key"].encode()).hexdigest()
    assert body["key"] not in str(key)


async def test_create_user_defaults(public_client, admin):
    response = await public_client.post("/api/users", json={"handle": "erin"}, headers=admin[1])
    assert response.status == 201
    body = await response.json()
    assert body["administrator"] is False and body["groups"] == []


async def test_create_user_handle_exists(public_client, admin, person):
    response = await public_client.post("/api/users", json={"handle": "bob"}, headers=admin[1])
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "User already exists"}


async def test_create_user_handle_of_64_characters(public_client, admin):
    response = await public_client.post("/api/users", json={"handle": "h" * 64}, headers=admin[1])
    assert response.status == 201


@pytest.mark.parametrize("handle", ["", "h" * 65, "with space", "slash/y", "colon:y", "ünïcode"])
async def test_create_user_invalid_handle(public_client, ctx, admin, handle):
    response = await public_client.post("/api/users", json={"handle": handle}, headers=admin[1])
    assert response.status == 422
    body = await response.json()
    assert body["id"] == "invalid_input" and list(body["errors"]) == ["handle"]
    assert await ctx.db.users.count_documents({}) == 1


async def test_create_user_unknown_key(public_client, admin):
    response = await public_client.post(
        "/api/users", json={"handle": "frank", "password": "x"}, headers=admin[1]
    )
    assert response.status == 422
    assert list((await response.json())["errors"]) == ["password"]


async def test_create_user_administrator_must_be_boolean(public_client, admin):
    response = await public_client.post(
        "/api/users", json={"handle": "frank", "administrator": "yes"}, headers=admin[1]
    )
    assert response.status == 422
    assert list((await response.json())["errors"]) == ["administrator"]


async def test_create_user_unknown_group(public_client, ctx, admin):
    response = await public_client.post(
        "/api/users", json={"handle": "gina", "groups": ["nope"]}, headers=admin[1]
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Group does not exist"}
    assert await ctx.db.users.find_one({"handle": "gina"}) is None


async def test_create_user_non_admin(public_client, ctx, person):
    response = await public_client.post("/api/users", json={"handle": "mallory"}, headers=person[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.users.find_one({"handle": "mallory"}) is None


async def test_get_user(public_client, admin, person):
    response = await public_client.get(f"/api/users/{person[0]['_id']}", headers=admin[1])
    assert response.status == 200
    body = await response.json()
    assert body["id"] == person[0]["_id"] and body["handle"] == "bob"
    assert "key" not in body


async def test_get_user_not_found(public_client, admin):
    response = await public_client.get("/api/users/missing", headers=admin[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_get_user_by_handle_is_not_found(public_client, admin, person):
    """`{user_id}` is the user's id: a handle names nothing, so it can never be mistaken for another's id."""
    response = await public_client.get("/api/users/bob", headers=admin[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_get_user_non_admin(public_client, admin, person):
    response = await public_client.get(f"/api/users/{admin[0]['_id']}", headers=person[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_update_user(public_client, ctx, admin, person):
    lab = await group(ctx, "Lab")
    field = await group(ctx, "Field")
    response = await public_client.patch(
        f"/api/users/{person[0]['_id']}",
        json={"administrator": True, "groups": [field["_id"], lab["_id"], field["_id"]]},
        headers=admin[1],
    )
    assert response.status == 200
    body = await response.json()
    assert body["administrator"] is True
    assert body["groups"] == [{"id": field["_id"], "name": "Field"}, {"id": lab["_id"], "name": "Lab"}]
    stored = await ctx.db.users.find_one({"_id": person[0]["_id"]})
    assert stored["administrator"] is True and stored["groups"] == [field["_id"], lab["_id"]]


async def test_update_user_empty_body_changes_nothing(public_client, ctx, admin, person):
    response = await public_client.patch(f"/api/users/{person[0]['_id']}", json={}, headers=admin[1])
    assert response.status == 200
    assert (await response.json())["handle"] == "bob"


async def test_update_user_unknown_key(public_client, admin, person):
    response = await public_client.patch(
        f"/api/users/{person[0]['_id']}", json={"handle": "robert"}, headers=admin[1]
    )
    assert response.status == 422
    assert list((await response.json())["errors"]) == ["handle"]


async def test_update_user_null_is_invalid(public_client, ctx, admin, person):
    response = await public_client.patch(
        f"/api/users/{person[0]['_id']}", json={"groups": None}, headers=admin[1]
    )
    assert response.status == 422
    assert list((await response.json())["errors"]) == ["groups"]


async def test_update_user_unknown_group(public_client, ctx, admin, person):
    response = await public_client.patch(
        f"/api/users/{person[0]['_id']}", json={"groups": ["nope"]}, headers=admin[1]
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Group does not exist"}


async def test_update_user_not_found(public_client, admin):
    response = await public_client.patch("/api/users/missing", json={"administrator": True}, headers=admin[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_update_user_non_admin(public_client, ctx, person):
    response = await public_client.patch(
        f"/api/users/{person[0]['_id']}", json={"administrator": True}, headers=person[1]
    )
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await ctx.db.users.find_one({"_id": person[0]["_id"]}))["administrator"] is False


async def test_update_own_administrator_flag(public_client, ctx, admin):
    response = await public_client.patch(
        f"/api/users/{admin[0]['_id']}", json={"administrator": False}, headers=admin[1]
    )
    assert response.status == 400
    assert await response.json() == {
        "id": "bad_request",
        "message": "Users cannot remove their own administrator role",
    }
    assert (await ctx.db.users.find_one({"_id": admin[0]["_id"]}))["administrator"] is True


async def test_deactivate_self(public_client, ctx, admin):
    response = await public_client.patch(
        f"/api/users/{admin[0]['_id']}", json={"active": False}, headers=admin[1]
    )
    assert response.status == 400
    assert await response.json() == {
        "id": "bad_request",
        "message": "Users cannot deactivate their own account",
    }


async def test_deactivate_user_revokes_keys(public_client, ctx, admin, person):
    response = await public_client.patch(
        f"/api/users/{person[0]['_id']}", json={"active": False}, headers=admin[1]
    )
    assert response.status == 200
    assert (await response.json())["active"] is False
    assert await ctx.db.keys.count_documents({"user.id": person[0]["_id"]}) == 0

    response = await public_client.get("/api/account", headers=person[1])
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_reactivated_user_needs_a_new_key(public_client, admin, person):
    await public_client.patch(f"/api/users/{person[0]['_id']}", json={"active": False}, headers=admin[1])
    response = await public_client.patch(
        f"/api/users/{person[0]['_id']}", json={"active": True}, headers=admin[1]
    )
    assert response.status == 200
    assert (await response.json())["active"] is True
    response = await public_client.get("/api/account", headers=person[1])
    assert response.status == 401


async def test_delete_user(public_client, ctx, admin, person):
    response = await public_client.delete(f"/api/users/{person[0]['_id']}", headers=admin[1])
    assert response.status == 204
    assert await ctx.db.users.find_one({"_id": person[0]["_id"]}) is None
    assert await ctx.db.keys.count_documents({"user.id": person[0]["_id"]}) == 0
    response = await public_client.get("/api/account", headers=person[1])
    assert response.status == 401


async def test_delete_self(public_client, ctx, admin):
    response = await public_client.delete(f"/api/users/{admin[0]['_id']}", headers=admin[1])
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Users cannot remove their own account"}
    assert await ctx.db.users.find_one({"_id": admin[0]["_id"]}) is not None


async def test_delete_user_not_found(public_client, admin):
    response = await public_client.delete("/api/users/missing", headers=admin[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_delete_user_non_admin(public_client, ctx, admin, person):
    response = await public_client.delete(f"/api/users/{admin[0]['_id']}", headers=person[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.users.find_one({"_id": admin[0]["_id"]}) is not None
