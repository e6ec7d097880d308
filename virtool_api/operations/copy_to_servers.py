"""`virtool-api copy-to-servers`: everything in a data directory's embedded stores, copied into MongoDB and
PostgreSQL, for a lab that outgrows one machine (see docs/operating.md, "Outgrowing one machine").

Documents are copied collection by collection in `_id` order, rows table by table in id order (foreign keys'
order between tables), each in batches; whatever the target already holds under the same `_id` or id is left
as it is, so a copy that was interrupted continues where it stopped when run again. PostgreSQL's sequences are
then set past every id SQLite ever gave out (ids are never given twice). Files stay in the data directory.
The copy is verified by counting each collection and table on both sides.
"""

import asyncio
import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from pymongo.errors import BulkWriteError
from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

import virtool_api
from virtool_api.config import STORE_SETTINGS, Config
from virtool_api.crash_points import crash_point
from virtool_api.operations.commands import refuse_to_start
from virtool_api.options import click_options
from virtool_api.server.health import startup_problem
from virtool_api.storage import migrate, mongo, sql

BATCH_SIZE = 500


class CopyRefused(click.ClickException):
    """The target refused something (a unique name it already holds under another id): remove what is in the
    way and copy again; what was copied stays."""


@dataclass(frozen=True)
class Count:
    """One collection's or table's count in the source and in the target after copying."""

    kind: str
    name: str
    source: int
    target: int

    @property
    def equal(self) -> bool:
        return self.source == self.target


async def copy_stores(
    source: Config, target: Config, batch_size: int = BATCH_SIZE, report: Callable[[str], None] = print
) -> list[Count]:
    """Copy the embedded stores of `source.data_path` into `target`'s stores; the counts, compared.

    A target store that is the source itself (no URL and the same data path) is left out.
    """
    counts: list[Count] = []
    if target.mongodb_url or target.data_path.resolve() != source.data_path.resolve():
        counts += await _copy_document_store(source, target, batch_size, report)
    if target.postgres_url or target.data_path.resolve() != source.data_path.resolve():
        counts += await _copy_sql_store(source, target, batch_size, report)
    return counts


# Documents


async def _copy_document_store(
    source: Config, target: Config, batch_size: int, report: Callable[[str], None]
) -> list[Count]:
    source_client, source_db = mongo.connect(None, source.data_path)
    target_client, target_db = mongo.connect(target.mongodb_url, target.data_path, target.store_timeout)
    try:
        await mongo.create_indexes(target_db)
        counts = []
        names = set(await source_db.list_collection_names()) | set(await target_db.list_collection_names())
        for name in sorted(names):
            copied = await copy_collection(source_db[name], target_db[name], batch_size)
            counts.append(
                Count(
                    "collection",
                    name,
                    await source_db[name].count_documents({}),
                    await target_db[name].count_documents({}),
                )
            )
            report(f"collection {name}: {copied} documents copied")
        return counts
    finally:
        await source_client.close()
        await target_client.close()


async def copy_collection(source: Any, target: Any, batch_size: int = BATCH_SIZE) -> int:
    """Copy the documents of `source` that `target` lacks (by `_id`), in `_id` order; how many were copied."""
    copied = 0
    last: str | None = None
    while True:
        query = {} if last is None else {"_id": {"$gt": last}}
        batch = await source.find(query).sort("_id", 1).limit(batch_size).to_list(None)
        if not batch:
            return copied
        ids = [document["_id"] for document in batch]
        if not all(isinstance(value, str) for value in ids):
            raise click.ClickException(
                f"a document of {source.name} has an _id that is not a string: cannot copy it in order"
            )
        present = {
            document["_id"] for document in await target.find({"_id": {"$in": ids}}, {"_id": 1}).to_list(None)
        }
        missing = [document for document in batch if document["_id"] not in present]
        if missing:
            try:
                await target.insert_many(missing)
            except BulkWriteError as error:
                [first, *_] = error.details.get("writeErrors") or [{"errmsg": str(error)}]
                raise CopyRefused(
                    f"collection {source.name}: the target refused a document: {first['errmsg']}"
                ) from None
            copied += len(missing)
        crash_point("copy_documents_batch")
        last = ids[-1]


# Rows


def model_tables() -> dict[str, Table]:
    """Every table the project declares: each domain keeps its tables in its `tables.py`."""
    for module in pkgutil.iter_modules(virtool_api.__path__):
        if module.ispkg and importlib.util.find_spec(f"virtool_api.{module.name}.tables") is not None:
            importlib.import_module(f"virtool_api.{module.name}.tables")
    return dict(sql.Base.metadata.tables)


async def _copy_sql_store(
    source: Config, target: Config, batch_size: int, report: Callable[[str], None]
) -> list[Count]:
    source_url = sql.sqlalchemy_url(None, source.data_path)
    target_url = sql.sqlalchemy_url(target.postgres_url, target.data_path)
    await migrate.upgrade_to_head(source_url)
    await migrate.upgrade_to_head(target_url)
    source_engine, target_engine = sql.create_engine(source_url), sql.create_engine(target_url)
    try:
        tables = await _tables_in_order(source_engine)
        highest_given = await _highest_ids_given(source_engine)
        counts = []
        for table in tables:
            copied = await copy_table(source_engine, target_engine, table, batch_size)
            await _continue_ids_after(target_engine, table, highest_given.get(table.name, 0))
            counts.append(
                Count(
                    "table",
                    table.name,
                    await _count(source_engine, table),
                    await _count(target_engine, table),
                )
            )
            report(f"table {table.name}: {copied} rows copied")
        return counts
    finally:
        await source_engine.dispose()
        await target_engine.dispose()


async def _tables_in_order(engine: AsyncEngine) -> list[Table]:
    """The source's tables as the models declare them, parents before children; a table without a model
    stops the copy."""
    async with engine.connect() as connection:
        names = set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    names -= {"alembic_version", "sqlite_sequence"}
    declared = model_tables()
    if unknown := sorted(names - set(declared)):
        raise click.ClickException(
            f"tables without a model in this version, which cannot be copied: {', '.join(unknown)}"
        )
    return [table for table in sql.Base.metadata.sorted_tables if table.name in names]


async def copy_table(
    source: AsyncEngine, target: AsyncEngine, table: Table, batch_size: int = BATCH_SIZE
) -> int:
    """Copy the rows of `table` that `target` lacks (by primary key), ids as they are; how many were
    copied."""
    [key] = table.primary_key.columns
    insert = (postgresql.insert if target.dialect.name == "postgresql" else sqlite.insert)(table)
    copied = 0
    last = None
    while True:
        query = select(table).order_by(key).limit(batch_size)
        async with source.connect() as connection:
            rows = [
                dict(row)
                for row in (
                    await connection.execute(query if last is None else query.where(key > last))
                ).mappings()
            ]
        if not rows:
            return copied
        try:
            async with target.begin() as connection:
                statement = insert.on_conflict_do_nothing(index_elements=[key.name]).returning(key)
                copied += len((await connection.execute(statement, rows)).all())
        except IntegrityError as error:
            raise CopyRefused(f"table {table.name}: the target refused a row: {error.orig}") from None
        crash_point("copy_rows_batch")
        last = rows[-1][key.name]


async def _highest_ids_given(engine: AsyncEngine) -> dict[str, int]:
    """SQLite's AUTOINCREMENT memory: the highest id each table ever gave out, deleted rows' included."""
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT name, seq FROM sqlite_sequence"))
        return {name: int(seq) for name, seq in rows}


async def _continue_ids_after(engine: AsyncEngine, table: Table, highest_given: int) -> None:
    """The target's next id for `table` follows both its own rows and every id the source ever gave."""
    [key] = table.primary_key.columns
    async with engine.begin() as connection:
        highest = max(highest_given, (await connection.execute(select(func.max(key)))).scalar() or 0)
        if engine.dialect.name == "postgresql":
            await connection.execute(
                text("SELECT setval(pg_get_serial_sequence(:table, :column), :value, :called)"),
                {"table": table.name, "column": key.name, "value": max(highest, 1), "called": highest > 0},
            )
        elif highest:
            updated = await connection.execute(
                text("UPDATE sqlite_sequence SET seq = max(seq, :value) WHERE name = :table"),
                {"table": table.name, "value": highest},
            )
            if updated.rowcount == 0:
                await connection.execute(
                    text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :value)"),
                    {"table": table.name, "value": highest},
                )


async def _count(engine: AsyncEngine, table: Table) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(table))).scalar_one()


# The command


@click.command("copy-to-servers")
@click_options(
    Config,
    STORE_SETTINGS,
    overrides={
        "data_path": {
            "type": click.Path(file_okay=False, exists=True, path_type=Path),
            "help": "The data directory whose embedded stores are copied; its files stay there.",
        },
        "mongodb_url": {"help": "MongoDB to copy the documents into."},
        "postgres_url": {"help": "PostgreSQL to copy the SQL rows into."},
    },
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=BATCH_SIZE,
    show_default=True,
    help="Documents or rows read and written at a time.",
)
def copy_to_servers(batch_size: int, **stores: Any) -> None:
    """Copy the embedded stores into MongoDB and PostgreSQL (stop the server first). Run it again after an
    interruption: it continues without duplicates. Exits 1 unless every count matches."""
    target = Config(**stores)
    if not target.mongodb_url and not target.postgres_url:
        raise click.UsageError("give --mongodb-url, --postgres-url or both: where to copy to")
    source = Config(data_path=target.data_path)
    refuse_to_start(asyncio.run(startup_problem(target, documents=bool(target.mongodb_url))))
    counts = asyncio.run(copy_stores(source, target, batch_size, lambda line: click.echo(line, err=True)))
    for count in counts:
        mark = "ok" if count.equal else "DIFFERS"
        click.echo(
            f"{count.kind} {count.name}: {count.source} in the data directory, {count.target} in the target"
            f" {mark}"
        )
    if differing := [count.name for count in counts if not count.equal]:
        raise click.ClickException(
            f"counts differ for {', '.join(differing)}: the target holds other data, or the copy did not"
            " finish; run it again"
        )
    click.echo("every count matches: start the server with the new URLs")
