"""The collection operations on one SQLite connection, inside a transaction the caller holds (`engine.py`).

SQLite selects exactly the matching rows (`planner.py`: the key columns, and the Python matcher called from
SQLite where they cannot decide), so counts are SQLite's, and so are skip and limit when its order covers the
sort. A sort over an unindexed path is done in memory (stable, so ties keep insertion order, as in SQLite's
own sorts here).
"""

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pymongo.errors import DuplicateKeyError, OperationFailure

from virtool_api.storage.docstore.codec import (
    EMPTY_ARRAY_SORT_KEY,
    MISSING,
    MULTIKEY,
    UNKNOWN,
    decode_document,
    decode_documents,
    encode_document,
    index_key,
    inverted,
    key_value,
    new_id,
    sort_key,
)
from virtool_api.storage.docstore.filters import And, unsupported
from virtool_api.storage.docstore.paths import crosses_array, leaves, split
from virtool_api.storage.docstore.planner import Arrays, Elements, by_id, exact, one_by_id, order_by
from virtool_api.storage.docstore.residual import Residuals, matching
from virtool_api.storage.docstore.schema import (
    MULTIKEY_PROBE,
    Table,
    element_keys,
    key_column,
    unique_columns,
)
from virtool_api.storage.docstore.updates import decode_projected, project, project_decoded

Sort = list[tuple[str, int]]
Row = tuple[int, dict[str, Any]]
Projection = tuple[bool, dict[str, Any]] | None
"""A compiled projection (`updates.compile_projection`)."""


@dataclass
class Query:
    tree: And
    sort: Sort
    skip: int = 0
    limit: int = 0


class _MultikeyProbe:
    """Whether some row's key column holds MULTIKEY, and if so the column's element table (True without
    one): asked once per column per query. `walk` says the query is a page SQLite reads in index order."""

    def __init__(self, connection: sqlite3.Connection, table: Table) -> None:
        self.connection, self.table = connection, table
        self.walk = False
        self._seen: dict[str, bool] = {}
        self._elements = {key_column(path): name for path, name in table.elements.items()}
        self._paths = {column: path for path, column in table.columns.items()}

    def __call__(self, column: str) -> Arrays:
        if column in self.table.single_valued:
            return False
        if column not in self._seen:
            index = self.table.multikey.get(self._paths.get(column, ""))
            indexed = f" INDEXED BY {index}" if index else ""
            sql = f"SELECT 1 FROM {self.table.sql}{indexed} WHERE {column} {MULTIKEY_PROBE} LIMIT 1"
            self._seen[column] = self.connection.execute(sql).fetchone() is not None
        if not self._seen[column]:
            return False
        elements = self._elements.get(column)
        return True if elements is None else Elements(self.table.sql, elements, self.walk)


def _plan(
    connection: sqlite3.Connection, table: Table, query: Query
) -> tuple[str, list[Any], str | None, Residuals]:
    """`(where, parameters, order, residuals)`: an exact WHERE clause, and the ORDER BY terms when SQLite can
    sort (None: the sort happens in Python)."""
    if not query.sort and (found := by_id(query.tree)) is not None:
        return f" WHERE {found[0]}", found[1], "rid ASC", Residuals()
    probe = _MultikeyProbe(connection, table)
    order = order_by(query.sort, table.columns, probe) if query.sort else "rid ASC"
    probe.walk = bool(query.sort) and order is not None and query.limit > 0
    residuals = Residuals()
    where, params = exact(query.tree, table.columns, probe, residuals)
    return (f" WHERE {where}" if where else ""), params, order, residuals


def _limited(sql: str, params: list[Any], query: Query) -> tuple[str, list[Any]]:
    if query.limit or query.skip:
        return f"{sql} LIMIT ? OFFSET ?", [*params, query.limit or -1, query.skip]
    return sql, params


def _sort_key(sort: Sort) -> Callable[[Row], tuple[bytes, ...]]:
    """MongoDB's sort over documents: missing sorts as null; an array by its smallest element ascending, its
    largest descending (an empty one before null); two sort paths meeting arrays in one document are refused
    as MongoDB refuses them."""
    fields = [(split(path), direction) for path, direction in sort]

    def key(row: Row) -> tuple[bytes, ...]:
        if len(fields) > 1 and sum(crosses_array(row[1], parts) for parts, _ in fields) > 1:
            raise OperationFailure("cannot sort with keys that are parallel arrays", 2)
        result = []
        for parts, direction in fields:
            keys: list[bytes] = []
            for value in leaves(row[1], parts):
                if isinstance(value, list):
                    keys.extend([sort_key(item) for item in value] or [EMPTY_ARRAY_SORT_KEY])
                else:
                    keys.append(sort_key(value))
            chosen = (min(keys) if direction > 0 else max(keys)) if keys else sort_key(MISSING)
            result.append(chosen if direction > 0 else inverted(chosen))
        return tuple(result)

    return key


def select(
    connection: sqlite3.Connection, table: Table, query: Query, projection: Projection = None
) -> list[Row]:
    """The matching rows, sorted, skipped and limited, their documents as `projection` shapes them."""
    if not table.exists:
        return []
    if (pinned := one_by_id(query.tree)) is not None:
        found = _select_one(connection, table, query, pinned)
        return [(rid, project_decoded(document, projection)) for rid, document in found]
    where, params, order, residuals = _plan(connection, table, query)
    sql = f"SELECT rid, doc FROM {table.sql}{where}"
    if order is not None:
        sql, params = _limited(f"{sql} ORDER BY {order}", params, query)
    with matching(residuals):
        rows = connection.execute(sql, params).fetchall()
    rids, datas = [rid for rid, _ in rows], [data for _, data in rows]
    if order is not None:
        return list(zip(rids, decode_projected(datas, projection), strict=True))
    matched = list(zip(rids, decode_documents(datas), strict=True))
    matched.sort(key=_sort_key(query.sort))
    end = query.skip + query.limit if query.limit else None
    return [(rid, project_decoded(document, projection)) for rid, document in matched[query.skip : end]]


def _select_one(
    connection: sqlite3.Connection, table: Table, query: Query, pinned: tuple[str, list[Any]]
) -> list[Row]:
    """A filter pinning `_id` beside other conditions: the one row that id names, matched in Python. The
    planner's walk, its probes of key columns (a statement each) and the matcher called from SQLite (which
    decodes the document once more) cost more than deciding one document here."""
    rows = connection.execute(f"SELECT rid, doc FROM {table.sql} WHERE {pinned[0]}", pinned[1]).fetchall()
    matched = [(rid, document) for rid, data in rows if query.tree.matches(document := decode_document(data))]
    return matched[query.skip : query.skip + query.limit if query.limit else None]


def select_projected(
    connection: sqlite3.Connection, table: Table, query: Query, projection: Projection
) -> list[dict[str, Any]]:
    """The matching documents as `projection` (`updates.compile_projection`) shapes them.

    A projection of `_id` and top-level indexed paths only is answered from the key columns (a covered query,
    as MongoDB answers one from an index), without decoding the documents: the names of a subtraction's
    2,000 linked samples in 2 instead of 100 ms. A row whose keys do not tell a value (`codec.key_value`:
    null or missing, a number, an array) is read from its document."""
    names = covered(table, projection)
    if names is None:
        return [document for _, document in select(connection, table, query, projection)]
    where, params, order, residuals = _plan(connection, table, query)
    if order is None:
        return [document for _, document in select(connection, table, query, projection)]
    columns = ", ".join("id" if name == "_id" else table.columns[name] for name in names)
    sql, params = _limited(f"SELECT rid, {columns} FROM {table.sql}{where} ORDER BY {order}", params, query)
    with matching(residuals):
        rows = connection.execute(sql, params).fetchall()
    documents: list[dict[str, Any]] = []
    unknown: dict[int, int] = {}
    for position, (rid, *keys) in enumerate(rows):
        values = [key_value(key) for key in keys]
        if UNKNOWN in values:
            unknown[position] = rid
        documents.append(dict(zip(names, values, strict=True)))
    if unknown:
        read = dict(fetch(connection, table, list(unknown.values())))
        for position, rid in unknown.items():
            documents[position] = project(read[rid], projection)
    return documents


def covered(table: Table, projection: Projection) -> list[str] | None:
    """The fields a projection keeps, `_id` first, when the key columns hold them all; None otherwise."""
    if not table.exists or projection is None or not projection[0]:
        return None
    tree = projection[1]
    if any(
        branch is not True or (name != "_id" and name not in table.columns) for name, branch in tree.items()
    ):
        return None
    return sorted(tree, key=lambda name: name != "_id")


def select_first(
    connection: sqlite3.Connection, table: Table, query: Query, batch: int
) -> tuple[list[Row], list[int]]:
    """The first `batch` rows of the result and the row ids of the rest, in order, for a cursor that reads
    documents in batches (all rows at once when the sort needs every document in memory anyway)."""
    if not table.exists:
        return [], []
    where, params, order, residuals = _plan(connection, table, query)
    if order is None:
        return select(connection, table, query), []
    sql, params = _limited(f"SELECT rid FROM {table.sql}{where} ORDER BY {order}", params, query)
    with matching(residuals):
        ids = [rid for (rid,) in connection.execute(sql, params).fetchall()]
    return list(fetch(connection, table, ids[:batch])), ids[batch:]


def fetch(connection: sqlite3.Connection, table: Table, ids: list[int]) -> Iterator[Row]:
    """The rows of `ids` still there, in the order given."""
    if not table.exists or not ids:
        return iter(())
    sql = f"SELECT rid, doc FROM {table.sql} WHERE rid IN ({', '.join('?' * len(ids))})"
    found = {rid: data for rid, data in connection.execute(sql, ids)}
    return ((rid, decode_document(found[rid])) for rid in ids if rid in found)


def count(connection: sqlite3.Connection, table: Table, query: Query) -> int:
    if not table.exists:
        return 0
    where, params, _, residuals = _plan(connection, table, Query(query.tree, []))
    sql, params = _limited(f"SELECT 1 FROM {table.sql}{where}", params, query)
    with matching(residuals):
        return connection.execute(f"SELECT COUNT(*) FROM ({sql})", params).fetchone()[0]


def _keys(table: Table, document: dict[str, Any]) -> dict[str, bytes]:
    """The key columns' values by path; an array under a unique index raises NotImplementedError (MongoDB
    refuses a second document sharing any element; one key per document cannot tell)."""
    keys = {path: index_key(document, split(path)) for path in table.columns}
    for index in table.indexes.values():
        if index.unique and any(keys.get(path) == MULTIKEY for path, _ in index.keys):
            raise unsupported(f"an array under the unique index {index.name}")
    return keys


def _store_elements(
    connection: sqlite3.Connection, table: Table, rid: int, document: dict[str, Any], keys: dict[str, bytes]
) -> None:
    """The row's element keys, for each path where its value crosses an array."""
    for path, elements in table.elements.items():
        if keys.get(path) == MULTIKEY:
            connection.executemany(
                f"INSERT INTO {elements} (key, rid) VALUES (?, ?)",
                [(key, rid) for key in element_keys(document, path)],
            )


def duplicate_key_error(table: Table, error: sqlite3.IntegrityError, document: dict[str, Any]) -> Exception:
    """SQLite's unique constraint failure as MongoDB's: `details.keyPattern` names the index's fields."""
    message = str(error).removeprefix("UNIQUE constraint failed: ")
    if message == f"{table.name}.id":
        name, pattern = "_id_", {"_id": 1}
    else:
        index = next(
            (index for index in table.indexes.values() if unique_columns(table, index) == message), None
        )
        if index is None:
            return error
        name, pattern = index.name, dict(index.keys)
    values = {}
    for path in pattern:
        found = leaves(document, split(path))
        values[path] = None if not found or found[0] is MISSING else found[0]
    shown = ", ".join(f"{path}: {value!r}" for path, value in values.items())
    errmsg = f"E11000 duplicate key error collection: {table.name} index: {name} dup key: {{ {shown} }}"
    details = {"index": 0, "code": 11000, "errmsg": errmsg, "keyPattern": pattern, "keyValue": values}
    return DuplicateKeyError(errmsg, 11000, details)


def insert(connection: sqlite3.Connection, table: Table, document: dict[str, Any]) -> dict[str, Any]:
    """Store a document (given an id when it has none); returns it as stored."""
    if "_id" not in document:
        document["_id"] = new_id()
    data = encode_document(document)
    keys = _keys(table, document)
    try:
        cursor = connection.execute(table.insert_sql, (sort_key(document["_id"]), data, *keys.values()))
    except sqlite3.IntegrityError as error:
        raise duplicate_key_error(table, error, document) from None
    assert cursor.lastrowid is not None
    _store_elements(connection, table, cursor.lastrowid, document, keys)
    return document


def array_paths(table: Table, document: dict[str, Any]) -> set[str]:
    """The paths with element tables where `document`'s value crosses an array (it has element keys there)."""
    return {path for path in table.elements if index_key(document, split(path)) == MULTIKEY}


def replace(
    connection: sqlite3.Connection,
    table: Table,
    rid: int,
    document: dict[str, Any],
    crossed: set[str],
    data: bytes,
) -> bool:
    """Store `document` (encoded: `data`) over row `rid`, whose stored document crossed arrays at `crossed`
    (`array_paths`); False when the stored bytes did not change (not modified)."""
    columns = table.columns
    assignments = ", ".join(["doc = ?", *(f"{column} = ?" for column in columns.values())])
    keys = _keys(table, document)
    try:
        cursor = connection.execute(
            f"UPDATE {table.sql} SET {assignments} WHERE rid = ? AND doc != ?",
            (data, *keys.values(), rid, data),
        )
    except sqlite3.IntegrityError as error:
        raise duplicate_key_error(table, error, document) from None
    if cursor.rowcount != 1:
        return False
    for path in crossed:
        connection.execute(f"DELETE FROM {table.elements[path]} WHERE rid = ?", (rid,))
    _store_elements(connection, table, rid, document, keys)
    return True


def delete(connection: sqlite3.Connection, table: Table, query: Query) -> list[Row]:
    """Remove the matching rows; returns them (with `limit` 1, the first in `sort` order)."""
    rows = select(connection, table, query)
    if rows:
        ids = [rid for rid, _ in rows]
        connection.execute(f"DELETE FROM {table.sql} WHERE rid IN ({', '.join('?' * len(ids))})", ids)
    return rows


def delete_count(connection: sqlite3.Connection, table: Table, query: Query) -> int:
    """Remove every matching row."""
    if not table.exists:
        return 0
    where, params, _, residuals = _plan(connection, table, Query(query.tree, []))
    with matching(residuals):
        return connection.execute(f"DELETE FROM {table.sql}{where}", params).rowcount
