"""Signing in with a password: the session in a cookie it starts, wrong passwords and unknown handles
answered alike, the cost of a password hash, sign-in bodies kept small, and the session reading a sample.
Throttling: test_account_sign_in_throttling.py; how sessions end: test_account_session_ends.py."""

import asyncio
import hashlib
import time
from datetime import timedelta

import pytest

from tests.support.account_sessions import (  # noqa: F401  (`trusted_proxy_config`: a fixture)
    cookie,
    login,
    page,
    session_cookie,
    token_of,
    trusted_proxy_config,
)
from tests.support.errors import UNAUTHORIZED
from virtool_api.users import passwords

INVALID = {"id": "bad_request", "message": "Invalid handle or password"}


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


# --- a session at work ---


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
