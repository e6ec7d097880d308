"""Public API: the caller's account and their API keys."""

import hashlib

import pytest

from tests.support.errors import NOT_FOUND, UNAUTHORIZED
from tests.support.users import group


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
