"""`virtool-api serve | migrate | dev seed`. Every option is also a `VIRTOOL_*` environment variable."""

import asyncio
import logging
import signal
import sys
from pathlib import Path

import click
from aiohttp import web

from virtool_api.config import MIB, Config

logger = logging.getLogger("virtool_api")


def store_options(command):  # type: ignore[no-untyped-def]
    """Options every command that opens the stores shares."""
    options = [
        click.option(
            "--data-path",
            envvar="VIRTOOL_DATA_PATH",
            type=click.Path(file_okay=False, path_type=Path),
            default=Path("data"),
            show_default=True,
            show_envvar=True,
            help="Where files and the embedded stores live.",
        ),
        click.option(
            "--mongodb-url",
            envvar="VIRTOOL_MONGODB_URL",
            default=None,
            show_envvar=True,
            help="MongoDB URL; without it, an embedded document store under the data path.",
        ),
        click.option(
            "--postgres-url",
            envvar="VIRTOOL_POSTGRES_URL",
            default=None,
            show_envvar=True,
            help="PostgreSQL URL; without it, SQLite under the data path.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group()
@click.option("--log-level", envvar="VIRTOOL_LOG_LEVEL", default="info", show_envvar=True)
def main(log_level: str) -> None:
    """virtool-api: samples, analyses and workflow jobs."""
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@store_options
@click.option("--host", envvar="VIRTOOL_HOST", default="localhost", show_default=True, show_envvar=True)
@click.option(
    "--port",
    envvar="VIRTOOL_PORT",
    default=9950,
    show_default=True,
    show_envvar=True,
    help="Public API port.",
)
@click.option(
    "--jobs-port",
    envvar="VIRTOOL_JOBS_PORT",
    default=9990,
    show_default=True,
    show_envvar=True,
    help="Job API port.",
)
@click.option(
    "--only",
    envvar="VIRTOOL_ONLY",
    type=click.Choice(["public", "jobs"]),
    default=None,
    show_envvar=True,
    help="Serve only one of the two APIs (to scale them separately).",
)
@click.option(
    "--max-json-size",
    envvar="VIRTOOL_MAX_JSON_SIZE",
    default=50 * MIB,
    show_default=True,
    show_envvar=True,
    help="Largest JSON request body in bytes (413 beyond). File uploads are not bounded.",
)
def serve(
    data_path: Path,
    mongodb_url: str | None,
    postgres_url: str | None,
    host: str,
    port: int,
    jobs_port: int,
    only: str | None,
    max_json_size: int,
) -> None:
    """Serve the public API and the job API."""
    config = Config(
        data_path=data_path,
        mongodb_url=mongodb_url,
        postgres_url=postgres_url,
        host=host,
        port=port,
        jobs_port=jobs_port,
        max_json_size=max_json_size,
    )
    asyncio.run(_serve(config, only))


async def _serve(config: Config, only: str | None) -> None:
    from virtool_api.app import create_jobs_app, create_public_app
    from virtool_api.context import create_context

    ctx = await create_context(config)
    runners: list[web.AppRunner] = []
    try:
        apps = []
        if only in (None, "public"):
            apps.append(("public API", create_public_app(ctx), config.port))
        if only in (None, "jobs"):
            apps.append(("job API", create_jobs_app(ctx), config.jobs_port))
        for label, app, port in apps:
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=30)
            await runner.setup()
            runners.append(runner)
            await web.TCPSite(runner, config.host, port).start()
            logger.info("%s on http://%s:%d/api", label, config.host, port)

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        logger.info("shutting down: finishing in-flight requests")
    finally:
        # AppRunner.cleanup stops accepting, waits for in-flight handlers, then closes connections.
        for runner in runners:
            await runner.cleanup()
        await ctx.close()


@main.command()
@store_options
def migrate(data_path: Path, mongodb_url: str | None, postgres_url: str | None) -> None:
    """Bring the SQL schema to the newest revision (run once before starting the APIs)."""
    from virtool_api.storage import migrate as migrations
    from virtool_api.storage.sql import sqlalchemy_url

    data_path.mkdir(parents=True, exist_ok=True)
    asyncio.run(migrations.upgrade_to_head(sqlalchemy_url(postgres_url, data_path)))
    click.echo("schema is at the newest revision")


@main.group()
def dev() -> None:
    """Helpers for trying the server by hand."""


@dev.command()
@store_options
def seed(data_path: Path, mongodb_url: str | None, postgres_url: str | None) -> None:
    """Create a demo sample, analysis and their jobs; print the job ids to acquire."""
    from virtool_api.dev import seed_demo

    config = Config(data_path=data_path, mongodb_url=mongodb_url, postgres_url=postgres_url)
    result = asyncio.run(seed_demo(config))
    for line in result:
        click.echo(line)


if __name__ == "__main__":
    sys.exit(main())
