"""Readying the test stores for each test: this worker's PostgreSQL database created beside the given one,
its schema emptied between tests (`EMPTY_POSTGRES`), and the embedded stores copied from the ones made once
by the `migrated_sqlite` fixture (`copy_migrated_sqlite`)."""

import shutil
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from virtool_api.storage.docstore import store_path
from virtool_api.storage.sql import SQLITE_FILE


async def create_database_if_missing(given_url: str, own_url: str) -> None:
    """Create `own_url`'s database, connected to the given (existing) one, unless it exists."""
    import asyncpg

    name = own_url.rpartition("/")[2].partition("?")[0]
    connection = await asyncpg.connect(given_url)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            try:
                await connection.execute(f'CREATE DATABASE "{name}"')
            except asyncpg.DuplicateDatabaseError:
                pass  # made meanwhile by another run on the same server
    finally:
        await connection.close()


EMPTY_POSTGRES = """
DO $$
DECLARE
    name text;
    written text[] := '{}';
    found boolean;
BEGIN
    FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'
    LOOP
        EXECUTE 'SELECT EXISTS (SELECT FROM ' || quote_ident(name) || ')' INTO found;
        IF found THEN
            written := written || quote_ident(name);
        END IF;
    END LOOP;
    IF cardinality(written) > 0 THEN
        EXECUTE 'TRUNCATE ' || array_to_string(written, ', ') || ' CASCADE';
    END IF;
    FOR name IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL
    LOOP
        EXECUTE 'ALTER SEQUENCE ' || quote_ident(name) || ' RESTART';
    END LOOP;
END $$
"""
"""Empty this worker's migrated PostgreSQL schema for the next test, as TRUNCATE ... RESTART IDENTITY of every
table would, but only the tables a test wrote to and the sequences it used (a sequence a test advanced, on a
table left empty by a rolled-back insert or not), in one statement: one round trip and one commit.

Truncating all tables took 0.10-0.16 s a test here (each TRUNCATE gives a table new files); finding the few a
test touched first takes 0.02 s. Copying a template database instead (CREATE DATABASE ... TEMPLATE, 0.03 s)
needs a DROP DATABASE after each test, which waits for a checkpoint of the whole cluster: seconds, and tens of
seconds while other suites write to the same server."""


async def truncate_postgres(url: str) -> None:
    """`EMPTY_POSTGRES` on a connection of its own, for tests that start servers on the schema."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await connection.execute(EMPTY_POSTGRES)
    finally:
        await connection.close()


async def empty_postgres(engine: AsyncEngine) -> None:
    """`EMPTY_POSTGRES` on the test's own engine: the connection it then uses is the one that emptied the
    schema (a new connection is a new PostgreSQL process, several round trips and authentication)."""
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute(EMPTY_POSTGRES)


def copy_migrated_sqlite(migrated: Path, data_path: Path, sql: bool = True, documents: bool = True) -> None:
    """Give a new data path the embedded stores made once by `migrated_sqlite` (the SQL store migrated to
    head, the document store with its indexes), so opening them finds nothing to migrate or index: 0.5-1 s
    less for each server a test starts on this machine. `sql=False` where PostgreSQL holds the tables,
    `documents=False` where MongoDB holds the documents."""
    data_path.mkdir(parents=True, exist_ok=True)
    if sql:
        shutil.copyfile(migrated, data_path / SQLITE_FILE)
    if documents:
        store_path(data_path).parent.mkdir(exist_ok=True)
        shutil.copyfile(store_path(migrated.parent), store_path(data_path))
