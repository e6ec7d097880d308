"""Liveness, readiness and the checks `serve` makes before it starts.

`GET /api/health` answers as long as the process serves requests. `GET /api/ready` answers 200 only when the
document store and the SQL store answer, the data directory takes a new file and the SQL schema is at the
newest migration; otherwise 503 naming the failing parts. Both are open to anyone (`auth=False`).

`python -m virtool_api.server.health` is the container's `HEALTHCHECK`: it exits 0 if either API answers.
"""

import asyncio
import os
import tempfile
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pymongo
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from virtool_api.api.keys import CONTEXT
from virtool_api.api.routes import ApiRoutes
from virtool_api.config import Config
from virtool_api.errors import ServiceUnavailable
from virtool_api.options import declared, flag
from virtool_api.storage import revision, sql
from virtool_api.utils import mask_url

CHECK_TIMEOUT = 5.0
OK = "ok"

routes = ApiRoutes("health")


NOT_READY = ServiceUnavailable.declare("Not ready: {failing}")


def _short_reason(error: BaseException) -> str:
    """A one-line reason without the long topology dumps some drivers put in their messages."""
    if isinstance(error, TimeoutError):
        return "timed out"
    error = getattr(error, "orig", None) or error  # the driver's own error inside SQLAlchemy's wrapper
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    for cut in (", Timeout:", " (configured timeouts"):
        message = message.split(cut)[0]
    return message[:200]


def data_path_problem(path: Path) -> str | None:
    """None if a file can be created and removed in `path`, else why not."""
    try:
        descriptor, name = tempfile.mkstemp(dir=path, prefix=".ready-")
        os.close(descriptor)
        os.unlink(name)
    except OSError as error:
        return f"not writable: {error.strerror or type(error).__name__}"
    return None


async def _schema_problem(engine: AsyncEngine) -> str | None:
    current = await revision.current_revision(engine)
    head = revision.head_revision()
    if current == head:
        return None
    return f"at revision {current or 'none'}, the newest is {head}"


async def _check(check: Callable[[], Awaitable[str | None]]) -> str:
    try:
        problem = await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except Exception as error:
        return f"unreachable: {_short_reason(error)}"
    return problem or OK


async def readiness(ctx: Any) -> dict[str, str]:
    """`{"document_store": "ok", "sql_store": "ok", "data_path": "ok", "migrations": "ok"}` (and `"redis"`
    when configured), or reasons."""

    async def document_store() -> None:
        await ctx.db.command("ping")

    async def sql_store() -> None:
        async with ctx.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def data_path() -> str | None:
        return await asyncio.to_thread(data_path_problem, ctx.config.data_path)

    async def migrations() -> str | None:
        return await _schema_problem(ctx.engine)

    async def redis() -> None:
        await ctx.redis.ping()

    checks: dict[str, Callable[[], Awaitable[str | None]]] = {
        "document_store": document_store,
        "sql_store": sql_store,
        "data_path": data_path,
        "migrations": migrations,
    }
    if getattr(ctx, "redis", None) is not None:
        # Only when configured: without Redis, jobs wait by design (see jobs/handoff.py).
        checks["redis"] = redis
    names = tuple(checks)
    results = await asyncio.gather(*(_check(check) for check in checks.values()))
    return dict(zip(names, results, strict=True))


@routes.get("/health", auth=False)
async def health(request: web.Request) -> dict[str, str]:
    """Liveness: the process answers requests."""
    return {"status": "ok"}


@routes.get("/ready", auth=False, errors=(NOT_READY,))
async def ready(request: web.Request) -> dict[str, Any]:
    """Readiness: the stores answer, the data directory takes files, the schema is at the newest revision."""
    checks = await readiness(request.app[CONTEXT])
    failing = [name for name, result in checks.items() if result != OK]
    if failing:
        raise NOT_READY.format(failing=", ".join(failing), extra={"checks": checks})
    return {"status": "ready", "checks": checks}


# Before serving ------------------------------------------------------------------------------------------


async def _mongodb_problem(url: str, seconds: float) -> str | None:
    try:
        client: Any = pymongo.AsyncMongoClient(url, serverSelectionTimeoutMS=int(seconds * 1000))
    except Exception as error:
        return f"invalid MongoDB URL {mask_url(url)}: {_short_reason(error)}"
    try:
        await client.admin.command("ping")
    except Exception as error:
        return f"cannot reach MongoDB at {mask_url(url)}: {_short_reason(error)}"
    finally:
        await client.close()
    return None


async def _sql_problem(config: Config, check_schema: bool, seconds: float) -> str | None:
    try:
        url = sql.sqlalchemy_url(config.postgres_url, config.data_path)
    except ValueError as error:
        return f"invalid {flag(Config, 'postgres_url')}: {error}"
    where = f"PostgreSQL at {mask_url(config.postgres_url)}" if config.postgres_url else "SQLite"
    engine: AsyncEngine = (
        create_async_engine(url, connect_args={"timeout": seconds})
        if config.postgres_url
        else sql.create_engine(url)
    )
    try:
        async with asyncio.timeout(seconds * 2):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            problem = await _schema_problem(engine) if check_schema else None
    except Exception as error:
        return f"cannot reach {where}: {_short_reason(error)}"
    finally:
        await engine.dispose()
    if problem:
        return f"the SQL schema is {problem}: run `virtool-api migrate` first, or start without {NO_MIGRATE}"
    return None


async def startup_problem(config: Config, check_schema: bool = False, documents: bool = True) -> str | None:
    """Why the server must not start with `config`, in one line, or None.

    The data path must take files; each configured database must answer within `--store-timeout` (and, with
    `check_schema`, the SQL schema must be at the newest revision). `documents=False` skips the document store
    (`migrate`).
    """
    seconds = config.store_timeout
    try:
        config.data_path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"data path {config.data_path} is not a writable directory: {error.strerror}"
    if problem := data_path_problem(config.data_path):
        return f"data path {config.data_path} is {problem}"
    if documents and config.mongodb_url and (problem := await _mongodb_problem(config.mongodb_url, seconds)):
        return problem
    return await _sql_problem(config, check_schema, seconds)


PORT_SETTINGS = dict(zip(("public", "jobs"), declared(Config, ("port", "jobs_port")), strict=True))
"""The setting that chooses each API's port."""
NO_MIGRATE = flag(Config, "migrate_schema", off=True)


def listen_error(host: str, port: int, error: OSError, api: str) -> str:
    """One line: which address could not be taken, why, and the option that chooses another port."""
    reason = os.strerror(error.errno).lower() if error.errno else str(error)
    return f"cannot listen on {host}:{port}: {reason}; choose another port with {PORT_SETTINGS[api].spelled}"


async def listen_problem(config: Config, only: str | None) -> str | None:
    """Why `serve` could not listen on its ports, in one line, or None: checked before anything is created."""
    loop = asyncio.get_running_loop()
    wanted = [
        (api, port)
        for api, port in (("public", config.port), ("jobs", config.jobs_port))
        if only in (None, api)
    ]
    if len(wanted) == 2 and config.port == config.jobs_port != 0:
        public, jobs = (setting.flag for setting in PORT_SETTINGS.values())
        return f"{public} and {jobs} are both {config.port}: the two APIs need a port each"
    for api, port in wanted:
        try:
            # Bound but never listening (`start_serving=False`): a client or a readiness probe knocking in
            # this instant is refused, instead of taking the port for the server's and finding it gone.
            server = await loop.create_server(asyncio.Protocol, config.host, port, start_serving=False)
        except OSError as error:
            return listen_error(config.host, port, error, api)
        server.close()
        await server.wait_closed()
    return None


def _probe() -> int:
    """Exit status for the container HEALTHCHECK: 0 if the public or the job API answers `/api/health`."""
    for port in (os.environ.get(item.env, str(item.default)) for item in PORT_SETTINGS.values()):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=3) as response:
                if response.status == 200:
                    return 0
        except OSError:
            continue
    return 1


if __name__ == "__main__":
    raise SystemExit(_probe())
