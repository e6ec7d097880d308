"""Tables and indexes: one SQLite table per collection, one key column per indexed path.

A collection `virtool.samples` is the table `"virtool.samples"(rid INTEGER PRIMARY KEY, id BLOB UNIQUE, doc
BLOB)`, `id` holding the sort key of `_id` (`codec.py`); an index over `name` adds the column `"k:name"`
holding `index_key(document, ("name",))` and a SQLite index over it (a compound index covers several columns,
`_id` being the `id` column). Declared indexes are recorded in `_docstore_indexes`, so every process on the
file knows every key column to fill.

Where a document's value at an indexed path crosses an array (its key column holds MULTIKEY), MongoDB indexes
each element (a multikey index): here the path's element table `"_docstore_elements:virtool.samples:labels"`
(key, rid) holds one row per key a query compares for that document (`element_keys`). A trigger removes a
row's elements with it. A path with a positional part (`a.0`) has no element table (its arrays are left to the
matcher).
"""

import json
import sqlite3
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from virtool_api.storage.docstore.codec import MULTIKEY, decode_document, index_key, sort_key
from virtool_api.storage.docstore.paths import candidates, leaves, split

META_TABLE = "_docstore_indexes"
ELEMENTS_PREFIX = "_docstore_elements:"
MULTIKEY_INFIX = ":multikey:"
LAYOUT = 1
"""The file layout this code writes, kept in SQLite's `user_version` (0 in a file written before it was kept):
an index this code makes comes with its element tables, multikey indexes and keys index (`create_index`). A
file with an older number has every declared index completed once, when an engine opens it (`upgrade`), so
declaring an index that exists checks only its keys: 40 indexes declared at each process's start (and each
test's context) in about 1 instead of 11 ms of CPU. A file is not to be written by an older version after a
newer one opened it (as with any store downgraded)."""


@lru_cache(maxsize=4096)  # the same few names, quoted for every statement
def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_name(database: str, collection: str) -> str:
    return f"{database}.{collection}"


@lru_cache(maxsize=4096)
def key_column(path: str) -> str:
    return quote(f"k:{path}")


def elements_name(table: str, path: str) -> str:
    return f"{ELEMENTS_PREFIX}{table}:{path}"


def has_elements(path: str) -> bool:
    """Whether a path's arrays get an element table (positional paths, `a.0`, are left to the matcher)."""
    return not any(part.isdigit() for part in split(path))


def element_keys(document: dict[str, Any], path: str) -> set[bytes]:
    """The keys a query operator compares for `document` at `path` (`filters._holds`): each value the path
    names (null where it names none) and each element of those that are arrays."""
    return {sort_key(value) for value in candidates(leaves(document, split(path)))}


@dataclass
class Index:
    name: str
    keys: list[tuple[str, int]]
    unique: bool

    def spec(self) -> dict[str, Any]:
        return {"keys": self.keys, "unique": self.unique}


@dataclass
class Table:
    """What a process knows of one collection's table."""

    name: str
    exists: bool = False
    indexes: dict[str, Index] = field(default_factory=dict)
    elements: dict[str, str] = field(default_factory=dict)
    """Each indexed path that has an element table, and that table's SQL name."""
    multikey: dict[str, str] = field(default_factory=dict)
    """Each indexed path that has a partial index of its MULTIKEY rows (`keep_multikey_indexes`), and the
    index's SQL name."""

    @property
    def sql(self) -> str:
        return quote(self.name)

    @cached_property
    def columns(self) -> dict[str, str]:
        """Each indexed path (but `_id`) and its key column: read several times by every query, so made once
        (a table's indexes are set when it is loaded; a change to them reloads every table)."""
        return {
            path: key_column(path)
            for index in self.indexes.values()
            for path, _ in index.keys
            if path != "_id"
        }

    @cached_property
    def insert_sql(self) -> str:
        """The statement that stores a row (`operations.insert`): its `id`, `doc` and each key column, in
        `columns`' order; written once, not at each insert."""
        names = ", ".join(["id", "doc", *self.columns.values()])
        return f"INSERT INTO {self.sql} ({names}) VALUES ({', '.join('?' * (2 + len(self.columns)))})"

    @cached_property
    def single_valued(self) -> frozenset[str]:
        """The key columns of paths under unique indexes only: they never hold MULTIKEY (the unique index that
        made the column refused an array there, `create_index`, and so has every write since,
        `operations._keys`), so a query on them need not ask whether some row does
        (`operations._MultikeyProbe`): a key or a session found by its hash. A path also under an index that
        is not unique may have had its column, and arrays, first."""
        unique = {path for index in self.indexes.values() if index.unique for path, _ in index.keys}
        other = {path for index in self.indexes.values() if not index.unique for path, _ in index.keys}
        return frozenset(key_column(path) for path in unique - other if path != "_id")


def ensure_meta(connection: sqlite3.Connection) -> None:
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {META_TABLE} "
        "(table_name TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, PRIMARY KEY (table_name, name))"
    )


def load(connection: sqlite3.Connection) -> dict[str, Table]:
    """Every collection table and its declared indexes, as the file has them now."""
    names = [name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    tables = {name: Table(name, exists=True) for name in names if "." in name and not name.startswith("_")}
    for name in names:
        if name.startswith(ELEMENTS_PREFIX):
            table, _, path = name.removeprefix(ELEMENTS_PREFIX).rpartition(":")
            if table in tables:
                tables[table].elements[path] = quote(name)
    for (name,) in connection.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%{MULTIKEY_INFIX}%'"
    ):
        table, _, path = name.partition(MULTIKEY_INFIX)
        if table in tables:
            tables[table].multikey[path] = quote(name)
    if connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (META_TABLE,)).fetchone():
        for table, name, spec in connection.execute(f"SELECT table_name, name, spec FROM {META_TABLE}"):
            if table in tables:
                decoded = json.loads(spec)
                keys = [(path, direction) for path, direction in decoded["keys"]]
                tables[table].indexes[name] = Index(name, keys, decoded["unique"])
    return tables


def create_table(connection: sqlite3.Connection, table: Table) -> None:
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {table.sql}"
        " (rid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, doc BLOB NOT NULL)"
    )


def default_index_name(keys: list[tuple[str, int]]) -> str:
    return "_".join(f"{path}_{direction}" for path, direction in keys)


def create_index(connection: sqlite3.Connection, table: Table, index: Index) -> None:
    """Add the key columns the index needs (filled from every stored document), then the SQLite index; a
    unique index over duplicated values raises `sqlite3.IntegrityError`."""
    ensure_meta(connection)
    create_table(connection, table)
    existing = {row[1] for row in connection.execute(f"PRAGMA table_info({table.sql})")}
    new_paths = [path for path, _ in index.keys if path != "_id" and f"k:{path}" not in existing]
    for path in new_paths:
        connection.execute(f"ALTER TABLE {table.sql} ADD COLUMN {key_column(path)} BLOB")
    if new_paths:
        assignments = ", ".join(f"{key_column(path)} = ?" for path in new_paths)
        rows = connection.execute(f"SELECT rid, doc FROM {table.sql}").fetchall()
        for rid, data in rows:
            document = decode_document(data)
            keys = [index_key(document, split(path)) for path in new_paths]
            if index.unique and MULTIKEY in keys:
                message = f"an array under the unique index {index.name} is not supported"
                raise NotImplementedError(f"{message} by the embedded document store")
            connection.execute(f"UPDATE {table.sql} SET {assignments} WHERE rid = ?", (*keys, rid))
    terms = ", ".join(
        f"{'id' if path == '_id' else key_column(path)} {'DESC' if direction < 0 else 'ASC'}"
        for path, direction in index.keys
    )
    unique = "UNIQUE " if index.unique else ""
    connection.execute(
        f"CREATE {unique}INDEX IF NOT EXISTS {quote(table.name + ':' + index.name)} ON {table.sql} ({terms})"
    )
    connection.execute(
        f"INSERT OR REPLACE INTO {META_TABLE} (table_name, name, spec) VALUES (?, ?, ?)",
        (table.name, index.name, json.dumps(index.spec())),
    )
    complete(connection, table, index)


def drop_index(connection: sqlite3.Connection, table: Table, index: Index) -> None:
    """Remove a declared index and what only it needed: the key columns of paths no other index names, with
    their element tables and partial indexes (a column left behind would hold stale keys if an index over
    its path were declared again). The keys index is made again over the columns left, or goes with the
    last of them."""
    connection.execute(f"DROP INDEX IF EXISTS {quote(table.name + ':' + index.name)}")
    connection.execute(
        f"DELETE FROM {META_TABLE} WHERE table_name = ? AND name = ?", (table.name, index.name)
    )
    remaining = [other for other in table.indexes.values() if other.name != index.name]
    kept = {path for other in remaining for path, _ in other.keys}
    connection.execute(f"DROP INDEX IF EXISTS {quote(table.name + ':keys')}")
    for path, _ in index.keys:
        if path == "_id" or path in kept:
            continue
        elements = elements_name(table.name, path)
        connection.execute(f"DROP TRIGGER IF EXISTS {quote(elements + ':delete')}")
        connection.execute(f"DROP TABLE IF EXISTS {quote(elements)}")
        connection.execute(f"DROP INDEX IF EXISTS {quote(table.name + MULTIKEY_INFIX + path)}")
        connection.execute(f"ALTER TABLE {table.sql} DROP COLUMN {key_column(path)}")
    if remaining:
        columns = key_columns(connection, table)
        keep_multikey_indexes(connection, table, columns)
        keep_keys_index(connection, table, columns)


def upgrade(connection: sqlite3.Connection) -> list[Table]:
    """Bring a file an earlier layout wrote to `LAYOUT`: every declared index completed. Returns the tables
    completion changed (their planner statistics are then stale)."""
    if connection.execute("PRAGMA user_version").fetchone()[0] >= LAYOUT:
        return []
    changed = []
    for table in load(connection).values():
        made = [complete(connection, table, index) for index in list(table.indexes.values())]
        if any(made):
            changed.append(table)
    connection.execute(f"PRAGMA user_version = {LAYOUT}")
    return changed


def complete(connection: sqlite3.Connection, table: Table, index: Index) -> bool:
    """What a declared index comes with beside its SQLite index (made, or brought up to date for a file an
    earlier version wrote, each time it is declared): its paths' element tables and the keys index. True if
    anything was made."""
    made = create_element_tables(connection, table, index)
    columns = key_columns(connection, table)
    made = keep_multikey_indexes(connection, table, columns) or made
    return keep_keys_index(connection, table, columns) or made


def key_columns(connection: sqlite3.Connection, table: Table) -> list[str]:
    """The table's key columns (`k:<path>`), in the order they were added."""
    info = connection.execute(f"PRAGMA table_info({table.sql})").fetchall()
    return [row[1] for row in info if row[1].startswith("k:")]


DOCUMENT_SAMPLE = 1000


def analyze(connection: sqlite3.Connection, table: Table) -> None:
    """SQLite's planner statistics for the table and its indexes, and the documents' real size.

    SQLite guesses a row's width from its declared columns, and a document (about 1 KB) is declared like a
    key: it then thinks reading the table costs about as much as reading the keys index, and counts a
    non-administrator's samples by reading every document. `sz=` in `sqlite_stat1` (documented in its file
    format) tells it the average row size, measured on the newest documents. Connections load statistics
    with the schema: the engine has its others reload them (`ANALYZE sqlite_schema`).
    """
    connection.execute(f"ANALYZE {table.sql}")
    rows = connection.execute(f"SELECT count(*) FROM {table.sql}").fetchone()[0]
    size = connection.execute(
        f"SELECT avg(length(doc)) FROM (SELECT doc FROM {table.sql} ORDER BY rid DESC LIMIT ?)",
        (DOCUMENT_SAMPLE,),
    ).fetchone()[0]
    connection.execute("DELETE FROM sqlite_stat1 WHERE tbl = ? AND idx IS NULL", (table.name,))
    connection.execute(
        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, NULL, ?)",
        (table.name, f"{rows} sz={int(size or 0) + 64 * (len(table.columns) + 2)}"),
    )


def keep_keys_index(connection: sqlite3.Connection, table: Table, columns: list[str]) -> bool:
    """One SQLite index over `id` and every key column: a narrow copy of the table without its documents, so
    a filter that SQL decides alone (a count, a listing's rights rule) is decided by reading that index, not
    the table (counting a non-administrator's 100k samples: 15 instead of 67 ms). Made again when a key
    column is added."""
    name = f"{table.name}:keys"
    sql = f"CREATE INDEX {quote(name)} ON {table.sql} ({', '.join(['id', *map(quote, columns)])})"
    existing = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
    ).fetchone()
    if existing is not None and existing[0] == sql:
        return False
    connection.execute(f"DROP INDEX IF EXISTS {quote(name)}")
    connection.execute(sql)
    return True


MULTIKEY_PROBE = f"= x'{MULTIKEY.hex()}'"
"""How a query asks for the rows whose key column holds MULTIKEY: a literal, as a partial index is used only
for a query that names its condition (`keep_multikey_indexes`)."""


def keep_multikey_indexes(connection: sqlite3.Connection, table: Table, columns: list[str]) -> bool:
    """For each key column that leads no SQLite index, a partial index of the rows holding MULTIKEY there.

    A query on a column asks first whether any row holds MULTIKEY in it (`operations._MultikeyProbe`): on a
    column that leads an index that is one look-up, on the others (`group_read` follows `group`) a scan of an
    index over every row, 15 ms at 100k samples, twice in a non-administrator's listing. Asked `INDEXED BY`
    the partial index (without statistics of an empty index SQLite prefers the scan), it is one look-up too;
    the index stays empty where no document holds an array there. True if any was made."""
    indexes = connection.execute(
        "SELECT list.name, info.name FROM pragma_index_list(?) AS list"
        " LEFT JOIN pragma_index_info(list.name) AS info ON info.seqno = 0",
        (table.name,),
    ).fetchall()
    leading = {column for _, column in indexes}
    existing = {name for name, _ in indexes}
    made = False
    for column in columns:
        name = f"{table.name}{MULTIKEY_INFIX}{column.removeprefix('k:')}"
        if column in leading or name in existing:
            continue
        connection.execute(
            f"CREATE INDEX {quote(name)} ON {table.sql} (rid) WHERE {quote(column)} {MULTIKEY_PROBE}"
        )
        made = True
    return made


def create_element_tables(connection: sqlite3.Connection, table: Table, index: Index) -> bool:
    """The element tables of the index's paths that lack one, filled from the rows crossing arrays there (an
    index declared before element tables existed gets them when declared again); True if any was made."""
    made = False
    for path, _ in index.keys:
        name = elements_name(table.name, path)
        if path == "_id" or index.unique or not has_elements(path) or path in table.elements:
            continue
        elements = quote(name)
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {elements}"
            " (key BLOB NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (key, rid)) WITHOUT ROWID"
        )
        connection.execute(f"CREATE INDEX IF NOT EXISTS {quote(name + ':rid')} ON {elements} (rid)")
        connection.execute(
            f"CREATE TRIGGER IF NOT EXISTS {quote(name + ':delete')} AFTER DELETE ON {table.sql}"
            f" BEGIN DELETE FROM {elements} WHERE rid = old.rid; END"
        )
        rows = connection.execute(
            f"SELECT rid, doc FROM {table.sql} WHERE {key_column(path)} = ?", (MULTIKEY,)
        ).fetchall()
        for rid, data in rows:
            keys = element_keys(decode_document(data), path)
            insert = f"INSERT INTO {elements} (key, rid) VALUES (?, ?)"
            connection.executemany(insert, [(key, rid) for key in keys])
        table.elements[path] = elements
        made = True
    return made


def unique_columns(table: Table, index: Index) -> str:
    """How SQLite names the columns of a unique index in its constraint error."""
    return ", ".join(f"{table.name}.{'id' if path == '_id' else 'k:' + path}" for path, _ in index.keys)
