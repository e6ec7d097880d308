"""Carrying a data directory written by the former embedded store (tinymongo on SQLite) over, once, on start.

tinymongo kept one SQLite file per database in `{data}/db/` (`virtool.sqlite`: a table per collection, each
row a document as tinymongo's tagged JSON). Every document of every collection is copied into the new store in
ONE transaction, which also records the carry-over; only then are the old files moved into
`{data}/db/tinymongo-carried-over/`. Interrupted before the commit, nothing was copied and the next start does
it all again; interrupted after it, the next start finds the record and only moves the files. Processes
starting together take turns on the new store's write lock, so one copies and the others find the record.

tinymongo's own decoder (`tinymongo.bson_codec.loads`) reads the rows, so every value (ObjectId `_id`s of
documents tinymongo inserted without one included) comes back as tinymongo gave it.
"""

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from virtool_api.crash_points import crash_point
from virtool_api.storage.docstore import operations, schema
from virtool_api.storage.docstore.schema import Table

logger = logging.getLogger(__name__)

CARRIED_OVER = "tinymongo-carried-over"
RECORD_TABLE = "_docstore_carried_over"
_TINYMONGO_TABLES = "__tinymongo"


def tinymongo_files(folder: Path, store: Path) -> list[Path]:
    """The former store's database files in `folder` (never the new store's own file)."""
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.glob("*.sqlite") if path.is_file() and path.resolve() != store.resolve()
    )


def _collections(connection: sqlite3.Connection) -> list[str]:
    names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return sorted(name for (name,) in names if not name.startswith((_TINYMONGO_TABLES, "sqlite_")))


def _documents(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(collection, document)` for every document of a tinymongo database file (opened read-write, so SQLite
    can recover a write-ahead log the former server left behind)."""
    from tinymongo.bson_codec import loads

    source = sqlite3.connect(path, timeout=60)
    try:
        for collection in _collections(source):
            for (data,) in source.execute(f"SELECT data FROM {schema.quote(collection)} ORDER BY rowid"):
                yield collection, loads(data)
    finally:
        source.close()


def carry_over(folder: Path, store: Path) -> int:
    """Copy the tinymongo databases in `folder` into the SQLite file `store`, then move them aside; returns
    the number of documents copied (0 when there was nothing to carry over, or it was done before)."""
    sources = tinymongo_files(folder, store)
    if not sources:
        return 0
    connection = sqlite3.connect(store, timeout=60, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            copied = _copy(connection, sources)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        crash_point("carry_over_copied")
        connection.execute("COMMIT")
    finally:
        connection.close()
    crash_point("carry_over_committed")
    aside = folder / CARRIED_OVER
    aside.mkdir(exist_ok=True)
    lock = folder / ".tinymongo.lock"
    for source in sources:
        for path in [source, *source.parent.glob(f"{source.name}-*"), lock]:
            try:
                path.rename(aside / path.name)
            except FileNotFoundError:
                pass  # another process starting at the same time moved it
    if copied:
        logger.info("carried %d documents over from tinymongo; its files are now in %s", copied, aside)
    return copied


def _copy(connection: sqlite3.Connection, sources: list[Path]) -> int:
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {RECORD_TABLE} (source TEXT PRIMARY KEY, documents INTEGER)"
    )
    done = {source for (source,) in connection.execute(f"SELECT source FROM {RECORD_TABLE}")}
    schema.ensure_meta(connection)
    tables = schema.load(connection)
    copied = 0
    for source in sources:
        if source.name in done:
            continue
        database = source.stem
        count = 0
        for collection, document in _documents(source):
            name = schema.table_name(database, collection)
            table = tables.setdefault(name, Table(name))
            if not table.exists:
                schema.create_table(connection, table)
                table.exists = True
            operations.insert(connection, table, document)
            count += 1
        connection.execute(
            f"INSERT INTO {RECORD_TABLE} (source, documents) VALUES (?, ?)", (source.name, count)
        )
        copied += count
    return copied
