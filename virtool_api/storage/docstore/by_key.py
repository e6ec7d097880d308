"""Reads of the documents whose key column holds one of a few keys: what `together.Together.find` answers for
an equality on `_id` or on a path no row holds an array at, without compiling the filter or planning (the
reads by id that show a sample or an analysis, and the key that authenticates the caller).

Each is what `operations.select_projected` answers for the same filter (tests/storage/test_docstore_by_id.py),
at less cost: the statements are written once per shape; the documents are decoded as a page's are
(`updates.decode_projected`: in one call, or, for an inclusion of top-level fields such as a job's summary,
without their arrays); `{"_id": 1}` is read from the `id` column where its key tells the value.
"""

import sqlite3
from typing import Any

from virtool_api.storage.docstore.codec import UNKNOWN, decode_document, key_value
from virtool_api.storage.docstore.schema import Table
from virtool_api.storage.docstore.updates import Projection, decode_projected

ID_ONLY = (True, {"_id": True})
"""The compiled projection `{"_id": 1}` (`updates.compile_projection`)."""
KEPT_STATEMENTS = 1024
_statements: dict[tuple[str, str, str, int, int], str] = {}
"""The statements by what they select, table, column, number of keys and limit: the few the services ask
for, written once."""


def select_equal(
    cursor: sqlite3.Cursor,
    table: Table,
    column: str,
    keys: list[bytes],
    projection: Projection,
    limit: int = 0,
) -> list[dict[str, Any]]:
    """The documents whose `column` (`id`, or a `single_valued` column, whose key is the value's) holds one of
    `keys`, in row order, as `projection` shapes them (read on `cursor`, the transaction's)."""
    if not table.exists or not keys:
        return []
    if projection == ID_ONLY:
        # Whether they exist (an administrator's rights on a sample): the ids from their key column, where
        # the key tells the value (a string), without reading or decoding a document.
        ids = [key_value(key) for (key,) in _rows(cursor, "id", table, column, keys, limit)]
        if all(value is not UNKNOWN for value in ids):
            return [{"_id": value} for value in ids]
    rows = _rows(cursor, "doc", table, column, keys, limit)
    return decode_projected([data for (data,) in rows], projection)


def select_one(cursor: sqlite3.Cursor, table: Table, column: str, key: bytes) -> dict[str, Any] | None:
    """The first document whose `column` holds `key`, whole: `select_equal`'s read for one key and no
    projection (`Together.find_one` of a user, a sample, a key by its hash), without its list and projection
    (a read 51k -> 36k instructions)."""
    if not table.exists:
        return None
    rows = cursor.execute(_statement("doc", table, column, 1, 1), (bytearray(key),)).fetchall()
    return decode_document(rows[0][0]) if rows else None


def key_column(table: Table, path: str) -> str | None:
    """The column a read by key on `path` reads: `id` for `_id`, or the key column of a path no row holds an
    array at (`Table.single_valued`); None where the read must be planned."""
    if path == "_id":
        return "id"
    column = table.columns.get(path)
    return column if column in table.single_valued else None


def _rows(
    cursor: sqlite3.Cursor, selected: str, table: Table, column: str, keys: list[bytes], limit: int
) -> list[Any]:
    """The rows of `selected` whose `column` holds one of `keys`, in row order. Keys are bound as bytearrays:
    SQLite's driver binds them as the same blobs, but asks `bytes` for an adapter first (two failed attribute
    look-ups and their errors formatted: 1 µs a key)."""
    sql = _statement(selected, table, column, len(keys), limit)
    return cursor.execute(sql, [bytearray(key) for key in keys]).fetchall()


def _statement(selected: str, table: Table, column: str, count: int, limit: int) -> str:
    shape = (selected, table.name, column, count, limit)
    sql = _statements.get(shape)
    if sql is None:
        test = f"{column} = ?" if count == 1 else f"{column} IN ({', '.join('?' * count)})"
        sql = f"SELECT {selected} FROM {table.sql} WHERE {test} ORDER BY rid ASC"
        sql = f"{sql} LIMIT {limit:d}" if limit else sql
        if len(_statements) < KEPT_STATEMENTS:
            _statements[shape] = sql
    return sql
