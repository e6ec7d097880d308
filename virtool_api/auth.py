"""Who is calling. Nothing about rights lives here.

Job API: a job, by HTTP Basic `job-{id}:{key}`. Public API: a user, by `X-API-Key: <key>`, HTTP Basic
`<handle>:<key>`, HTTP Basic `<key>:` (how One Codex's client sends it), or the browser session cookie. A
job's credentials never open the public API and a user's never open the job API: the two are looked up in
different collections.

A request authenticated by the session cookie that could change something (any method but GET, HEAD and
OPTIONS) must prove it comes from our own page: it carries the `X-Requested-With` header, which a cross-site
form cannot send and which no other site's script may send without a CORS grant (this server grants none),
and its `Origin` (or, without one, its `Referer`) names this site. API keys need neither: a browser never
sends them by itself.
"""

import functools
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from aiohttp import BasicAuth, hdrs, web

from virtool_api.api.keys import CONTEXT, JOB, SESSION, USER
from virtool_api.errors import InsufficientRights, Unauthorized

SESSION_COOKIE = "virtool_session"
PAGE_HEADER = "X-Requested-With"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE = InsufficientRights.declare("Cross-site request refused")

# What a 401 tells the caller to do (the `hint` beside its message).
PUBLIC_CREDENTIALS_HINT = (
    "Send an API key in the X-API-Key header (or HTTP Basic: your handle as user name, the key as password), "
    "or sign in with POST /api/account/login. An administrator makes your account and first key "
    "(POST /api/users, or `virtool-api users create`); make more keys with POST /api/account/keys."
)
JOB_CREDENTIALS_HINT = (
    "Authenticate as the job: HTTP Basic with user name job-<job id> and, as password, the key that "
    "acquiring the job (PATCH /api/jobs/<job id>) returned."
)


def _basic_credentials(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get(hdrs.AUTHORIZATION)
    if not header:
        return None
    try:
        credentials = BasicAuth.decode(header)
    except ValueError:
        return None
    return credentials.login, credentials.password


def requires_auth(request: web.Request) -> bool:
    """Routes declare `auth=False` for the few calls anyone may make (acquire, health)."""
    route = request.match_info.route
    return getattr(route.handler, "requires_auth", True) and route.resource is not None


def _finished_job_allowed(request: web.Request) -> bool:
    """Routes declare `finished_job=True` for the calls a job in a terminal state may still make."""
    return getattr(request.match_info.route.handler, "finished_job_allowed", False)


@web.middleware
async def job_auth_middleware(request: web.Request, handler) -> web.StreamResponse:  # type: ignore[no-untyped-def]
    if requires_auth(request):
        try:
            request[JOB] = job = await authenticate_job_request(request)
        except Unauthorized as error:
            error.extra.setdefault("hint", JOB_CREDENTIALS_HINT)
            raise
        if not _finished_job_allowed(request):
            from virtool_api.jobs.rights import require_active

            # The one place a finished job is stopped: reads and downloads as much as changes.
            require_active(job)
    return await handler(request)


async def authenticate_job_request(request: web.Request) -> dict[str, Any]:
    from virtool_api.jobs.service import authenticate_job

    credentials = _basic_credentials(request)
    if credentials is None:
        raise Unauthorized()
    login, key = credentials
    if not login.startswith("job-") or not key:
        raise Unauthorized()
    job = await authenticate_job(request.app[CONTEXT], login.removeprefix("job-"), key)
    if job is None:
        raise Unauthorized()
    return job


def only_from_our_page(handler: Any) -> None:
    """Mark a route that needs no credentials but only our page may call (signing in: a cross-site form must
    not sign a visitor in to someone else's account). Checked before the body is read."""
    handler.only_from_our_page = True


@web.middleware
async def user_auth_middleware(request: web.Request, handler) -> web.StreamResponse:  # type: ignore[no-untyped-def]
    if getattr(request.match_info.route.handler, "only_from_our_page", False):
        require_our_page(request)
    if requires_auth(request):
        try:
            request[USER] = await authenticate_user_request(request)
        except Unauthorized as error:
            error.extra.setdefault("hint", PUBLIC_CREDENTIALS_HINT)
            raise
    return await handler(request)


async def authenticate_user_request(request: web.Request) -> dict[str, Any]:
    """The user behind the request's API key or, without one, its session cookie (then `request[SESSION]`
    is the session's id). 401 without valid credentials; 403 for a cookie-borne change from another site."""
    from virtool_api.users.keys import user_for_key
    from virtool_api.users.sessions import find_session

    ctx = request.app[CONTEXT]
    if api_key := request.headers.get("X-API-Key"):
        user = await user_for_key(ctx, api_key)
    elif credentials := _basic_credentials(request):
        login, password = credentials
        # `<key>:` (empty password) is One Codex's form; otherwise `<handle>:<key>`.
        user = await user_for_key(ctx, login) if not password else await user_for_key(ctx, password, login)
    elif token := request.cookies.get(SESSION_COOKIE):
        found = await find_session(ctx, token)
        if found is None:
            raise Unauthorized()
        if request.method not in SAFE_METHODS:
            require_our_page(request)
        session, user = found
        request[SESSION] = session["_id"]
    else:
        raise Unauthorized()
    if user is None:
        raise Unauthorized()
    return user


async def session_user(request: web.Request) -> dict[str, Any] | None:
    """The user whose session cookie the request carries, or None: for pages, which show who is signed in
    but need nobody to be."""
    from virtool_api.users.sessions import find_session

    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = await find_session(request.app[CONTEXT], token)
    return None if found is None else found[1]


# --- where a request comes from -------------------------------------------------------------------------


@functools.cache
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in trusted)


def _is_trusted(request: web.Request, address: str | None) -> bool:
    networks = _networks(request.app[CONTEXT].config.trusted_proxies)
    if not networks or not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _from_trusted_proxy(request: web.Request) -> bool:
    return _is_trusted(request, request.remote)


def _forwarded(request: web.Request, header: str) -> str | None:
    """The first value of an `X-Forwarded-*` header, believed only from a trusted proxy."""
    if not _from_trusted_proxy(request):
        return None
    value = request.headers.get(header, "").split(",")[0].strip()
    return value or None


def client_address(request: web.Request) -> str:
    """The caller's IP address: the peer, or, behind trusted proxies, the nearest untrusted address in
    `X-Forwarded-For` (read from the right, so a client cannot pose as someone else by sending the header)."""
    address = request.remote or "unknown"
    if not _is_trusted(request, address):
        return address
    for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        hop = hop.strip()
        if hop and not _is_trusted(request, hop):
            return hop
    return address


def came_over_tls(request: web.Request) -> bool:
    """Whether the browser reached us over HTTPS: directly, or per a trusted proxy's `X-Forwarded-Proto`."""
    if request.secure:
        return True
    return (_forwarded(request, "X-Forwarded-Proto") or "").lower() == "https"


def _our_host(request: web.Request) -> str:
    """The host the browser asked for. `X-Forwarded-Host` is never read, even from a trusted proxy: a proxy
    that does not set it passes the client's own on, and the nginx example in docs/operating.md passes `Host`
    instead."""
    return request.host.lower()


def require_our_page(request: web.Request) -> None:
    """403 "Cross-site request refused" unless the request carries `X-Requested-With` and its `Origin` (or
    `Referer`), when sent, names this host. Only hosts are compared: behind a TLS-terminating proxy the page
    is `https://lab.example` while we are reached over plain HTTP."""
    if not request.headers.get(PAGE_HEADER):
        raise CROSS_SITE
    source = request.headers.get(hdrs.ORIGIN) or request.headers.get(hdrs.REFERER)
    if source is not None and urlsplit(source).netloc.lower() != _our_host(request):
        raise CROSS_SITE


def set_session_cookie(
    response: web.StreamResponse, request: web.Request, token: str, remember: bool
) -> None:
    """`HttpOnly` (no script reads it), `SameSite=Lax` (not sent on cross-site POSTs), `Secure` over TLS.
    Without `remember` it is a browser-session cookie; the server ends the session after a day either way."""
    from virtool_api.users.sessions import REMEMBERED_SESSION_LIFETIME

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
