"""Who is calling. Nothing about rights lives here.

Job API: a job, by HTTP Basic `job-{id}:{key}`. Public API: a user, by `X-API-Key: <key>`, HTTP Basic
`<handle>:<key>`, or HTTP Basic `<key>:` (how One Codex's client sends it). A job's credentials never open the
public API and a user's never open the job API: the two are looked up in different collections.
"""

from typing import Any

from aiohttp import BasicAuth, hdrs, web

from virtool_api.api.keys import CONTEXT, JOB, USER
from virtool_api.errors import Unauthorized


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
        request[JOB] = job = await authenticate_job_request(request)
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


@web.middleware
async def user_auth_middleware(request: web.Request, handler) -> web.StreamResponse:  # type: ignore[no-untyped-def]
    if requires_auth(request):
        request[USER] = await authenticate_user_request(request)
    return await handler(request)


async def authenticate_user_request(request: web.Request) -> dict[str, Any]:
    from virtool_api.users.keys import user_for_key

    ctx = request.app[CONTEXT]
    if api_key := request.headers.get("X-API-Key"):
        user = await user_for_key(ctx, api_key)
    elif credentials := _basic_credentials(request):
        login, password = credentials
        # `<key>:` (empty password) is One Codex's form; otherwise `<handle>:<key>`.
        user = await user_for_key(ctx, login) if not password else await user_for_key(ctx, password, login)
    else:
        raise Unauthorized()
    if user is None:
        raise Unauthorized()
    return user
