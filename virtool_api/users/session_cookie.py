"""The browser session's cookie: set when someone signs in, cleared when they sign out, and read by pages
that show who is signed in (`sessions.py` keeps the sessions)."""

from typing import Any

from aiohttp import web

from virtool_api.api.keys import CONTEXT
from virtool_api.api.origin import came_over_tls
from virtool_api.users.sessions import REMEMBERED_SESSION_LIFETIME, find_session

SESSION_COOKIE = "virtool_session"


async def session_user(request: web.Request) -> dict[str, Any] | None:
    """The user whose session cookie the request carries, or None: for pages, which show who is signed in
    but need nobody to be."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = await find_session(request.app[CONTEXT], token)
    return None if found is None else found[1]


def set_session_cookie(
    response: web.StreamResponse, request: web.Request, token: str, remember: bool
) -> None:
    """`HttpOnly` (no script reads it), `SameSite=Lax` (not sent on cross-site POSTs), `Secure` over TLS.
    Without `remember` it is a browser-session cookie; the server ends the session after a day either way."""
    secure = request.app[CONTEXT].config.secure_cookies == "always" or came_over_tls(request)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=secure,
        max_age=int(REMEMBERED_SESSION_LIFETIME.total_seconds()) if remember else None,
    )


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")
