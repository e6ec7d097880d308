"""The first administrator, created with the one-time setup token a first start prints (`/api/setup`).

Each error row of `POST /api/setup`: a missing or wrong token is 403 "Invalid setup token", once an
administrator exists it is 409 (whatever the token), a password against the rules 400, a body of the wrong
shape 422, malformed JSON 400, a request without our page's header 403. Two concurrent creations make one
administrator; afterwards every token printed is dead.
"""

import asyncio
import hashlib
from http.cookies import SimpleCookie

from virtool_api.users.keys import user_for_key
from virtool_api.users.setup import issue_setup_token

PASSWORD = "first of the lab"
PAGE = {"X-Requested-With": "XMLHttpRequest"}
INVALID_TOKEN = {"id": "insufficient_rights", "message": "Invalid setup token"}
SET_UP = {"id": "conflict", "message": "The first administrator already exists"}


def body(token: str | None, handle: str = "ada", password: str = PASSWORD) -> dict[str, str]:
    sent = {"handle": handle, "password": password}
    return sent if token is None else {**sent, "token": token}


async def setup(client, sent, headers=PAGE):  # type: ignore[no-untyped-def]
    response = await client.post("/api/setup", json=sent, headers=headers)
    return response.status, await response.json()


async def test_setup_is_required_until_an_active_administrator_exists(ctx, public_client, factory):
    assert await (await public_client.get("/api/setup")).json() == {"required": True}

    await factory.person(handle="plain")
    assert await (await public_client.get("/api/setup")).json() == {"required": True}

    await factory.person(handle="boss", administrator=True)
    assert await (await public_client.get("/api/setup")).json() == {"required": False}


async def test_the_token_creates_the_first_administrator_signed_in_with_a_key(ctx, public_client):
    token = await issue_setup_token(ctx)
    assert token is not None

    response = await public_client.post("/api/setup", json=body(token), headers=PAGE)

    assert response.status == 201
    created = await response.json()
    assert created["handle"] == "ada"
    assert created["administrator"] is True
    assert created["has_password"] is True
    assert response.headers["Location"] == f"/api/users/{created['id']}"
    user = await user_for_key(ctx, created["key"], "ada")
    assert user is not None and user["_id"] == created["id"]
    # Signed in: the session cookie opens the API.
    session = SimpleCookie(response.headers["Set-Cookie"])["virtool_session"].value
    account = await public_client.get("/api/account", headers={"Cookie": f"virtool_session={session}"})
    assert (await account.json())["handle"] == "ada"
    # And the password signs in.
    login = await public_client.post(
        "/api/account/login", json={"handle": "ada", "password": PASSWORD}, headers=PAGE
    )
    assert login.status == 200
    assert await (await public_client.get("/api/setup")).json() == {"required": False}


async def test_only_hashes_of_tokens_are_stored(ctx):
    token = await issue_setup_token(ctx)
    assert token is not None
    stored = await ctx.db.setup.find_one({})
    assert stored["tokens"] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in str(stored)


async def test_a_missing_token_is_403(ctx, public_client):
    await issue_setup_token(ctx)
    assert await setup(public_client, body(None)) == (403, INVALID_TOKEN)
    assert await ctx.db.users.count_documents({}) == 0


async def test_a_wrong_token_is_403(ctx, public_client):
    token = await issue_setup_token(ctx)
    assert token is not None
    assert await setup(public_client, body(token[:-1] + ("A" if token[-1] != "A" else "B"))) == (
        403,
        INVALID_TOKEN,
    )
    assert await setup(public_client, body("")) == (403, INVALID_TOKEN)
    assert await ctx.db.users.count_documents({}) == 0


async def test_before_any_token_was_issued_every_token_is_403(ctx, public_client):
    assert await setup(public_client, body("anything")) == (403, INVALID_TOKEN)


async def test_every_start_s_token_works_until_one_is_used(ctx, public_client):
    first, second = await issue_setup_token(ctx), await issue_setup_token(ctx)
    assert first is not None and second is not None and first != second

    status, _ = await setup(public_client, body(second))
    assert status == 201
    assert await setup(public_client, body(first, handle="eve")) == (409, SET_UP)
    assert await setup(public_client, body(second, handle="eve")) == (409, SET_UP)
    assert await ctx.db.setup.count_documents({}) == 0, "every token is gone"
    assert [user["handle"] async for user in ctx.db.users.find({})] == ["ada"]


async def test_once_an_administrator_exists_it_is_409_and_no_token_is_issued(ctx, public_client, factory):
    token = await issue_setup_token(ctx)
    assert token is not None
    await factory.person(handle="boss", administrator=True)

    assert await setup(public_client, body(token)) == (409, SET_UP)
    assert await setup(public_client, body("wrong")) == (409, SET_UP)
    assert await issue_setup_token(ctx) is None
    assert await ctx.db.users.count_documents({"administrator": True}) == 1


async def test_a_password_against_the_rules_is_400_and_the_token_still_works(ctx, public_client):
    token = await issue_setup_token(ctx)
    assert await setup(public_client, body(token, password="short")) == (
        400,
        {"id": "bad_request", "message": "Password must be at least 8 characters"},
    )
    assert await setup(public_client, body(token, password="ada-lovelace")) == (
        400,
        {"id": "bad_request", "message": "Password must not contain the handle"},
    )
    status, _ = await setup(public_client, body(token))
    assert status == 201


async def test_a_handle_taken_by_a_user_is_400_and_gives_the_claim_back(ctx, public_client, factory):
    await factory.person(handle="ada")
    token = await issue_setup_token(ctx)

    assert await setup(public_client, body(token)) == (
        400,
        {"id": "bad_request", "message": "User already exists"},
    )
    status, created = await setup(public_client, body(token, handle="grace", password="analytical engine"))
    assert status == 201
    assert created["handle"] == "grace"


async def test_a_body_of_the_wrong_shape_is_422_naming_the_fields(ctx, public_client):
    token = await issue_setup_token(ctx)
    status, answer = await setup(public_client, {"token": token, "handle": "a b", "extra": 1})
    assert status == 422
    assert answer["id"] == "invalid_input"
    assert sorted(answer["errors"]) == ["extra", "handle", "password"]


async def test_malformed_json_is_400(ctx, public_client):
    response = await public_client.post(
        "/api/setup", data=b"{", headers={**PAGE, "Content-Type": "application/json"}
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}


async def test_a_request_not_from_our_page_is_refused(ctx, public_client):
    token = await issue_setup_token(ctx)
    assert await setup(public_client, body(token), headers={}) == (
        403,
        {"id": "insufficient_rights", "message": "Cross-site request refused"},
    )
    other_site = {**PAGE, "Origin": "https://elsewhere.example"}
    assert await setup(public_client, body(token), headers=other_site) == (
        403,
        {"id": "insufficient_rights", "message": "Cross-site request refused"},
    )
    assert await ctx.db.users.count_documents({}) == 0


async def test_two_concurrent_creations_make_one_administrator(ctx, public_client):
    token = await issue_setup_token(ctx)
    other = await issue_setup_token(ctx)

    outcomes = await asyncio.gather(
        setup(public_client, body(token, handle="ada")),
        setup(public_client, body(other, handle="grace", password="analytical engine")),
        setup(public_client, body(token, handle="alan", password="imitation game")),
    )

    statuses = sorted(status for status, _ in outcomes)
    assert statuses == [201, 409, 409]
    assert [answer for status, answer in outcomes if status == 409] == [SET_UP, SET_UP]
    winner = next(answer for status, answer in outcomes if status == 201)
    assert [user["handle"] async for user in ctx.db.users.find({})] == [winner["handle"]]
    assert await ctx.db.setup.count_documents({}) == 0


async def test_the_page_tells_the_client_to_offer_the_setup_only_while_it_is_required(
    ctx, public_client, factory
):
    flag = '<script type="application/json" id="setup-required">true</script>'
    page = await public_client.get("/setup")
    assert page.status == 200
    assert flag in await page.text()

    await factory.person(handle="boss", administrator=True)
    assert flag not in await (await public_client.get("/")).text()
