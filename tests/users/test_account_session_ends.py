"""How sessions end: expiry, logging out, a changed or reset password, deactivation and deletion; and
setting passwords, by their owner, by an administrator and on the command line."""

import asyncio
from datetime import timedelta

import pytest
from click.testing import CliRunner

from tests.support.account_sessions import (  # noqa: F401  (`trusted_proxy_config`: a fixture)
    PASSWORD,
    cookie,
    login,
    page,
    session_cookie,
    token_of,
    trusted_proxy_config,
)
from tests.support.errors import UNAUTHORIZED
from virtool_api.cli import main
from virtool_api.config import Config
from virtool_api.server.context import create_context
from virtool_api.users.credentials import sign_in
from virtool_api.utils import utc_now

# --- sessions end ---


async def test_expired_session_is_refused(public_client, ctx, bob):
    token = await token_of(public_client)
    await ctx.db.sessions.update_one({}, {"$set": {"expires_at": utc_now() - timedelta(seconds=1)}})
    response = await public_client.get("/api/account", headers=cookie(token))
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


async def test_logout_ends_the_session(public_client, ctx, bob):
    token = await token_of(public_client)
    other = await token_of(public_client)
    response = await public_client.post(
        "/api/account/logout", headers={**cookie(token), **page(public_client)}
    )
    assert response.status == 204
    assert session_cookie(response)["virtool_session"].value == ""  # the browser forgets it
    assert (await public_client.get("/api/account", headers=cookie(token))).status == 401
    # Only that session: the same person signed in elsewhere stays signed in.
    assert (await public_client.get("/api/account", headers=cookie(other))).status == 200
    assert await ctx.db.sessions.count_documents({}) == 1


async def test_logout_with_an_api_key_changes_nothing(public_client, bob):
    token = await token_of(public_client)
    response = await public_client.post("/api/account/logout", headers=bob[1])
    assert response.status == 204
    assert (await public_client.get("/api/account", headers=cookie(token))).status == 200


async def test_password_change_ends_other_sessions(public_client, ctx, bob):
    here, elsewhere = await token_of(public_client), await token_of(public_client)
    response = await public_client.patch(
        "/api/account",
        json={"old_password": PASSWORD, "password": "a new passphrase"},
        headers={**cookie(here), **page(public_client)},
    )
    assert response.status == 200, await response.text()
    assert (await response.json())["has_password"] is True
    assert (await public_client.get("/api/account", headers=cookie(here))).status == 200
    assert (await public_client.get("/api/account", headers=cookie(elsewhere))).status == 401
    # API keys are not sessions: scripts keep working.
    assert (await public_client.get("/api/account", headers=bob[1])).status == 200
    assert (await login(public_client, password=PASSWORD)).status == 400
    assert (await login(public_client, password="a new passphrase")).status == 200


async def test_password_change_needs_the_old_password(public_client, ctx, bob):
    token = await token_of(public_client)
    headers = {**cookie(token), **page(public_client)}
    stored = (await ctx.db.users.find_one({"_id": bob[0]["_id"]}))["password"]

    wrong = await public_client.patch(
        "/api/account",
        json={"old_password": "not it at all", "password": "a new passphrase"},
        headers=headers,
    )
    assert wrong.status == 400
    assert await wrong.json() == {"id": "bad_request", "message": "Invalid credentials"}
    missing = await public_client.patch(
        "/api/account", json={"password": "a new passphrase"}, headers=headers
    )
    assert missing.status == 400
    assert await missing.json() == {
        "id": "bad_request",
        "message": "The current password is required to change it",
    }
    assert (await ctx.db.users.find_one({"_id": bob[0]["_id"]}))["password"] == stored


async def test_first_password_with_an_api_key(public_client, ctx, factory):
    user, headers = await factory.person(handle="carol")
    response = await public_client.patch(
        "/api/account", json={"password": "a lab passphrase"}, headers=headers
    )
    assert response.status == 200
    assert (await response.json())["has_password"] is True
    stored = await ctx.db.users.find_one({"_id": user["_id"]})
    assert stored["password"].startswith("$argon2id$")
    assert (await login(public_client, handle="carol", password="a lab passphrase")).status == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "Password must be at least 8 characters"),
        ("dave-the-great", "Password must not contain the handle"),
        ("DAVE-THE-GREAT", "Password must not contain the handle"),
    ],
)
async def test_password_rules(public_client, ctx, factory, password, message):
    user, headers = await factory.person(handle="dave")
    response = await public_client.patch("/api/account", json={"password": password}, headers=headers)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": message}
    assert "password" not in await ctx.db.users.find_one({"_id": user["_id"]})


# --- administrators ---


async def test_administrator_resets_a_password(public_client, ctx, bob, factory):
    _, admin = await factory.person(administrator=True, handle="root")
    token = await token_of(public_client)
    response = await public_client.patch(
        f"/api/users/{bob[0]['_id']}", json={"password": "reset by root"}, headers=admin
    )
    assert response.status == 200
    assert (await response.json())["has_password"] is True
    assert (await public_client.get("/api/account", headers=cookie(token))).status == 401
    assert (await login(public_client, password="reset by root")).status == 200


async def test_password_reset_rules_change_nothing(public_client, ctx, bob, factory):
    _, admin = await factory.person(administrator=True, handle="root")
    response = await public_client.patch(
        f"/api/users/{bob[0]['_id']}", json={"password": "bob", "administrator": True}, headers=admin
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Password must be at least 8 characters"}
    assert (await ctx.db.users.find_one({"_id": bob[0]["_id"]}))["administrator"] is False


async def test_only_administrators_reset_passwords(public_client, bob, factory):
    _, headers = await factory.person(handle="mallory")
    response = await public_client.patch(
        f"/api/users/{bob[0]['_id']}", json={"password": "taken over!"}, headers=headers
    )
    assert response.status == 403


async def test_deactivation_ends_sessions(public_client, ctx, bob, factory):
    _, admin = await factory.person(administrator=True, handle="root")
    token = await token_of(public_client)
    response = await public_client.patch(f"/api/users/{bob[0]['_id']}", json={"active": False}, headers=admin)
    assert response.status == 200
    assert await ctx.db.sessions.count_documents({"user.id": bob[0]["_id"]}) == 0
    assert (await public_client.get("/api/account", headers=cookie(token))).status == 401
    # Reactivated, the old session stays over.
    await public_client.patch(f"/api/users/{bob[0]['_id']}", json={"active": True}, headers=admin)
    assert (await public_client.get("/api/account", headers=cookie(token))).status == 401


async def test_deletion_ends_sessions(public_client, ctx, bob, factory):
    _, admin = await factory.person(administrator=True, handle="root")
    token = await token_of(public_client)
    assert (await public_client.delete(f"/api/users/{bob[0]['_id']}", headers=admin)).status == 204
    assert await ctx.db.sessions.count_documents({}) == 0
    assert (await public_client.get("/api/account", headers=cookie(token))).status == 401


def test_cli_sets_a_password(tmp_path):
    data_path = str(tmp_path / "data")
    CliRunner().invoke(main, ["users", "create", "dana", "--data-path", data_path])
    result = CliRunner().invoke(
        main, ["users", "password", "dana", "--stdin", "--data-path", data_path], input="a good passphrase\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password set for 'dana'" in result.stderr

    async def check() -> None:
        ctx = await create_context(Config(data_path=tmp_path / "data"))
        try:
            user, _, token = await sign_in(ctx, "dana", "a good passphrase", False, "127.0.0.1")
            assert user["handle"] == "dana" and token
        finally:
            await ctx.close()

    asyncio.run(check())


def test_cli_password_prompt_and_rules(tmp_path):
    data_path = str(tmp_path / "data")
    CliRunner().invoke(main, ["users", "create", "dana", "--data-path", data_path])
    result = CliRunner().invoke(
        main, ["users", "password", "dana", "--data-path", data_path], input="dana1234\ndana1234\n"
    )
    assert result.exit_code == 1
    assert "Password must not contain the handle" in result.stderr
    unknown = CliRunner().invoke(
        main,
        ["users", "password", "nobody", "--stdin", "--data-path", data_path],
        input="a good passphrase\n",
    )
    assert unknown.exit_code == 1
    assert "User does not exist" in unknown.stderr
