"""Public API: users and groups (administrators), the caller's account and API keys."""

import hashlib

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from virtool_api.server.auth import PUBLIC_CREDENTIALS_HINT
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now

UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": PUBLIC_CREDENTIALS_HINT,
}


@pytest.fixture
async def admin(factory):
    return await factory.person(administrator=True, handle="root")


@pytest.fixture
async def person(factory):
    return await factory.person(handle="bob")


async def group(ctx, name: str = "Lab", restrict_sharing: bool = False) -> dict:
    return await insert_with_random_id(
        ctx.db.groups, {"name": name, "restrict_sharing": restrict_sharing, "created_at": utc_now()}
    )


# --- users ---


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


# --- groups ---


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


# --- account and keys ---


async def test_get_account(public_client, ctx, factory):
    lab = await group(ctx)
    user, headers = await factory.person(handle="hana", groups=[lab["_id"]])
    response = await public_client.get("/api/account", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["id"] == user["_id"] and body["handle"] == "hana"
    assert body["administrator"] is False and body["groups"] == [{"id": lab["_id"], "name": "Lab"}]


async def test_list_keys_shows_own_keys_without_secrets(public_client, admin, person):
    await public_client.post("/api/account/keys", json={"name": "laptop"}, headers=person[1])
    response = await public_client.get("/api/account/keys", headers=person[1])
    assert response.status == 200
    body = await response.json()
    assert sorted(key["name"] for key in body) == ["laptop", "tests"]
    assert all(set(key) == {"id", "name", "created_at"} for key in body)


async def test_create_key(public_client, ctx, person):
    response = await public_client.post("/api/account/keys", json={"name": "pipeline"}, headers=person[1])
    assert response.status == 201
    body = await response.json()
    assert response.headers["Location"] == f"/api/account/keys/{body['id']}"
    assert body["name"] == "pipeline" and len(body["key"]) == 64

    stored = await ctx.db.keys.find_one({"_id": body["id"]})
    assert stored["user"] == {"id": person[0]["_id"]}
    assert stored["hash"] == hashlib.sha256(body["key"].encode()).hexdigest()
    assert body["key"] not in str(stored)

    response = await public_client.get("/api/account", headers={"X-API-Key": body["key"]})
    assert response.status == 200
    assert (await response.json())["handle"] == "bob"


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": "k", "user": "someone"}])
async def test_create_key_invalid(public_client, person, body):
    response = await public_client.post("/api/account/keys", json=body, headers=person[1])
    assert response.status == 422
    assert (await response.json())["id"] == "invalid_input"


async def test_delete_key(public_client, ctx, person):
    created = await (
        await public_client.post("/api/account/keys", json={"name": "old"}, headers=person[1])
    ).json()
    response = await public_client.delete(f"/api/account/keys/{created['id']}", headers=person[1])
    assert response.status == 204
    assert await ctx.db.keys.find_one({"_id": created["id"]}) is None

    response = await public_client.get("/api/account", headers={"X-API-Key": created["key"]})
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_delete_someone_elses_key(public_client, ctx, admin, person):
    created = await (
        await public_client.post("/api/account/keys", json={"name": "mine"}, headers=admin[1])
    ).json()
    response = await public_client.delete(f"/api/account/keys/{created['id']}", headers=person[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND
    assert await ctx.db.keys.find_one({"_id": created["id"]}) is not None


async def test_delete_unknown_key(public_client, person):
    response = await public_client.delete("/api/account/keys/missing", headers=person[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND
