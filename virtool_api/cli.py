"""`virtool-api serve | migrate | users | hmms | copy-to-servers | dev seed`. Every option is also a
`VIRTOOL_*` variable."""

import asyncio
import logging
import signal
import sys
from typing import Any

import click
from aiohttp import web

from virtool_api.api.in_flight import cleanup_reserve, drain, exit_by
from virtool_api.api.keys import CONTEXT
from virtool_api.api.slow_clients import TimedAppRunner
from virtool_api.blast.backends import local_backend_problem
from virtool_api.config import Config, LogConfig
from virtool_api.operations.commands import new_store_notes, program, refuse_to_start, store_options
from virtool_api.operations.hmms import hmms
from virtool_api.operations.logs import virtool_api_group
from virtool_api.operations.users import users
from virtool_api.options import click_options, declared, flag
from virtool_api.runner.supervisor import jobs_url_for, runner_command, supervise
from virtool_api.server.context import create_context
from virtool_api.server.health import listen_error, listen_problem, startup_problem
from virtool_api.server.observability import METRICS_PATH, describe_stores
from virtool_api.storage.sql import sqlalchemy_url
from virtool_api.users.service import has_administrator
from virtool_api.users.setup import SETUP_PATH, issue_setup_token
from virtool_api.utils import start_up

logger = logging.getLogger("virtool_api")
STORE_FLAGS = "{}, {} and {}".format(
    *(flag(Config, name) for name in ("mongodb_url", "postgres_url", "data_path"))
)
"""The options that choose the stores, as a message names them."""


main = virtool_api_group(
    lazy={
        "runner": "virtool_api.runner.cli:runner",
        "copy-to-servers": "virtool_api.operations.copy_to_servers:copy_to_servers",
    }
)


@main.command()
@click_options(Config)
def serve(**settings: Any) -> None:
    """Serve the public API and the job API."""
    config = Config(**settings)

    if config.only in (None, "public"):  # BLASTs run in the public API's processes
        refuse_to_start(local_backend_problem(config))

    # Before anything is created: a start that cannot listen must not print (and so lose) the first key.
    refuse_to_start(asyncio.run(listen_problem(config, config.only)))
    notes = asyncio.run(new_store_notes(config))
    refuse_to_start(asyncio.run(startup_problem(config, check_schema=not config.migrate_schema)))
    for note in notes:
        logger.info(note)
    asyncio.run(_serve(config, config.only, config.migrate_schema))


async def _serve(config: Config, only: str | None, migrate_schema: bool = True) -> None:
    with start_up():  # the modules, the stores' clients and the apps live as long as the process
        # Here, not at the top: only `serve` builds the apps (every route table), and `runner` starts sooner.
        from virtool_api.server.app import create_jobs_app, create_public_app

        for line in describe_stores(config):
            logger.info(line)
        ctx = await create_context(config, migrate_schema=migrate_schema)
    runners: list[web.AppRunner] = []
    sites: list[web.TCPSite] = []
    loop = asyncio.get_running_loop()
    signalled: float | None = None
    """When the stop signal came: each stage of the stop is logged with the seconds since (at `info`)."""
    try:
        apps = []
        with start_up():
            if only in (None, "public"):
                apps.append(("public API", create_public_app(ctx), config.port))
            if only in (None, "jobs"):
                apps.append(("job API", create_jobs_app(ctx), config.jobs_port))
        for label, app, port in apps:
            # `drain` lets requests finish: what aiohttp's own shutdown then finds still running is cancelled.
            shutdown_timeout = cleanup_reserve(config.shutdown_timeout) / 2
            runner = TimedAppRunner(
                app, config.client_timeouts, access_log=None, shutdown_timeout=shutdown_timeout
            )
            await runner.setup()
            runners.append(runner)
            site = web.TCPSite(runner, config.host, port)
            try:
                await site.start()
            except OSError as error:  # taken since listen_problem() looked
                api = "public" if port == config.port else "jobs"
                raise click.ClickException(listen_error(config.host, port, error, api)) from None
            sites.append(site)
            logger.info(
                "%s on http://%s:%d/api (health /api/health, readiness /api/ready, metrics %s)",
                label,
                config.host,
                port,
                METRICS_PATH,
            )

        if hint := await _no_administrator_hint(ctx):
            logger.warning(hint)
            if only in (None, "public") and (banner := await _setup_banner(ctx)):
                click.echo(banner)  # the link is a secret for whoever started the server: not in the logs

        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        supervising = _start_runner(config, only, stop)
        await stop.wait()
        signalled = loop.time()
        deadline = signalled + config.shutdown_timeout
        exit_by(config.shutdown_timeout)  # whatever still runs then
        if supervising is not None:
            await supervising  # the runner ends its jobs while the job API still answers
            logger.info("stopping: the runner has stopped (%.1f s)", loop.time() - signalled)
        for _, app, _ in apps:
            # Live streams never finish by themselves; their pages reconnect (in 2 s) to one that serves.
            app[CONTEXT].changes.end_streams()
        await drain(sites, [app for _, app, _ in apps], deadline - loop.time())
        logger.info("stopping: requests finished or stopped (%.1f s)", loop.time() - signalled)
    finally:
        # AppRunner.cleanup closes the (now idle) connections and runs the apps' cleanup.
        for started in runners:
            await started.cleanup()
        await ctx.close()
        if signalled is not None:
            logger.info("stopped: connections and stores closed (%.1f s)", loop.time() - signalled)


def _start_runner(config: Config, only: str | None, stop: asyncio.Event) -> "asyncio.Task[None] | None":
    """Our runner beside the job API, when this process serves it and `--runner` is on (by default, without
    Redis); None otherwise."""
    wanted = config.runner if config.runner is not None else config.redis_url is None
    if not wanted or only == "public":
        return None
    log_level_flag = declared(LogConfig, ["log_level"])[0].flag
    level = logging.getLevelName(logger.getEffectiveLevel()).lower()
    jobs_url = jobs_url_for(config.host, config.jobs_port)
    command = runner_command([f"{log_level_flag}={level}"], jobs_url, config.data_path / "work")
    return asyncio.create_task(supervise(command, stop))


@main.command()
@store_options
def migrate(**stores: Any) -> None:
    """Bring the SQL schema to the newest revision (run once before starting the APIs)."""
    config = Config(**stores)
    for note in asyncio.run(new_store_notes(config, documents=False)):
        click.echo(f"Note: {note}", err=True)
    refuse_to_start(asyncio.run(startup_problem(config, documents=False)))
    # Here, not at the top: only this command and a schema behind its head need alembic (storage/revision.py)
    from virtool_api.storage import migrate as migrations

    asyncio.run(migrations.upgrade_to_head(sqlalchemy_url(config.postgres_url, config.data_path)))
    click.echo("schema is at the newest revision")


@main.group()
def dev() -> None:
    """Helpers for trying the server by hand."""


@dev.command()
@store_options
def seed(**stores: Any) -> None:
    """Demo data made by our runner's code: a reference and its index, a private sample of simulated reads
    with finished Pathoscope and NuVs analyses, and two waiting jobs to play a runner by hand."""
    # Here, not at the top: only `dev seed` needs numpy and the runner's simulated reads.
    from virtool_api.dev import seed_demo

    config = Config(**stores)
    for note in asyncio.run(new_store_notes(config)):
        click.echo(f"Note: {note}", err=True)
    asyncio.run(seed_demo(config, click.echo))


def _site(config: Config) -> str:
    """The public API's address as a browser on this machine reaches it (`0.0.0.0` listens everywhere)."""
    host = "localhost" if config.host in ("0.0.0.0", "::", "") else config.host  # noqa: S104 (compared)
    return f"http://{host}:{config.port}"


async def _setup_banner(ctx) -> str | None:  # type: ignore[no-untyped-def]
    """While no administrator exists: a new one-time setup link for the first administrator, and the
    terminal's way to make one. None once an administrator exists."""
    token = await issue_setup_token(ctx)
    if token is None:
        return None
    return (
        "No administrator exists yet. Create the first one in a browser with this one-time link:\n\n"
        f"    {_site(ctx.config)}{SETUP_PATH}?token={token}\n\n"
        "It works once (until then, every start prints a new link, and each works). Or, from a terminal, "
        f"against the same stores as this server: `{program()} users create HANDLE --admin`, which prints "
        "the new administrator's API key.\n"
    )


async def _no_administrator_hint(ctx) -> str | None:  # type: ignore[no-untyped-def]
    """How to make the first administrator, while none exists."""
    if await has_administrator(ctx):
        return None
    return (
        "no administrator exists yet: open the setup link that `serve` printed on standard output, or "
        f"create one with `{program()} users create HANDLE --admin` against the same stores as this server "
        f"(the same {STORE_FLAGS}, or VIRTOOL_* variables; with docker "
        "compose: `docker compose run --rm public users create HANDLE --admin`); it prints the new "
        "administrator's API key"
    )


main.add_command(users)
main.add_command(hmms)

if __name__ == "__main__":
    sys.exit(main())
