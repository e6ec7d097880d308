"""The two applications: the public API and the job API, each with its own routes and authentication."""

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from virtool_api.analyses import job_api as analyses_job_api
from virtool_api.analyses import public_api as analyses_public_api
from virtool_api.analyses import report_api as analyses_report_api
from virtool_api.api import index as api_index
from virtool_api.api import openapi
from virtool_api.api.in_flight import IN_FLIGHT, InFlight
from virtool_api.api.keys import CONTEXT
from virtool_api.api.middleware import error_middleware
from virtool_api.api.routes import ENDPOINTS, Endpoint
from virtool_api.blast import public_api as blast_public_api
from virtool_api.context import Context
from virtool_api.hmms import job_api as hmms_job_api
from virtool_api.hmms import public_api as hmms_public_api
from virtool_api.indexes import job_api as indexes_job_api
from virtool_api.indexes import public_api as indexes_public_api
from virtool_api.jobs import job_api as jobs_job_api
from virtool_api.jobs import public_api as jobs_public_api
from virtool_api.jobs.handoff import hand_off_forever
from virtool_api.jobs.service import time_out_stale_jobs
from virtool_api.labels import public_api as labels_public_api
from virtool_api.live import public_api as live_public_api
from virtool_api.onecodex import public_api as onecodex_public_api
from virtool_api.projects import public_api as projects_public_api
from virtool_api.references import public_api as references_public_api
from virtool_api.runners import job_api as runners_job_api
from virtool_api.runners import public_api as runners_public_api
from virtool_api.samples import files_public_api as samples_files_public_api
from virtool_api.samples import job_api as samples_job_api
from virtool_api.samples import public_api as samples_public_api
from virtool_api.server.auth import job_auth_middleware, user_auth_middleware
from virtool_api.server.health import routes as health_routes
from virtool_api.server.observability import install as install_observability
from virtool_api.server.repairs import repairs
from virtool_api.settings import public_api as settings_public_api
from virtool_api.subtractions import job_api as subtractions_job_api
from virtool_api.subtractions import public_api as subtractions_public_api
from virtool_api.tags import public_api as tags_public_api
from virtool_api.uploads import job_api as uploads_job_api
from virtool_api.uploads import public_api as uploads_public_api
from virtool_api.users import public_api as users_public_api
from virtool_api.users import session_api as users_session_api
from virtool_api.users import setup_api as users_setup_api
from virtool_api.web import routes as web_client

logger = logging.getLogger(__name__)


async def _no_sniffing(_request: web.Request, response: web.StreamResponse) -> None:
    """Every answer, JSON and downloads included, is what its `Content-Type` says: a browser must not guess
    (a stored file that looks like HTML opened from a download link would otherwise run as a page)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")


def _application(ctx: Context, middlewares: list) -> web.Application:
    # client_max_size bounds JSON bodies only: file routes stream their multipart bodies and are unbounded.
    in_flight = InFlight()
    app = web.Application(
        middlewares=[in_flight.middleware, *middlewares], client_max_size=ctx.config.max_json_size
    )
    app[CONTEXT] = ctx
    app[IN_FLIGHT] = in_flight
    both_apis: openapi.BothApis = functools.partial(api_endpoints, ctx)
    app[openapi.BOTH_APIS] = both_apis
    app.on_response_prepare.append(_no_sniffing)
    health_routes.register(app)
    return app


async def _job_handoff(app: web.Application) -> AsyncIterator[None]:
    """Jobs Redis could not take when they were created are handed off once it answers."""
    task = asyncio.create_task(hand_off_forever(app[CONTEXT]))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _change_feed(app: web.Application) -> AsyncIterator[None]:
    """With Redis, this process reads the changes every process publishes, for the live streams it serves."""
    feed = app[CONTEXT].changes
    feed.start()
    yield
    feed.end_streams()
    await feed.stop()


async def _job_timeouts(app: web.Application) -> AsyncIterator[None]:
    ctx = app[CONTEXT]

    async def watch() -> None:
        while True:
            try:
                if count := await time_out_stale_jobs(ctx):
                    logger.info("moved %d unresponsive jobs to timeout", count)
            except Exception:
                logger.exception("job timeout check failed")
            await asyncio.sleep(ctx.config.timeout_check_interval)

    task = asyncio.create_task(watch())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def create_jobs_app(ctx: Context, watch_timeouts: bool = True) -> web.Application:
    """The job API (default port 9990): workflow jobs authenticate as `job-{id}` with their key."""
    app = _application(ctx, [error_middleware, job_auth_middleware])
    install_observability(app, "jobs")
    for table in (
        jobs_job_api.routes,
        samples_job_api.routes,
        analyses_job_api.routes,
        uploads_job_api.routes,
        indexes_job_api.routes,
        subtractions_job_api.routes,
        hmms_job_api.routes,
        runners_job_api.routes,
    ):
        table.register(app)
    openapi.routes.register(app)
    if watch_timeouts:
        app.cleanup_ctx.append(_job_timeouts)
    return app


def create_public_app(ctx: Context) -> web.Application:
    """The public API (default port 9950): people and scripts, authenticated by API key."""
    app = _application(ctx, [error_middleware, user_auth_middleware])
    install_observability(app, "public")
    for table in _public_route_tables():
        table.register(app)
    onecodex_public_api.routes.register(app, prefix=onecodex_public_api.PREFIX)
    # Repairs before the BLAST poll: started together, each took a database connection at every start.
    app.cleanup_ctx.append(repairs)
    app.cleanup_ctx.append(blast_public_api.blast_runner)
    app.cleanup_ctx.append(_change_feed)
    if ctx.redis is not None:
        app.cleanup_ctx.append(_job_handoff)
    api_index.routes.register(app)
    openapi.routes.register(app)
    web_client.register(app)
    return app


def api_endpoints(ctx: Context) -> tuple[list[Endpoint], list[Endpoint]]:
    """What the public app and the job app register, read from freshly built apps (never started): what the
    OpenAPI document describes."""
    return create_public_app(ctx)[ENDPOINTS], create_jobs_app(ctx, watch_timeouts=False)[ENDPOINTS]


def _public_route_tables() -> list:
    """Every public route table; each domain adds its own here. aiohttp tries the routes under a path's first
    segments in this order, so the most requested come before the routes they cannot be mistaken for (a
    sample's own routes before its files', which have more segments)."""
    tables: list = [blast_public_api.routes, samples_public_api.routes, samples_files_public_api.routes]
    tables.extend(
        (
            uploads_public_api.routes,
            analyses_report_api.routes,  # before the analyses': `/analyses/{id}.csv` is no analysis id
            analyses_public_api.routes,
            jobs_public_api.routes,
            references_public_api.routes,
            references_public_api.otu_routes,
            indexes_public_api.routes,
            subtractions_public_api.routes,
            hmms_public_api.routes,
            runners_public_api.routes,
        )
    )
    tables.extend((users_public_api.routes, users_public_api.group_routes, users_public_api.account_routes))
    tables.extend((users_session_api.routes, users_setup_api.routes))
    tables.append(live_public_api.routes)
    tables.extend(
        (
            projects_public_api.routes,
            tags_public_api.routes,
            labels_public_api.routes,
            settings_public_api.routes,
        )
    )
    return tables
