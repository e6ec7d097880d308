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
from virtool_api.storage.docstore.by_key import key_column, select_equal, select_one
from virtool_api.storage.docstore.codec import string_key
from virtool_api.storage.docstore.collection import (
    count_work,
    declared_index,
    find_work,
    index_work,
    insert_work,
    modify_work,
    written,
)
from virtool_api.storage.docstore.engine import HERE_KEYS, Engine
from virtool_api.storage.docstore.filters import compile_filter
from virtool_api.storage.docstore.schema import Table
from virtool_api.storage.docstore.updates import compile_projection

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
        return (path, [string_key(value)]) if plain else None
    if path == "_id" and type(value) is dict and len(value) == 1:
        operand = value.get("$in")
        if type(operand) is list:
            keys = []
            for item in operand:  # not `all(...)` over a generator: 3.6k instructions more a read
                if type(item) is not str:
                    return None
                keys.append(string_key(item))
            return path, keys
    return None


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


class NotHere(Exception):
    """An operation a transaction on the event loop's thread does not run (`Together(..., here=True)`):
    anything but a read by key. Raised before it reads anything."""


class Together:
    """The collections of one database, inside one transaction; `here`, one on the event loop's thread
    (`Engine.run_here`), which reads by key only and raises `NotHere` for anything else."""

    def __init__(
        self,
        engine: Engine,
        database: str,
        connection: sqlite3.Connection,
        tables: Callable[[str], Table],
        write: bool,
        here: bool = False,
    ) -> None:
        self._engine, self._database, self._connection = engine, database, connection
        self._tables, self._write, self._here = tables, write, here
        self._prefix = schema.table_name(database, "")
        self._cursor: sqlite3.Cursor | None = None
        """The reads by key's cursor, made at the first: one for the transaction instead of one a read (what
        `connection.execute` makes), 1.3k instructions a read."""
        self.stale: list[Table] = []
        """Tables written whose statistics are stale: analyzed once the transaction is over."""

    def __getitem__(self, name: str) -> "TogetherCollection":
        return TogetherCollection(self, name)

    def find(
        self,
        collection: str,
        filter: dict[str, Any] | None = None,
        projection: Any = None,
        sort: Any = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[dict[str, Any]]:
        """`collection.find(...)` as a list: what steps' `FindOne` and `Find` run (`storage/steps.py`),
        without a collection object a read. An equality `equality` took, on `_id` or on a column no row holds
        an array in, is read by its key column without compiling the filter or planning."""
        table_name = self._prefix + collection
        compiled = None if projection is None else projection_of(projection)
        if sort is None and not skip and (found := equality(filter)) is not None:
            path, keys = found
            table = self._tables(table_name)
            column = key_column(table, path)
            if column is not None and (
                len(keys) <= DECODED_UP_TO or operations.covered(table, compiled) is None
            ):
                if self._here and len(keys) > HERE_KEYS:
                    raise NotHere()
                return select_equal(self._reads_cursor(), table, column, keys, compiled, limit)
        return self.read(table_name, find_work(compile_filter(filter), compiled, sort, limit, skip))

    def find_one(
        self, collection: str, filter: dict[str, Any] | None = None, projection: Any = None
    ) -> dict[str, Any] | None:
        """`find`'s first; a whole document by one key (a user, a sample, a key by its hash) is read without
        `find`'s general path (`by_key.select_one`)."""
        if projection is None and type(filter) is dict and len(filter) == 1:
            ((path, value),) = filter.items()
            # `equality` only past `_id`: its key list costs the read of a user or a sample 5k instructions
            if type(value) is str and (path == "_id" or equality(filter) is not None):
                table = self._tables(self._prefix + collection)
                column = key_column(table, path)
                if column is not None:
                    return select_one(self._reads_cursor(), table, column, string_key(value))
        found = self.find(collection, filter, projection, limit=1)
        return found[0] if found else None

    def _reads_cursor(self) -> sqlite3.Cursor:
        if self._cursor is None:
            self._cursor = self._connection.cursor()
        return self._cursor

    def insert_one(self, collection: str, document: dict[str, Any]) -> InsertOneResult:
        """`collection.insert_one(document)`: what steps' `InsertOne` runs, without a collection object."""
        stored = self.written(self._prefix + collection, insert_work(document))
        document.setdefault("_id", stored["_id"])
        return InsertOneResult(stored["_id"], True)

    def read(self, table_name: str, work: Callable[[sqlite3.Connection, Table], Any]) -> Any:
        if self._here:
            raise NotHere()
        return work(self._connection, self._tables(table_name))

    def written(
        self, table_name: str, work: Callable[[sqlite3.Connection, Table], Any], grows: bool = True
    ) -> Any:
        if self._here:
            raise NotHere()
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

    def __init__(self, together: Together, name: str) -> None:
        self._together, self._name = together, name
        self._table_name = together._prefix + name

    def find(
        self,
        filter: dict[str, Any] | None = None,
        projection: Any = None,
        sort: Any = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[dict[str, Any]]:
        return self._together.find(self._name, filter, projection, sort=sort, skip=skip, limit=limit)

    def count_documents(self, filter: dict[str, Any]) -> int:
        return self._together.read(self._table_name, count_work(compile_filter(filter)))

    def find_one(self, filter: dict[str, Any] | None = None, projection: Any = None) -> dict[str, Any] | None:
        return self._together.find_one(self._name, filter, projection)

    def find_one_and_update(
        self,
        filter: dict[str, Any],
        update: dict[str, Any],
        projection: Any = None,
        return_document: bool = ReturnDocument.BEFORE,
    ) -> dict[str, Any] | None:
        compiled = projection_of(projection)
        work = modify_work(
            filter, update, many=False, upsert=False, returning=return_document, projection=compiled
        )
        _, chosen = self._together.written(self._table_name, work, grows=False)
        return chosen

    def insert_one(self, document: dict[str, Any]) -> InsertOneResult:
        return self._together.insert_one(self._name, document)

    def create_index(
        self, keys: Any, *, unique: bool = False, name: str | None = None, **options: Any
    ) -> str:
        index = declared_index(keys, unique, name, options)
        if index is None:
            return "_id_"
        if self._together.written(self._table_name, index_work(index), grows=False):
            self._together.statistics_changed()
        return index.name
