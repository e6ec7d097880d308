"""The two applications: the public API and the job API, each with its own routes and authentication."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from virtool_api.analyses import job_api as analyses_job_api
from virtool_api.api.keys import CONTEXT
from virtool_api.api.middleware import error_middleware
from virtool_api.auth import job_auth_middleware, user_auth_middleware
from virtool_api.context import Context
from virtool_api.jobs import job_api as jobs_job_api
from virtool_api.jobs.service import time_out_stale_jobs
from virtool_api.samples import job_api as samples_job_api

logger = logging.getLogger(__name__)


def _application(ctx: Context, middlewares: list) -> web.Application:
    # client_max_size bounds JSON bodies only: file routes stream their multipart bodies and are unbounded.
    app = web.Application(middlewares=middlewares, client_max_size=ctx.config.max_json_size)
    app[CONTEXT] = ctx
    return app


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
    for table in (jobs_job_api.routes, samples_job_api.routes, analyses_job_api.routes):
        table.register(app)
    if watch_timeouts:
        app.cleanup_ctx.append(_job_timeouts)
    return app


def create_public_app(ctx: Context) -> web.Application:
    """The public API (default port 9950): people and scripts, authenticated by API key."""
    app = _application(ctx, [error_middleware, user_auth_middleware])
    for table in _public_route_tables():
        table.register(app)
    return app


def _public_route_tables() -> list:
    """Every public route table; each domain adds its own here."""
    tables: list = []
    return tables
