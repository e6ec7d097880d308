"""Where a request with a session cookie comes from: other sites' requests are refused, our page's are
accepted; and what a reverse proxy's forwarded headers are believed for (`Secure` cookies, addresses)."""

import dataclasses

from tests.support.account_sessions import (  # noqa: F401  (`trusted_proxy_config`: a fixture)
    cookie,
    login,
    page,
    session_cookie,
    token_of,
    trusted_proxy_config,
)
from virtool_api.server.app import create_public_app

CROSS_SITE = {"id": "insufficient_rights", "message": "Cross-site request refused"}


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


# --- behind a reverse proxy ---


async def test_secure_cookie_behind_a_trusted_tls_proxy(public_client, bob):
    response = await login(public_client, **{"X-Forwarded-Proto": "https"})
    assert session_cookie(response)["virtool_session"]["secure"] is True


async def test_forwarded_headers_of_untrusted_peers_are_ignored(public_client, ctx, bob, aiohttp_client):
    config = dataclasses.replace(ctx.config, trusted_proxies=())
    untrusting = await aiohttp_client(create_public_app(dataclasses.replace(ctx, config=config)))
    response = await login(untrusting, **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.status == 200
    assert not session_cookie(response)["virtool_session"]["secure"]
    await login(untrusting, password="wrong guess", **{"X-Forwarded-For": "203.0.113.9"})
    assert await ctx.db.sign_in_attempts.count_documents({"_id": {"$regex": "^address:"}}) == 1
    assert await ctx.db.sign_in_attempts.find_one({"_id": "address:127.0.0.1:0"}) is not None


async def test_secure_cookies_always(public_client, ctx, bob, aiohttp_client):
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
