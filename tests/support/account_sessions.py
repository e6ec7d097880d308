"""Signing in with a password as our own page does, and the session cookie that comes back.

`trusted_proxy_config` is a fixture that overrides `config`: a module of the sessions tests imports it so that
the test client's address is trusted as a reverse proxy's, and a test can pose as other addresses with
`X-Forwarded-For`.
"""

import dataclasses
from http.cookies import SimpleCookie

import pytest

from virtool_api.config import Config

PASSWORD = "correct horse battery"


@pytest.fixture(name="config")
def trusted_proxy_config(config: Config) -> Config:
    """Requests from the test client come from 127.0.0.1; trusting it lets a test pose as other addresses
    with `X-Forwarded-For` (as a reverse proxy would tell us)."""
    return dataclasses.replace(config, trusted_proxies=("127.0.0.1",))


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
