"""alembic environment: runs migrations over the async engine (asyncpg or aiosqlite).

The URL comes from `sqlalchemy.url`, set by virtool_api.storage.migrate (or `-x url=...` on the command line).
On PostgreSQL every run holds an advisory lock, so concurrent runs migrate once.
"""

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from virtool_api.storage.migrate import MIGRATION_LOCK
from virtool_api.storage.sql import create_engine

config = context.config


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")


def _run(connection: Connection) -> None:
    context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes migrating at once (replicas started together, `migrate` beside `serve`): the
            # first takes the lock and migrates, the others wait for it, then find the schema at head.
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            await connection.commit()
        try:
            await connection.run_sync(_run)
            await connection.commit()
        finally:
            if connection.dialect.name == "postgresql":
                await connection.rollback()
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
