"""Who may call the public API: API keys in three forms; job credentials never; the first start."""

import asyncio
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support.errors import UNAUTHORIZED
from tests.support.jobs import acquire, basic_auth
from virtool_api.cli import _setup_banner, main
from virtool_api.config import Config
from virtool_api.jobs.service import create_job
from virtool_api.operations.commands import program
from virtool_api.server.auth import JOB_CREDENTIALS_HINT
from virtool_api.server.context import create_context
from virtool_api.users.keys import create_api_key, user_for_key
from virtool_api.users.service import create_user, replace_keys


@pytest.fixture
async def person(factory):
    """`(user, key)` for a user called `bob`."""
    user, headers = await factory.person(handle="bob")
    return user, headers["X-API-Key"]


async def assert_unauthorized(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


# --- the three forms ---


async def test_x_api_key(public_client, person):
    response = await public_client.get("/api/account", headers={"X-API-Key": person[1]})
    assert response.status == 200
    assert (await response.json())["id"] == person[0]["_id"]


async def test_basic_handle_and_key(public_client, person):
    response = await public_client.get("/api/account", headers=basic_auth("bob", person[1]))
    assert response.status == 200
    assert (await response.json())["id"] == person[0]["_id"]


async def test_basic_key_and_empty_password(public_client, person):
    response = await public_client.get("/api/account", headers=basic_auth(person[1], ""))
    assert response.status == 200
    assert (await response.json())["id"] == person[0]["_id"]


# --- refusals ---


async def test_missing_credentials(public_client, person):
    await assert_unauthorized(await public_client.get("/api/account"))


async def test_wrong_key(public_client, person):
    await assert_unauthorized(await public_client.get("/api/account", headers={"X-API-Key": "0" * 64}))


async def test_wrong_key_basic(public_client, person):
    await assert_unauthorized(await public_client.get("/api/account", headers=basic_auth("bob", "0" * 64)))


async def test_right_key_wrong_handle(public_client, factory, person):
    await factory.person(handle="alice")
    await assert_unauthorized(await public_client.get("/api/account", headers=basic_auth("alice", person[1])))


async def test_not_basic_authorization(public_client, person):
    response = await public_client.get("/api/account", headers={"Authorization": f"Bearer {person[1]}"})
    await assert_unauthorized(response)


async def test_revoked_key(public_client, ctx, person):
    [key] = [document async for document in ctx.db.keys.find({"user.id": person[0]["_id"]})]
    response = await public_client.delete(f"/api/account/keys/{key['_id']}", headers={"X-API-Key": person[1]})
    assert response.status == 204
    await assert_unauthorized(await public_client.get("/api/account", headers={"X-API-Key": person[1]}))


async def test_deactivated_user(public_client, ctx, person):
    """The key check itself refuses an inactive user, whatever happened to their keys."""
    await ctx.db.users.update_one({"_id": person[0]["_id"]}, {"$set": {"active": False}})
    await assert_unauthorized(await public_client.get("/api/account", headers={"X-API-Key": person[1]}))
    await assert_unauthorized(await public_client.get("/api/account", headers=basic_auth("bob", person[1])))
    await assert_unauthorized(await public_client.get("/api/account", headers=basic_auth(person[1], "")))


async def test_deleted_user(public_client, ctx, person):
    await ctx.db.users.delete_one({"_id": person[0]["_id"]})
    await assert_unauthorized(await public_client.get("/api/account", headers={"X-API-Key": person[1]}))


async def test_every_public_route_needs_credentials(public_client):
    for method, path in [
        ("GET", "/api/users"),
        ("POST", "/api/users"),
        ("GET", "/api/users/x"),
        ("PATCH", "/api/users/x"),
        ("DELETE", "/api/users/x"),
        ("GET", "/api/groups"),
        ("POST", "/api/groups"),
        ("PATCH", "/api/groups/x"),
        ("DELETE", "/api/groups/x"),
        ("GET", "/api/account/keys"),
        ("POST", "/api/account/keys"),
        ("DELETE", "/api/account/keys/x"),
    ]:
        response = await public_client.request(method, path, json={})
        assert response.status == 401, (method, path)
        assert await response.json() == UNAUTHORIZED


# --- jobs and users never cross ---


async def test_job_credentials_on_public_api(public_client, jobs_client, ctx, person):
    job = await create_job(ctx, "nuvs", {}, {"id": person[0]["_id"], "handle": "bob"})
    job_auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.get(f"/api/jobs/{job['_id']}", headers=job_auth)
    assert response.status == 200

    await assert_unauthorized(await public_client.get("/api/account", headers=job_auth))


async def test_job_key_alone_on_public_api(public_client, jobs_client, ctx, person):
    job = await create_job(ctx, "nuvs", {}, {"id": person[0]["_id"], "handle": "bob"})
    response = await jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True})
    key = (await response.json())["key"]
    await assert_unauthorized(await public_client.get("/api/account", headers={"X-API-Key": key}))
    await assert_unauthorized(await public_client.get("/api/account", headers=basic_auth(key, "")))


async def test_user_key_on_job_api(jobs_client, ctx, person):
    job = await create_job(ctx, "nuvs", {}, {"id": person[0]["_id"], "handle": "bob"})
    await acquire(jobs_client, job["_id"])
    path = f"/api/jobs/{job['_id']}"
    # The job API's 401 says how a job authenticates.
    job_unauthorized = {**UNAUTHORIZED, "hint": JOB_CREDENTIALS_HINT}
    for headers in (
        {"X-API-Key": person[1]},
        basic_auth("bob", person[1]),
        basic_auth(person[1], ""),
        basic_auth(f"job-{job['_id']}", person[1]),
    ):
        response = await jobs_client.get(path, headers=headers)
        assert response.status == 401
        assert await response.json() == job_unauthorized


# --- keys at rest ---


async def test_keys_stored_only_hashed(ctx, factory):
    user, headers = await factory.person(handle="carol")
    key = headers["X-API-Key"]
    [document] = [document async for document in ctx.db.keys.find({"user.id": user["_id"]})]
    assert document["hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(document)
    assert key not in str(await ctx.db.users.find_one({"_id": user["_id"]}))


# --- the first start ---


@pytest.fixture
async def embedded_ctx(tmp_path: Path):
    """A context on the embedded default, whatever databases the rest of the suite uses."""
    ctx = await create_context(Config(data_path=tmp_path / "embedded"))
    yield ctx
    await ctx.close()


async def test_a_first_start_makes_no_user_and_prints_a_setup_link(embedded_ctx):
    banner = await _setup_banner(embedded_ctx)
    assert banner is not None
    assert await embedded_ctx.db.users.count_documents({}) == 0, "no administrator is made unasked"
    link = banner.split("\n\n")[1].strip()
    assert link.startswith(f"http://localhost:{embedded_ctx.config.port}/setup?token=")
    # The terminal's way, named as it can be run.
    assert f"`{program()} users create HANDLE --admin`" in banner


async def test_no_setup_link_once_an_administrator_exists(embedded_ctx):
    await create_user(embedded_ctx, "root", administrator=True)
    assert await _setup_banner(embedded_ctx) is None


# --- the command line (synchronous tests: the CLI runs its own event loop) ---


def _user_for_key(data_path: Path, key: str) -> dict | None:
    async def look_up():  # type: ignore[no-untyped-def]
        ctx = await create_context(Config(data_path=data_path))
        try:
            return await user_for_key(ctx, key)
        finally:
            await ctx.close()

    return asyncio.run(look_up())


def test_cli_users_create_prints_a_working_key(tmp_path):
    data_path = tmp_path / "data"
    result = CliRunner().invoke(main, ["users", "create", "dana", "--admin", "--data-path", str(data_path)])
    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert len(key) == 64
    user = _user_for_key(data_path, key)
    assert user is not None and user["handle"] == "dana" and user["administrator"] is True


def test_cli_users_create_not_admin_by_default(tmp_path):
    data_path = tmp_path / "data"
    result = CliRunner().invoke(main, ["users", "create", "eve", "--data-path", str(data_path)])
    assert result.exit_code == 0, result.output
    assert _user_for_key(data_path, result.stdout.strip())["administrator"] is False


def test_cli_users_create_existing_handle(tmp_path):
    data_path = str(tmp_path / "data")
    CliRunner().invoke(main, ["users", "create", "dana", "--data-path", data_path])
    result = CliRunner().invoke(main, ["users", "create", "dana", "--data-path", data_path])
    assert result.exit_code == 1
    assert "User already exists" in result.stderr


def test_cli_users_create_invalid_handle(tmp_path):
    result = CliRunner().invoke(main, ["users", "create", "no spaces", "--data-path", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert "HANDLE" in result.stderr


def test_cli_users_key_replaces_a_lost_key(tmp_path):
    """Every earlier key of the user is revoked (whichever was lost stops working); only the new one works."""
    data_path = str(tmp_path / "data")
    first = CliRunner().invoke(main, ["users", "create", "dana", "--data-path", data_path]).stdout.strip()
    second = CliRunner().invoke(main, ["users", "key", "dana", "--data-path", data_path]).stdout.strip()
    assert _user_for_key(tmp_path / "data", second)["handle"] == "dana"
    other = CliRunner().invoke(main, ["users", "create", "olga", "--data-path", data_path]).stdout.strip()

    result = CliRunner().invoke(main, ["users", "key", "dana", "--data-path", data_path])

    assert result.exit_code == 0, result.output
    key = result.stdout.strip()
    assert len(key) == 64 and key not in (first, second)
    assert "Revoked 1 earlier API key of 'dana'" in result.stderr
    assert _user_for_key(tmp_path / "data", key)["handle"] == "dana"
    assert _user_for_key(tmp_path / "data", first) is None
    assert _user_for_key(tmp_path / "data", second) is None
    assert _user_for_key(tmp_path / "data", other)["handle"] == "olga", "other users keep their keys"


async def test_a_replaced_key_is_rejected_by_the_api(public_client, ctx, factory):
    user, headers = await factory.person(handle="walt")
    _, scripted = await create_api_key(ctx, user["_id"], "a script")

    key, revoked = await replace_keys(ctx, "walt", "command line")

    assert revoked == 2
    for old in (headers["X-API-Key"], scripted):
        await assert_unauthorized(await public_client.get("/api/account", headers={"X-API-Key": old}))
    response = await public_client.get("/api/account", headers={"X-API-Key": key})
    assert response.status == 200
    response = await public_client.get("/api/account/keys", headers={"X-API-Key": key})
    assert [entry["name"] for entry in await response.json()] == ["command line"]


def test_cli_users_key_unknown_user(tmp_path):
    result = CliRunner().invoke(main, ["users", "key", "nobody", "--data-path", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert "User does not exist" in result.stderr


# --- routes that read in the authentication's round trip (`reads=`: a sample, an analysis) ---


async def test_a_route_reading_with_the_authentication_takes_every_form_of_key(
    public_client, factory, person
):
    sample = await factory.sample(ready=True, all_read=True)
    analysis = await factory.analysis(sample=sample)
    for headers in ({"X-API-Key": person[1]}, basic_auth("bob", person[1]), basic_auth(person[1], "")):
        response = await public_client.get(f"/api/samples/{sample['_id']}", headers=headers)
        assert response.status == 200, await response.text()
        assert (await response.json())["id"] == sample["_id"]
        response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=headers)
        assert response.status == 200, await response.text()
        assert (await response.json())["id"] == analysis["_id"]


async def test_a_route_reading_with_the_authentication_refuses_bad_credentials_before_anything_else(
    public_client, ctx, factory, person
):
    """401, whether what the route reads exists or not (never a 404 or a 403 before the caller is known)."""
    sample = await factory.sample(ready=True, all_read=False)
    await factory.person(handle="alice")
    refused = [
        {},
        {"X-API-Key": "0" * 64},
        basic_auth("bob", "0" * 64),
        basic_auth("alice", person[1]),
        {"Authorization": f"Bearer {person[1]}"},
    ]
    for path in (f"/api/samples/{sample['_id']}", "/api/samples/nothing", "/api/analyses/nothing"):
        for headers in refused:
            await assert_unauthorized(await public_client.get(path, headers=headers))
    await ctx.db.users.update_one({"_id": person[0]["_id"]}, {"$set": {"active": False}})
    await assert_unauthorized(
        await public_client.get(f"/api/samples/{sample['_id']}", headers={"X-API-Key": person[1]})
    )
