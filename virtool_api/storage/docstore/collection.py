"""A collection with the async PyMongo surface the services use, over `operations.py` in worker threads."""

from __future__ import annotations  # a closure made per read builds no annotation objects

import sqlite3
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure
from pymongo.results import DeleteResult, InsertManyResult, InsertOneResult, UpdateResult

from virtool_api.storage.docstore import operations, schema
from virtool_api.storage.docstore.codec import MISSING, sort_key
from virtool_api.storage.docstore.cursor import Cursor, sort_spec
from virtool_api.storage.docstore.engine import Engine, analyze_if_large
from virtool_api.storage.docstore.filters import (
    And,
    compile_filter,
    equality_seed,
    matches_nothing,
    unsupported,
)
from virtool_api.storage.docstore.operations import Query
from virtool_api.storage.docstore.paths import leaves, split
from virtool_api.storage.docstore.schema import Index, Table
from virtool_api.storage.docstore.updates import (
    Projection,
    apply_update,
    check_update,
    compile_projection,
    copied,
    project,
    set_path,
    updated_as_stored,
)


class _Client(Protocol):
    @property
    def engine(self) -> Engine: ...


class _Database(Protocol):
    """What a collection asks of the database that makes it (`client.Database`), as PyMongo's does."""

    @property
    def name(self) -> str: ...

    @property
    def client(self) -> _Client: ...

    async def drop_collection(self, name: str) -> Any: ...


T = TypeVar("T")


def _no_options(options: dict[str, Any]) -> None:
    if options:
        raise unsupported(f"option {sorted(options)[0]!r}")


def declared_index(keys: Any, unique: bool, name: str | None, options: dict[str, Any]) -> Index | None:
    """The index `create_index(keys, unique=..., name=...)` declares (None for `_id`'s own); `unsupported`
    for options and keys we do not support."""
    options.pop("background", None)
    _no_options(options)
    spec = [(keys, 1)] if isinstance(keys, str) else [(path, int(direction)) for path, direction in keys]
    if not spec or any(direction not in (1, -1) for _, direction in spec):
        raise unsupported(f"index keys {keys!r}")
    if spec == [("_id", 1)]:
        return None
    return Index(name or schema.default_index_name(spec), spec, bool(unique))


def index_work(index: Index) -> Callable[[sqlite3.Connection, Table], bool]:
    """Declare `index` on the table: made if missing (True if the planner's statistics changed), left as it
    is if made (the engine completed any an earlier layout made when it opened the file: `schema.upgrade`),
    OperationFailure if another index has its name."""

    def work(connection: sqlite3.Connection, table: Table) -> bool:
        existing = table.indexes.get(index.name)
        if existing is not None:
            if existing.spec() != index.spec():
                message = f"An existing index has the same name as the requested index: {index.name}"
                raise OperationFailure(message, 86)
            return False
        try:
            schema.create_index(connection, table, index)
        except sqlite3.IntegrityError as error:
            raise DuplicateKeyError(
                f"E11000 duplicate key error: cannot create unique index {index.name}: {error}",
                11000,
                {"keyPattern": dict(index.keys)},
            ) from None
        return analyze_if_large(connection, table)  # the planner's statistics for the new index

    return work


def written(
    engine: Engine,
    connection: sqlite3.Connection,
    table: Table,
    work: Callable[[sqlite3.Connection, Table], T],
    grows: bool = True,
) -> tuple[T, Table, bool]:
    """`work` on `table` in the caller's write transaction, the table made first if it is new; with whether
    its statistics are stale (then `engine.analyze_soon(table)` once the transaction is over). Work that
    adds no rows (`grows=False`: an update without upsert) cannot make them stale: they are not read."""
    if not table.exists:
        schema.create_table(connection, table)
    return work(connection, table), table, grows and engine.statistics_stale(connection, table)


def find_work(
    tree: And, projection: Any, sort: Any = None, limit: int = 0, skip: int = 0
) -> Callable[[sqlite3.Connection, Table], list[dict[str, Any]]]:
    """Reading the matches of `tree` in the caller's transaction (what `find(...).to_list()` reads)."""
    query = Query(tree, sort_spec(sort) if sort is not None else [], skip, limit)

    def work(connection: sqlite3.Connection, table: Table) -> list[dict[str, Any]]:
        if matches_nothing(query.tree):
            return []
        return operations.select_projected(connection, table, query, projection)

    return work


def count_work(tree: And, skip: int = 0, limit: int = 0) -> Callable[[sqlite3.Connection, Table], int]:
    """Counting the matches of `tree` in the caller's transaction (what `count_documents` counts)."""
    query = Query(tree, [], skip, limit)

    def work(connection: sqlite3.Connection, table: Table) -> int:
        if matches_nothing(query.tree):
            return 0
        return operations.count(connection, table, query)

    return work


def insert_work(document: dict[str, Any]) -> Callable[[sqlite3.Connection, Table], dict[str, Any]]:
    return lambda connection, table: operations.insert(connection, table, dict(document))


def modify_work(
    filter: dict[str, Any],
    update: dict[str, Any],
    many: bool,
    upsert: bool,
    sort: Any = None,
    returning: bool | None = None,
    projection: Projection = None,
) -> Callable[[sqlite3.Connection, Table], tuple[dict[str, Any], Any]]:
    """Applying `update` to the first (or every) match in the caller's write transaction; with `upsert` and no
    match, inserting the filter's equalities updated. The work returns MongoDB's raw result and, as
    `returning` asks (`ReturnDocument.BEFORE` or `AFTER`; None: neither, and no copy is made), the first
    document before or after, as `projection` (compiled) shapes it. The document after is the one updated in
    memory where what it returns of the update's values is what the store gives back (`updated_as_stored`),
    else decoded from the bytes stored."""
    check_update(update)
    tree = compile_filter(filter)
    query = Query(tree, sort_spec(sort) if sort is not None else [], 0, 0 if many else 1)

    def work(connection: sqlite3.Connection, table: Table) -> tuple[dict[str, Any], Any]:
        rows = operations.select(connection, table, query)
        if not rows:
            if not upsert:
                return {"n": 0, "nModified": 0}, None
            document: dict[str, Any] = {}
            for path, value in equality_seed(tree).items():
                set_path(document, path, value)
            apply_update(document, update, inserting=True)
            stored = operations.insert(connection, table, document)
            after = operations.decode_document(operations.encode_document(stored))
            returned = project(after, projection) if returning == ReturnDocument.AFTER else None
            return {"n": 1, "nModified": 0, "upserted": stored["_id"]}, returned
        modified = 0
        returned = None
        for position, (rid, document) in enumerate(rows):
            if position == 0 and returning == ReturnDocument.BEFORE:
                returned = project(copied(document), projection)
            crossed = operations.array_paths(table, document)
            apply_update(document, update)
            data = operations.encode_document(document)
            modified += operations.replace(connection, table, rid, document, crossed, data)
            if position == 0 and returning == ReturnDocument.AFTER:
                # As stored (dates to the millisecond); `document` is not used again.
                as_stored = updated_as_stored(document, update, projection)
                returned = project(document if as_stored else operations.decode_document(data), projection)
        return {"n": len(rows), "nModified": modified}, returned

    return work


class Collection:
    def __init__(self, database: _Database, name: str):
        self.database = database
        self.name = name
        self._engine = database.client.engine
        self._table_name = schema.table_name(database.name, name)

    def __repr__(self) -> str:
        return f"Collection({self.database.name!r}, {self.name!r})"

    @property
    def full_name(self) -> str:
        return self._table_name

    async def _read(self, work: Callable[[sqlite3.Connection, Table], Any]) -> Any:
        return await self._engine.run(lambda connection, table: work(connection, table(self._table_name)))

    async def _write(self, work: Callable[[sqlite3.Connection, Table], Any], grows: bool = True) -> Any:
        def in_table(connection: sqlite3.Connection, table: Callable[[str], Table]) -> Any:
            return written(self._engine, connection, table(self._table_name), work, grows)

        result, table, stale = await self._engine.run(in_table, write=True)
        if stale:
            self._engine.analyze_soon(table)
        return result

    def find(
        self,
        filter: dict[str, Any] | None = None,
        projection: Any = None,
        *,
        sort: Any = None,
        skip: int = 0,
        limit: int = 0,
        **options: Any,
    ) -> Cursor:
        _no_options(options)
        cursor = Cursor(
            self._engine, self._table_name, compile_filter(filter), compile_projection(projection)
        )
        if sort is not None:
            cursor.sort(sort)
        return cursor.skip(skip).limit(limit)

    async def find_one(
        self, filter: dict[str, Any] | None = None, projection: Any = None, **options: Any
    ) -> dict[str, Any] | None:
        """The first match, in one transaction."""
        found = await self.find(filter, projection, **options).to_list(1)
        return found[0] if found else None

    async def count_documents(
        self, filter: dict[str, Any], *, skip: int = 0, limit: int = 0, **options: Any
    ) -> int:
        _no_options(options)
        tree = compile_filter(filter)
        if matches_nothing(tree):
            return 0
        return await self._read(count_work(tree, skip, limit))

    async def distinct(self, key: str, filter: dict[str, Any] | None = None) -> list[Any]:
        """The distinct values at `key` among the matching documents (an array's elements one by one), in
        MongoDB's order."""
        query = Query(compile_filter(filter), [])
        rows = await self._read(lambda connection, table: operations.select(connection, table, query))
        values: dict[bytes, Any] = {}
        for _, document in rows:
            for value in leaves(document, split(key)):
                for item in value if isinstance(value, list) else [value]:
                    if item is not MISSING:
                        values.setdefault(sort_key(item), item)
        return [values[found] for found in sorted(values)]

    async def insert_one(self, document: dict[str, Any]) -> InsertOneResult:
        """Insert `document`, setting its `_id` when missing (as PyMongo does)."""
        stored = await self._write(insert_work(document))
        document.setdefault("_id", stored["_id"])
        return InsertOneResult(stored["_id"], True)

    async def insert_many(self, documents: list[dict[str, Any]], ordered: bool = True) -> InsertManyResult:
        """Insert in order, in one transaction; a duplicate stops there (earlier documents stay), raising
        PyMongo's `BulkWriteError` as an ordered `insert_many` against MongoDB does."""
        if not ordered:
            raise unsupported("insert_many(ordered=False)")
        documents = list(documents)
        if not documents:
            raise TypeError("documents must be a non-empty list")

        def work(connection: sqlite3.Connection, table: Table) -> tuple[list[Any], Exception | None]:
            ids: list[Any] = []
            for index, document in enumerate(documents):
                try:
                    ids.append(operations.insert(connection, table, dict(document))["_id"])
                except DuplicateKeyError as error:
                    write_error = {**(error.details or {}), "index": index, "op": document}
                    details = {"writeErrors": [write_error], "nInserted": index}
                    return ids, BulkWriteError(details)
            return ids, None

        ids, error = await self._write(work)
        for document, inserted in zip(documents, ids, strict=False):
            document.setdefault("_id", inserted)
        if error is not None:
            raise error
        return InsertManyResult(ids, True)

    async def _modify(
        self,
        filter: dict[str, Any],
        update: dict[str, Any],
        many: bool,
        upsert: bool,
        sort: Any = None,
        returning: bool | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """`modify_work` in one write transaction of its own."""
        return await self._write(modify_work(filter, update, many, upsert, sort, returning), grows=upsert)

    async def update_one(
        self, filter: dict[str, Any], update: dict[str, Any], upsert: bool = False
    ) -> UpdateResult:
        raw, _ = await self._modify(filter, update, many=False, upsert=upsert)
        return UpdateResult(raw, True)

    async def update_many(
        self, filter: dict[str, Any], update: dict[str, Any], upsert: bool = False
    ) -> UpdateResult:
        raw, _ = await self._modify(filter, update, many=True, upsert=upsert)
        return UpdateResult(raw, True)

    async def find_one_and_update(
        self,
        filter: dict[str, Any],
        update: dict[str, Any],
        projection: Any = None,
        sort: Any = None,
        upsert: bool = False,
        return_document: bool = ReturnDocument.BEFORE,
        **options: Any,
    ) -> dict[str, Any] | None:
        """One conditional update, atomic across processes (one `BEGIN IMMEDIATE` transaction)."""
        _no_options(options)
        compiled = compile_projection(projection)
        work = modify_work(filter, update, False, upsert, sort, return_document, compiled)
        _, chosen = await self._write(work, grows=upsert)
        return chosen

    async def find_one_and_delete(
        self, filter: dict[str, Any], projection: Any = None, sort: Any = None, **options: Any
    ) -> dict[str, Any] | None:
        _no_options(options)
        compiled = compile_projection(projection)
        query = Query(compile_filter(filter), sort_spec(sort) if sort is not None else [], 0, 1)
        rows = await self._write(lambda connection, table: operations.delete(connection, table, query))
        return project(rows[0][1], compiled) if rows else None

    async def delete_one(self, filter: dict[str, Any]) -> DeleteResult:
        query = Query(compile_filter(filter), [], 0, 1)
        rows = await self._write(lambda connection, table: operations.delete(connection, table, query))
        return DeleteResult({"n": len(rows)}, True)

    async def delete_many(self, filter: dict[str, Any]) -> DeleteResult:
        query = Query(compile_filter(filter), [])
        deleted = await self._write(
            lambda connection, table: operations.delete_count(connection, table, query)
        )
        return DeleteResult({"n": deleted}, True)

    async def create_index(
        self, keys: Any, *, unique: bool = False, name: str | None = None, **options: Any
    ) -> str:
        """A SQLite index over the key columns of `keys` (a path, or `[(path, 1 | -1), ...]`); declaring an
        existing index again is a no-op, a different one under its name raises OperationFailure."""
        index = declared_index(keys, unique, name, options)
        if index is None:
            return "_id_"
        if await self._write(index_work(index), grows=False):  # no row added; a new index is analyzed there
            self._engine.statistics_changed()
        return index.name

    async def drop_index(self, name: str) -> None:
        """Remove the declared index `name` (`index_information()` lists them); as MongoDB, `_id_` cannot be
        dropped and an unknown name raises OperationFailure (code 27, IndexNotFound)."""
        if name == "_id_":
            raise OperationFailure("cannot drop _id index", 72)

        def work(connection: sqlite3.Connection, table: Table) -> None:
            index = table.indexes.get(name)
            if index is None:
                raise OperationFailure(f"index not found with name [{name}]", 27)
            schema.drop_index(connection, table, index)

        await self._write(work, grows=False)
        self._engine.statistics_changed()

    async def index_information(self) -> dict[str, Any]:
        indexes = await self._read(lambda _connection, table: dict(table.indexes))
        information: dict[str, Any] = {"_id_": {"key": [("_id", 1)]}}
        for index in indexes.values():
            information[index.name] = {"key": index.keys, **({"unique": True} if index.unique else {})}
        return information

    async def drop(self) -> None:
        await self.database.drop_collection(self.name)
