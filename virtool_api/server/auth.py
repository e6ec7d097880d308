"""Who is calling. Nothing about rights lives here.

Job API: a job, by HTTP Basic `job-{id}:{key}`. Public API: a user, by `X-API-Key: <key>`, HTTP Basic
`<handle>:<key>`, HTTP Basic `<key>:` (how One Codex's client sends it), or the browser session cookie. A
job's credentials never open the public API and a user's never open the job API: the two are looked up in
different collections.

A cookie-borne change must come from our own page (`api/origin.py`). The middlewares are server wiring: they
ask the jobs and users domains who the credentials belong to.
"""

import functools
from collections.abc import Callable
from typing import Any

from aiohttp import BasicAuth, hdrs, web

from virtool_api.api.keys import CONTEXT, JOB, JOB_CREDENTIALS, READ, SESSION, USER, JobCredentials
from virtool_api.api.origin import SAFE_METHODS, require_our_page
from virtool_api.errors import Unauthorized
from virtool_api.jobs.rights import require_active
from virtool_api.jobs.service import authenticate_job
from virtool_api.storage.steps import Steps, run_steps
from virtool_api.users.keys import user_for_key_steps
from virtool_api.users.session_cookie import SESSION_COOKIE
from virtool_api.users.sessions import session_and_user_steps

Caller = tuple[dict[str, Any] | None, dict[str, Any]]
"""`(session, user)`: the session None for credentials other than a session cookie."""

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
    if not requires_auth(request):
        return await handler(request)
    if getattr(request.match_info.route.handler, "authenticates_job", False):
        return await _authenticated_by_handler(request, handler)
    await _authenticate_job(request)
    return await handler(request)


async def _authenticate_job(request: web.Request) -> None:
    """401 unless the request's credentials are a job's; 409 for a finished job unless the route allows it."""
    try:
        request[JOB] = job = await authenticate_job_request(request)
    except Unauthorized as error:
        error.extra.setdefault("hint", JOB_CREDENTIALS_HINT)
        raise
    if not _finished_job_allowed(request):
        # The one place a finished job is stopped: reads and downloads as much as changes.
        require_active(job)


async def _authenticated_by_handler(request: web.Request, handler) -> web.StreamResponse:  # type: ignore[no-untyped-def]
    """A route whose handler's conditional update authenticates the job (its key's hash in the condition:
    one write, no read first). Any error is answered only once the job is authenticated here, by reading
    it, so bad credentials still get 401 and a finished job 409 before anything else, as on every route."""
    try:
        request[JOB_CREDENTIALS] = credentials = job_credentials(request)
    except Unauthorized as error:
        error.extra.setdefault("hint", JOB_CREDENTIALS_HINT)
        raise
    try:
        response = await handler(request)
    except Exception:
        if credentials.job is None:
            await _authenticate_job(request)
        else:
            request[JOB] = credentials.job
        raise
    if credentials.job is None:
        raise RuntimeError(f"{request.method} {request.path} answered without authenticating the job")
    request[JOB] = credentials.job
    return response


def job_credentials(request: web.Request) -> JobCredentials:
    """The job id and key the request's HTTP Basic credentials (`job-{id}:{key}`) name; 401 without them."""
    credentials = _basic_credentials(request)
    if credentials is None:
        raise Unauthorized()
    login, key = credentials
    if not login.startswith("job-") or not key:
        raise Unauthorized()
    return JobCredentials(login.removeprefix("job-"), key)


async def authenticate_job_request(request: web.Request) -> dict[str, Any]:
    credentials = job_credentials(request)
    job = await authenticate_job(request.app[CONTEXT], credentials.job_id, credentials.key)
    if job is None:
        raise Unauthorized()
    return job


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
    is the session's id). 401 without valid credentials; 403 for a cookie-borne change from another site.

    A route's `reads` (`api/routes.py`) run in the same round trip, once the user is found (never for
    credentials that find nobody); their answer is `request[READ]`."""
    ctx = request.app[CONTEXT]
    steps = _caller_steps(request)
    reads = getattr(request.match_info.route.handler, "reads", None)
    if reads is None:
        found = await run_steps(ctx.db, steps)
    else:
        found, read = await run_steps(
            ctx.db, _then(steps, functools.partial(reads, request)), records=ctx.records
        )
        request[READ] = read
    if found is None:
        raise Unauthorized()
    session, user = found
    if session is not None:
        if request.method not in SAFE_METHODS:
            require_our_page(request)
        request[SESSION] = session["_id"]
    return user


def _caller_steps(request: web.Request) -> Steps[Caller | None]:
    """The steps that find `(session, user)` (the session None for a key) for the request's credentials;
    401 without any."""
    if api_key := request.headers.get("X-API-Key"):
        return _without_session(user_for_key_steps(api_key))
    if credentials := _basic_credentials(request):
        login, password = credentials
        # `<key>:` (empty password) is One Codex's form; otherwise `<handle>:<key>`.
        key_steps = user_for_key_steps(login) if not password else user_for_key_steps(password, login)
        return _without_session(key_steps)
    if token := request.cookies.get(SESSION_COOKIE):
        return session_and_user_steps(token)
    raise Unauthorized()


def _without_session(user_steps: Steps[dict[str, Any] | None]) -> Steps[Caller | None]:
    user = yield from user_steps
    return None if user is None else (None, user)


def _then(
    caller: Steps[Caller | None], reads: Callable[[dict[str, Any]], Steps[Any]]
) -> Steps[tuple[Caller | None, Any]]:
    """The caller, then (only if found) the route's reads, made for the user found."""
    found = yield from caller
    if found is None:
        return None, None
    return found, (yield from reads(found[1]))
