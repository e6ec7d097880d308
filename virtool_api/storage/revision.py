"""The SQL schema's revision, read without alembic: where the migration scripts are, the newest of them, and
the revision a database is at.

Each script in `migrations/versions/` is named after its revision (`0006_index_and_subtraction_files.py`
is revision `0006`, whose `down_revision` is `0005`; `tests/storage/test_revision.py` holds every script to
it and the head to alembic's), so the head is the greatest name. A process whose database is at that head
needs none of alembic (importing it, with the SQL dialects of every database it supports, costs about 0.2 s
of CPU at each server's start): `server/context.py` asks alembic (`migrate.py`) only for a schema behind it.
"""

import functools
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

VERSION = text("SELECT version_num FROM alembic_version")
"""The revision a database is at, in the table alembic keeps it in (its default: `migrations/env.py` keeps
it)."""


def migrations_path() -> Path:
    """`migrations/` at the top of a checkout, or inside the package when installed from a wheel."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "migrations", package.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("alembic migrations not found")


@functools.cache
def head_revision() -> str:
    """The newest revision: the scripts ship with the code, so it cannot change while the process runs."""
    return max(path.name.partition("_")[0] for path in (migrations_path() / "versions").glob("[0-9]*_*.py"))


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (None before the first migration)."""
    async with engine.connect() as connection:
        if not await connection.run_sync(lambda sync: inspect(sync).has_table("alembic_version")):
            return None
        return (await connection.execute(VERSION)).scalar()
