"""What every `virtool-api` command that opens the stores shares: its options, refusing to start, and saying
so when it is about to create a new, empty store (the usual sign of a wrong directory or a mistyped URL)."""

import asyncio
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from virtool_api.config import STORE_SETTINGS, Config
from virtool_api.errors import ServiceError
from virtool_api.options import click_options, declared
from virtool_api.server.context import create_context
from virtool_api.storage import mongo
from virtool_api.storage.sql import SQLITE_FILE
from virtool_api.utils import mask_url

T = TypeVar("T")

_DATA_PATH, _MONGODB_URL = declared(Config, ("data_path", "mongodb_url"))


store_options = click_options(Config, STORE_SETTINGS)
"""Options every command that opens the stores shares: the command takes them as `**stores`, its
`Config(**stores)`."""


def refuse_to_start(problem: str | None) -> None:
    """Stop with exit status 1 and the one-line reason, before anything is served or changed."""
    if problem:
        raise click.ClickException(problem)


async def new_store_notes(config: Config, documents: bool = True) -> list[str]:
    """One line for each store that opening `config` would create empty, naming the option that chooses it.

    The embedded stores are new when their files are missing under the data path (a command run from another
    directory makes a fresh `./data`). MongoDB creates a database on its first write, so a mistyped database
    name in the URL is new when it has no collections. PostgreSQL never creates a database.
    """
    notes = []
    embedded = []
    if documents and not config.mongodb_url and not (config.data_path / "db").is_dir():
        embedded.append("document store")
    if not config.postgres_url and not (config.data_path / SQLITE_FILE).exists():
        embedded.append("SQL store")
    if embedded:
        notes.append(
            f"creating a new, empty embedded {' and '.join(embedded)} in {config.data_path.resolve()}: "
            f"no store was there. To use an existing one, give its data path with {_DATA_PATH.spelled}."
        )
    if documents and config.mongodb_url and await _mongodb_is_empty(config.mongodb_url, config.store_timeout):
        notes.append(
            f"MongoDB at {mask_url(config.mongodb_url)} has no collections: it is a new, empty database. "
            f"If you meant an existing one, check the database name in {_MONGODB_URL.spelled}."
        )
    return notes


async def _mongodb_is_empty(url: str, seconds: float) -> bool:
    client, db = mongo.connect(url, Path("."), seconds)
    try:
        return not await db.list_collection_names()
    except Exception:
        return False  # unreachable: the command itself will say so
    finally:
        await client.close()


def run_with_stores(config: Config, action: Callable[[Any], Awaitable[T]]) -> T:
    """Run `action(ctx)` against the stores, first saying on stderr which stores it creates empty;
    service errors become a one-line message and exit status 1."""

    async def run() -> T:
        for note in await new_store_notes(config):
            click.echo(f"Note: {note}", err=True)
        ctx = await create_context(config)
        try:
            return await action(ctx)
        except ServiceError as error:
            raise click.ClickException(error.message) from None
        finally:
            await ctx.close()

    return asyncio.run(run())


def program() -> str:
    """This command as it can be run again from where it was started, for the hints it prints: `virtool-api`
    when the PATH finds this very program, else its path (`.venv/bin/virtool-api` after `make run`), or
    `python -m virtool_api` as it was run."""
    invoked = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if invoked is None or invoked.name in ("__main__.py", "-c", "-m"):
        return f"{_from_here(Path(sys.executable))} -m virtool_api"
    found = shutil.which(invoked.name)
    if found is not None and Path(found).resolve() == invoked.resolve():
        return invoked.name
    return _from_here(invoked)


def _from_here(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path.absolute())
