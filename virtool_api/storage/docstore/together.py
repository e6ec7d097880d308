"""Several operations in one transaction, on one hop to a worker thread: `await db.together(work, write)`.

`work(together)` runs on the worker thread, inside the transaction, and reads and writes through PyMongo's
synchronous surface: `together["jobs"].find_one_and_update(...)`, then `together["job_statuses"]
.insert_one(...)`. Each operation means what it means alone (the same code does it); together they cost one
hop and one transaction instead of one each, and see one snapshot. A write needs `write=True` (the
transaction then takes the file's write lock first, as every write does); an error `work` lets out rolls the
whole transaction back. MongoDB has no such call: `storage/steps.py` runs the same steps there one operation
after the other.
"""

import sqlite3
from collections.abc import Callable
from typing import Any

from pymongo import ReturnDocument
from pymongo.results import InsertOneResult

from virtool_api.storage.docstore import operations, schema
from virtool_api.storage.docstore.codec import sort_key
from virtool_api.storage.docstore.collection import (
    count_work,
    declared_index,
    find_work,
    index_work,
    insert_work,
    modify_work,
    written,
)
from virtool_api.storage.docstore.engine import Engine
from virtool_api.storage.docstore.filters import compile_filter
from virtool_api.storage.docstore.schema import Table
from virtool_api.storage.docstore.updates import compile_projection, project

DECODED_UP_TO = 8
"""Up to this many documents an equality reads whole even where the key columns could answer its projection
(a covered query): decoding a few costs less than planning one (a sample's subtractions' names took 25 of the
140 µs of the read that shows it)."""


def equality(filter: Any) -> tuple[str, list[bytes]] | None:
    """`(path, keys)` of a filter that asks one top-level path for one string (`{"hash": "..."}`), or `_id`
    for one string or any of a list of strings (`{"_id": {"$in": [...]}}`), and nothing else; else None."""
    if type(filter) is not dict or len(filter) != 1:
        return None
    ((path, value),) = filter.items()
    if type(value) is str:
        plain = path and "." not in path and not path.startswith("$") and not path.isdigit()
        return (path, [sort_key(value)]) if plain else None
    if path == "_id" and type(value) is dict and len(value) == 1:
        operand = value.get("$in")
        if type(operand) is list and all(type(item) is str for item in operand):
            return path, [sort_key(item) for item in operand]
    return None


def equality_work(
    filter: Any, projection: Any, found: tuple[str, list[bytes]], limit: int = 0
) -> Callable[[sqlite3.Connection, Table], list[dict[str, Any]]]:
    """`find_work` of a filter `equality` took: read by its key column without planning when that is `id` or
    a column no row holds an array in (`Table.single_valued`), unless more than `DECODED_UP_TO` keys ask for a
    projection the key columns answer (`operations.covered`); planned as any other filter otherwise."""
    path, keys = found

    def work(connection: sqlite3.Connection, table: Table) -> list[dict[str, Any]]:
        column = "id" if path == "_id" else table.columns.get(path)
        if (
            column is None
            or (column != "id" and column not in table.single_valued)
            or (len(keys) > DECODED_UP_TO and operations.covered(table, projection) is not None)
        ):
            return find_work(compile_filter(filter), projection, None, limit)(connection, table)
        return operations.select_equal(connection, table, column, keys, projection, limit)

    return work


KEPT_PROJECTIONS = 256
_projections: dict[tuple[tuple[str, Any], ...], Any] = {}


def projection_of(projection: Any) -> Any:
    """`compile_projection(projection)`, kept for a projection seen before: the services pass the same few
    (a job's summary fields: 5.8 µs to compile, 0.3 to look up). At most `KEPT_PROJECTIONS` are kept."""
    if type(projection) is not dict:
        return compile_projection(projection)
    key = tuple(projection.items())
    try:
        compiled = _projections.get(key)
    except TypeError:  # an operator's document as a value: compiling names it
        return compile_projection(projection)
    if compiled is None:
        compiled = compile_projection(projection)
        if len(_projections) < KEPT_PROJECTIONS:
            _projections[key] = compiled
    return compiled


class Together:
    """The collections of one database, inside one transaction."""

    def __init__(
        self,
        engine: Engine,
        database: str,
        connection: sqlite3.Connection,
        tables: Callable[[str], Table],
        write: bool,
    ) -> None:
        self._engine, self._database, self._connection = engine, database, connection
        self._tables, self._write = tables, write
        self.stale: list[Table] = []
        """Tables written whose statistics are stale: analyzed once the transaction is over."""

    def __getitem__(self, name: str) -> "TogetherCollection":
        return TogetherCollection(self, schema.table_name(self._database, name))

    def read(self, table_name: str, work: Callable[[sqlite3.Connection, Table], Any]) -> Any:
        return work(self._connection, self._tables(table_name))

    def written(
        self, table_name: str, work: Callable[[sqlite3.Connection, Table], Any], grows: bool = True
    ) -> Any:
        if not self._write:
            raise RuntimeError("a write inside `together(..., write=False)`: its transaction only reads")
        result, table, stale = written(self._engine, self._connection, self._tables(table_name), work, grows)
        if stale and table not in self.stale:
            self.stale.append(table)
        return result

    def statistics_changed(self) -> None:
        """Have every connection reload SQLite's statistics before its next transaction."""
        self._engine.statistics_changed()


class TogetherCollection:
    """The part of PyMongo's synchronous `Collection` the services batch: `find` (as a list), `find_one`,
    `count_documents`, `find_one_and_update`, `insert_one`, and `create_index` (a process declares every
    index at its start in one transaction)."""

    def __init__(self, together: Together, table_name: str) -> None:
        self._together, self._table_name = together, table_name

    def find(
        self,
        filter: dict[str, Any] | None = None,
        projection: Any = None,
        sort: Any = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[dict[str, Any]]:
        if sort is None and not skip and (found := equality(filter)) is not None:
            work = equality_work(filter, projection_of(projection), found, limit)
            return self._together.read(self._table_name, work)
        work = find_work(compile_filter(filter), projection_of(projection), sort, limit, skip)
        return self._together.read(self._table_name, work)

    def count_documents(self, filter: dict[str, Any]) -> int:
        return self._together.read(self._table_name, count_work(compile_filter(filter)))

    def find_one(self, filter: dict[str, Any] | None = None, projection: Any = None) -> dict[str, Any] | None:
        found = self.find(filter, projection, limit=1)
        return found[0] if found else None

    def find_one_and_update(
        self,
        filter: dict[str, Any],
        update: dict[str, Any],
        projection: Any = None,
        return_document: bool = ReturnDocument.BEFORE,
    ) -> dict[str, Any] | None:
        compiled = projection_of(projection)
        work = modify_work(filter, update, many=False, upsert=False, returning=return_document)
        _, chosen = self._together.written(self._table_name, work, grows=False)
        return None if chosen is None else project(chosen, compiled)

    def insert_one(self, document: dict[str, Any]) -> InsertOneResult:
        stored = self._together.written(self._table_name, insert_work(document))
        document.setdefault("_id", stored["_id"])
        return InsertOneResult(stored["_id"], True)

    def create_index(
        self, keys: Any, *, unique: bool = False, name: str | None = None, **options: Any
    ) -> str:
        index = declared_index(keys, unique, name, options)
        if index is None:
            return "_id_"
        if self._together.written(self._table_name, index_work(index)):
            self._together.statistics_changed()
        return index.name
