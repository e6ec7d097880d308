"""Signing in with passwords: sessions in cookies, their ends, cross-site refusals and throttling."""

import asyncio
import dataclasses
import hashlib
import time
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from click.testing import CliRunner

from virtool_api.cli import main
from virtool_api.config import Config
from virtool_api.server.auth import PUBLIC_CREDENTIALS_HINT
from virtool_api.server.context import create_context
from virtool_api.users import passwords
from virtool_api.users.credentials import sign_in
from virtool_api.utils import utc_now

PASSWORD = "correct horse battery"
INVALID = {"id": "bad_request", "message": "Invalid handle or password"}
UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": PUBLIC_CREDENTIALS_HINT,
}
CROSS_SITE = {"id": "insufficient_rights", "message": "Cross-site request refused"}
THROTTLED = {"id": "too_many_requests", "message": "Too many failed sign-in attempts; try again in a minute"}


@pytest.fixture
def config(config: Config) -> Config:
    """Requests from the test client come from 127.0.0.1; trusting it lets a test pose as other addresses
    with `X-Forwarded-For` (as a reverse proxy would tell us)."""
    return dataclasses.replace(config, trusted_proxies=("127.0.0.1",))


@pytest.fixture
async def bob(ctx, factory):
    """`(user, api key headers)` for `bob`, whose password is PASSWORD."""
    user, headers = await factory.person(handle="bob")
    await ctx.db.users.update_one(
        {"_id": user["_id"]}, {"$set": {"password": await passwords.hash_password(PASSWORD)}}
    )
    return user, headers


def page(client, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Headers our own page sends: `X-Requested-With`, and the `Origin` of the site it was loaded from."""
    return {"X-Requested-With": "XMLHttpRequest", "Origin": str(client.make_url("")).rstrip("/"), **extra}


def cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"virtool_session={token}"}


async def login(
    client, handle: str = "bob", password: str = PASSWORD, remember: bool = False, **headers: str
):  # type: ignore[no-untyped-def]
    response = await client.post(
        "/api/account/login",
        json={"handle": handle, "password": password, "remember": remember},
        headers=page(client, **headers),
    )
    client.session.cookie_jar.clear()  # each test sends the cookie it means to, explicitly
    return response


def session_cookie(response) -> SimpleCookie:  # type: ignore[no-untyped-def]
    parsed: SimpleCookie = SimpleCookie()
    for header in response.headers.getall("Set-Cookie"):
        parsed.load(header)
    return parsed


async def token_of(client, **options) -> str:  # type: ignore[no-untyped-def]
    response = await login(client, **options)
    assert response.status == 200, await response.text()
    return session_cookie(response)["virtool_session"].value


# --- signing in ---


async def test_login_starts_a_session(public_client, ctx, bob):
    response = await login(public_client)
    assert response.status == 200
    body = await response.json()
    assert body["id"] == bob[0]["_id"] and body["handle"] == "bob" and body["has_password"] is True
    assert "password" not in body

    morsel = session_cookie(response)["virtool_session"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert morsel["path"] == "/"
    assert not morsel["secure"]  # plain HTTP from an untrusted hop
    assert morsel["max-age"] == ""  # a browser-session cookie; the server ends it after a day

    [stored] = await ctx.db.sessions.find({"user.id": bob[0]["_id"]}).to_list(None)
    assert stored["hash"] == hashlib.sha256(morsel.value.encode()).hexdigest()
    assert morsel.value not in str(stored)
    lifetime = stored["expires_at"] - stored["created_at"]
    assert lifetime == timedelta(days=1)

    account = await public_client.get("/api/account", headers=cookie(morsel.value))
    assert account.status == 200
    assert (await account.json())["handle"] == "bob"


async def test_login_remember_keeps_the_session_for_30_days(public_client, ctx, bob):
    response = await login(public_client, remember=True)
    morsel = session_cookie(response)["virtool_session"]
    assert morsel["max-age"] == str(30 * 24 * 3600)
    stored = await ctx.db.sessions.find_one({"user.id": bob[0]["_id"]})
    assert stored["expires_at"] - stored["created_at"] == timedelta(days=30)
    assert stored["remember"] is True


async def test_wrong_password_and_unknown_handle_answer_alike(public_client, ctx, bob, factory):
    wrong = await login(public_client, password="not the password")
    unknown = await login(public_client, handle="nobody")
    await factory.person(handle="carol")  # a user who has no password
    no_password = await login(public_client, handle="carol")
    answers = [(r.status, await r.json(), "Set-Cookie" in r.headers) for r in (wrong, unknown, no_password)]
    assert answers == [(400, INVALID, False)] * 3
    assert await ctx.db.sessions.count_documents({}) == 0


async def test_inactive_user_answers_like_a_wrong_password(public_client, ctx, bob):
    await ctx.db.users.update_one({"_id": bob[0]["_id"]}, {"$set": {"active": False}})
    response = await login(public_client)
    assert response.status == 400
    assert await response.json() == INVALID


@pytest.mark.real_password_cost
async def test_unknown_handle_costs_a_password_hash(public_client, bob):
    """Passwords are hashed at argon2-cffi's default cost, and the answer for an unknown handle takes about as
    long as for a wrong password: a dummy hash with the same parameters is checked. (Loose bounds: the machine
    is shared.)"""
    parameters = ["argon2id", "v=19", "m=65536,t=3,p=4"]
    assert passwords._dummy_hash().split("$")[1:4] == parameters
    assert (await passwords.hash_password("x" * 8)).split("$")[1:4] == parameters

    async def fastest(handle: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            await login(public_client, handle=handle, password="guess guess", **{"X-Forwarded-For": handle})
            times.append(time.perf_counter() - start)
        return min(times)

    known, unknown = await fastest("bob"), await fastest("nobody")
    assert unknown > known / 3


async def test_login_body_shape(public_client):
    response = await public_client.post(
        "/api/account/login", json={"handle": "bob", "password": 5}, headers=page(public_client)
    )
    assert response.status == 422
    assert "password" in (await response.json())["errors"]


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


# --- requests from other sites ---


async def test_cross_site_form_post_to_login_is_refused(public_client, ctx, bob):
    """A form on another site posting a JSON-looking body (enctype text/plain) to sign a visitor in."""
    response = await public_client.post(
        "/api/account/login",
        data='{"handle": "bob", "password": "correct horse battery", "x": "="}',
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
    )
    assert response.status == 403
    assert await response.json() == CROSS_SITE
    assert "Set-Cookie" not in response.headers
    assert await ctx.db.sessions.count_documents({}) == 0


async def test_cross_site_form_post_with_the_cookie_is_refused(public_client, ctx, bob):
    token = await token_of(public_client)
    response = await public_client.post(
        "/api/account/keys",
        data="name=stolen",
        headers={
            **cookie(token),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://evil.example",
        },
    )
    assert response.status == 403
    assert await response.json() == CROSS_SITE
    assert await ctx.db.keys.count_documents({"name": "stolen"}) == 0


async def test_cookie_change_needs_the_page_header(public_client, bob):
    token = await token_of(public_client)
    origin = page(public_client)["Origin"]
    response = await public_client.post(
        "/api/account/keys", json={"name": "x"}, headers={**cookie(token), "Origin": origin}
    )
    assert response.status == 403
    assert await response.json() == CROSS_SITE


async def test_cookie_change_from_another_origin_is_refused(public_client, bob):
    token = await token_of(public_client)
    for source in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/x"},
    ):
        headers = {**cookie(token), "X-Requested-With": "XMLHttpRequest", **source}
        response = await public_client.post("/api/account/keys", json={"name": "x"}, headers=headers)
        assert response.status == 403, source
        assert await response.json() == CROSS_SITE


async def test_cookie_change_from_our_page_is_accepted(public_client, bob):
    token = await token_of(public_client)
    response = await public_client.post(
        "/api/account/keys", json={"name": "from the page"}, headers={**cookie(token), **page(public_client)}
    )
    assert response.status == 201


async def test_cookie_reads_need_no_proof(public_client, bob):
    token = await token_of(public_client)
    response = await public_client.get(
        "/api/account/keys", headers={**cookie(token), "Origin": "https://x.example"}
    )
    assert response.status == 200


async def test_api_keys_need_no_proof(public_client, bob):
    response = await public_client.post(
        "/api/account/keys",
        json={"name": "script"},
        headers={**bob[1], "Origin": "https://elsewhere.example"},
    )
    assert response.status == 201


# --- throttling ---


async def test_ten_failures_for_a_handle_are_throttled(public_client, bob):
    for attempt in range(10):
        # Each from its own address: the handle's count is what stops the eleventh.
        response = await login(
            public_client, password="wrong guess", **{"X-Forwarded-For": f"10.0.0.{attempt}"}
        )
        assert response.status == 400
    throttled = await login(public_client, **{"X-Forwarded-For": "10.0.1.1"})  # even the right password
    assert throttled.status == 429
    assert await throttled.json() == THROTTLED
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    assert "Set-Cookie" not in throttled.headers


async def test_ten_failures_from_an_address_are_throttled(public_client, bob, factory):
    for attempt in range(10):
        response = await login(public_client, handle=f"guess{attempt}", **{"X-Forwarded-For": "192.0.2.7"})
        assert response.status == 400
    response = await login(public_client, **{"X-Forwarded-For": "192.0.2.7"})
    assert response.status == 429
    assert await response.json() == THROTTLED
    # Someone else, from another address, signs in as usual.
    assert (await login(public_client, **{"X-Forwarded-For": "192.0.2.8"})).status == 200


async def test_throttle_forgets_failures_after_a_minute(public_client, ctx, bob):
    for _ in range(10):
        await login(public_client, password="wrong guess")
    assert (await login(public_client)).status == 429
    await ctx.db.sign_in_attempts.update_many({}, {"$set": {"until": utc_now() - timedelta(seconds=1)}})
    assert (await login(public_client)).status == 200


async def test_unknown_handles_are_throttled_alike(public_client):
    for _ in range(10):
        await login(
            public_client, handle="ghost", password="wrong guess", **{"X-Forwarded-For": "198.51.100.1"}
        )
    response = await login(public_client, handle="ghost", **{"X-Forwarded-For": "198.51.100.2"})
    assert response.status == 429
    assert await response.json() == THROTTLED


async def test_forty_sign_ins_at_once_for_one_handle_check_at_most_ten_passwords(public_client, ctx, bob):
    """Each attempt takes one of the handle's ten slots before its password is hashed: of 40 sent together
    (from 40 addresses), at most ten are checked and the rest get 429, the right password among them."""
    wrong = [
        login(public_client, password=f"guess number {n}", **{"X-Forwarded-For": f"10.1.0.{n}"})
        for n in range(39)
    ]
    right = login(public_client, **{"X-Forwarded-For": "10.1.0.200"})

    answers = await asyncio.gather(*wrong, right)

    statuses = [answer.status for answer in answers]
    assert statuses.count(400) + statuses.count(200) <= 10, statuses
    assert statuses.count(429) >= 30
    assert set(statuses) <= {200, 400, 429}
    if answers[-1].status == 429:
        assert await ctx.db.sessions.count_documents({}) == 0
    assert await ctx.db.sign_in_attempts.count_documents({"_id": {"$regex": "^handle:bob:"}}) <= 10


async def test_a_burst_from_one_address_checks_at_most_ten_passwords(public_client, ctx, bob):
    answers = await asyncio.gather(
        *(
            login(
                public_client,
                handle=f"someone{n}",
                password="wrong guess",
                **{"X-Forwarded-For": "192.0.2.99"},
            )
            for n in range(60)
        )
    )
    statuses = [answer.status for answer in answers]
    assert statuses.count(400) == 10, statuses
    assert statuses.count(429) == 50
    # The slots of the handles whose attempt was throttled by the address were given back.
    assert await ctx.db.sign_in_attempts.count_documents({"_id": {"$regex": "^handle:"}}) == 10


async def test_a_successful_sign_in_gives_its_slots_back(public_client, bob):
    for _ in range(15):
        assert (await login(public_client, **{"X-Forwarded-For": "192.0.2.50"})).status == 200


@pytest.mark.real_password_cost
async def test_password_hashing_does_not_hold_up_other_requests(public_client, jobs_client, factory, ctx):
    """Sign-ins hash on a thread of their own: while a burst of them waits for it, an administrator's
    `GET /api/analyses/{id}` (its results read on the shared thread pool) is answered before they are."""
    from tests.analyses.test_analyses_job_api import running_analysis
    from tests.analyses.test_workflow_results import PATHOSCOPE_RESULTS

    analysis, _, auth = await running_analysis(factory, jobs_client)
    finalized = await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}", json={"results": PATHOSCOPE_RESULTS}, headers=auth
    )
    assert finalized.status == 200
    _, admin = await factory.person(administrator=True)

    sign_ins = [
        asyncio.ensure_future(
            login(
                public_client,
                handle=f"visitor{n}",
                password="wrong guess",
                **{"X-Forwarded-For": f"10.2.0.{n}"},
            )
        )
        for n in range(18)
    ]
    await asyncio.wait(sign_ins, return_when=asyncio.FIRST_COMPLETED)  # hashing is under way
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)
    still_hashing = sum(not sign_in.done() for sign_in in sign_ins)

    assert response.status == 200
    assert (await response.json())["results"] == PATHOSCOPE_RESULTS
    assert still_hashing >= 12, f"only {still_hashing} of 18 sign-ins were still waiting"
    assert [answer.status for answer in await asyncio.gather(*sign_ins)] == [400] * 18


# --- small forms get small bodies ---


async def _raw_request(client, head: bytes, body_parts: list[bytes]) -> bytes:  # type: ignore[no-untyped-def]
    """Send a request over a socket of our own (headers, then each part); the status line and headers of
    the answer, read within 30 seconds."""
    reader, writer = await asyncio.open_connection(client.host, client.port)
    try:
        writer.write(head)
        for part in body_parts:
            writer.write(part)
            await writer.drain()
        return await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
    finally:
        writer.close()


def _login_head(client, length: str) -> bytes:  # type: ignore[no-untyped-def]
    return (
        "POST /api/account/login HTTP/1.1\r\n"
        f"Host: {client.host}:{client.port}\r\n"
        "Content-Type: application/json\r\nX-Requested-With: XMLHttpRequest\r\n"
        f"{length}\r\n\r\n"
    ).encode()


async def test_a_sign_in_announcing_a_large_body_is_refused_before_it_is_sent(public_client):
    """44 MiB announced and not a byte sent: the answer comes at once, from `Content-Length` alone."""
    answer = await _raw_request(public_client, _login_head(public_client, f"Content-Length: {44 << 20}"), [])
    assert answer.startswith(b"HTTP/1.1 413 "), answer


async def test_a_sign_in_body_without_a_length_is_refused_once_past_the_limit(public_client):
    """Chunked, with no length: refused once 64 KiB have arrived, however much more the client has."""
    piece = b'{"handle": "' + b"a" * 70_000
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    answer = await _raw_request(
        public_client, _login_head(public_client, "Transfer-Encoding: chunked"), [chunk]
    )
    assert answer.startswith(b"HTTP/1.1 413 "), answer


async def test_small_forms_refuse_bodies_past_64_kib(public_client, jobs_client, factory, bob):
    _, headers = await factory.person(administrator=True)
    big = {"name": "x" * (65 * 1024)}
    for response in (
        await public_client.post("/api/tags", json=big, headers=headers),
        await public_client.post("/api/account/keys", json=big, headers=headers),
        await public_client.post("/api/account/login", json=big, headers=page(public_client)),
        await jobs_client.patch("/api/jobs/anything", json={"acquired": True, "padding": "x" * (65 * 1024)}),
    ):
        assert response.status == 413
        assert await response.json() == {"id": "payload_too_large", "message": "Request body is too large"}
    # Bigger bodies stay welcome where they are needed.
    assert (await public_client.post("/api/samples", json=big, headers=headers)).status == 422


# --- behind a reverse proxy ---


async def test_secure_cookie_behind_a_trusted_tls_proxy(public_client, bob):
    response = await login(public_client, **{"X-Forwarded-Proto": "https"})
    assert session_cookie(response)["virtool_session"]["secure"] is True


async def test_forwarded_headers_of_untrusted_peers_are_ignored(public_client, ctx, bob, aiohttp_client):
    from virtool_api.server.app import create_public_app

    config = dataclasses.replace(ctx.config, trusted_proxies=())
    untrusting = await aiohttp_client(create_public_app(dataclasses.replace(ctx, config=config)))
    response = await login(untrusting, **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.status == 200
    assert not session_cookie(response)["virtool_session"]["secure"]
    await login(untrusting, password="wrong guess", **{"X-Forwarded-For": "203.0.113.9"})
    assert await ctx.db.sign_in_attempts.count_documents({"_id": {"$regex": "^address:"}}) == 1
    assert await ctx.db.sign_in_attempts.find_one({"_id": "address:127.0.0.1:0"}) is not None


async def test_secure_cookies_always(public_client, ctx, bob, aiohttp_client):
    from virtool_api.server.app import create_public_app

    config = dataclasses.replace(ctx.config, secure_cookies="always")
    client = await aiohttp_client(create_public_app(dataclasses.replace(ctx, config=config)))
    response = await login(client)
    assert session_cookie(response)["virtool_session"]["secure"] is True


async def test_x_forwarded_host_from_a_trusted_proxy_is_not_believed(public_client, bob):
    """A proxy that passes the client's `X-Forwarded-Host` on must not let another site's page pass the
    `Origin` check: the server compares `Origin` with `Host` only."""
    response = await login(
        public_client, Origin="https://evil.example", **{"X-Forwarded-Host": "evil.example"}
    )
    assert response.status == 403
    assert await response.json() == CROSS_SITE
    assert "Set-Cookie" not in response.headers


async def test_a_session_reads_a_sample_in_the_round_trip_that_finds_it(public_client, factory, bob):
    """`GET /samples/{id}` reads the sample with the session (`reads=`): a session finds it, a bad one is
    401."""
    sample = await factory.sample(ready=True, all_read=True)
    token = await token_of(public_client)
    response = await public_client.get(f"/api/samples/{sample['_id']}", headers=cookie(token))
    assert response.status == 200, await response.text()
    assert (await response.json())["id"] == sample["_id"]
    response = await public_client.get(f"/api/samples/{sample['_id']}", headers=cookie("0" * 43))
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED
