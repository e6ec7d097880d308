"""PyMongo's cursor: `sort`, `skip`, `limit`, `to_list` and `async for`.

`to_list` (and `find_one`) reads its result in one transaction. `async for` reads the result's row ids and
the first `BATCH` documents in one transaction, then the rest in batches of `BATCH` (one transaction each), so
iterating a large result never holds it in memory, and a small one costs one transaction; a document removed
meanwhile is skipped, one changed meanwhile is read as it is then (like a MongoDB cursor, which is not a
snapshot either). A sort SQLite cannot do (an unindexed path) reads the whole result first. A filter that can
match nothing (an empty `$in`) is answered without touching the file.
"""

import sqlite3
from collections import deque
from collections.abc import Callable
from typing import Any

from pymongo.errors import InvalidOperation

from virtool_api.storage.docstore import operations
from virtool_api.storage.docstore.engine import HERE_KEYS, Engine
from virtool_api.storage.docstore.filters import And, matches_nothing
from virtool_api.storage.docstore.operations import Query
from virtool_api.storage.docstore.planner import by_id
from virtool_api.storage.docstore.schema import Table
from virtool_api.storage.docstore.updates import project

BATCH = 200


def sort_spec(key_or_list: Any, direction: int | None = None) -> list[tuple[str, int]]:
    """PyMongo's sort arguments (`"a"`, `("a", -1)`, `[("a", 1), ("b", -1)]`, `{"a": 1}`) as a list."""
    if isinstance(key_or_list, str):
        pairs = [(key_or_list, 1 if direction is None else direction)]
    elif isinstance(key_or_list, dict):
        pairs = list(key_or_list.items())
    else:
        pairs = [(path, value) for path, value in key_or_list]
    for path, value in pairs:
        if not isinstance(path, str) or value not in (1, -1):
            raise ValueError(f"bad sort specification {key_or_list!r}")
    return [(path, int(value)) for path, value in pairs]


class Cursor:
    def __init__(self, engine: Engine, table_name: str, tree: And, projection: Any):
        self._engine = engine
        self._table_name = table_name
        self._query = Query(tree, [])
        self._projection = projection
        self._started = False
        self._buffer: deque[dict[str, Any]] = deque()
        self._ids: list[int] = []

    def _options(self) -> None:
        if self._started:
            raise InvalidOperation("cannot set options after executing query")

    def sort(self, key_or_list: Any, direction: int | None = None) -> "Cursor":
        self._options()
        self._query.sort = sort_spec(key_or_list, direction)
        return self

    def skip(self, skip: int) -> "Cursor":
        self._options()
        if not isinstance(skip, int) or skip < 0:
            raise ValueError("skip must be a non-negative int")
        self._query.skip = skip
        return self

    def limit(self, limit: int) -> "Cursor":
        self._options()
        if not isinstance(limit, int):
            raise TypeError("limit must be an int")
        self._query.limit = abs(limit)
        return self

    async def _run(self, work: Callable[[sqlite3.Connection, Table], Any]) -> Any:
        return await self._engine.run(lambda connection, table: work(connection, table(self._table_name)))

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        if length is not None and length <= 0:
            raise ValueError("to_list() length must be greater than 0")
        if not self._started:
            self._started = True
            query = self._query
            if length is not None and (not query.limit or length < query.limit):
                query = Query(query.tree, query.sort, query.skip, length)
            if matches_nothing(query.tree):
                return []
            projection = self._projection

            def work(connection: sqlite3.Connection, table: Table) -> list[dict[str, Any]]:
                return operations.select_projected(connection, table, query, projection)

            found = by_id(query.tree) if not query.sort and not query.skip else None
            if found is not None and len(found[1]) <= HERE_KEYS:  # by key: on this thread (`Engine.run_here`)
                return self._engine.run_here(
                    lambda connection, table: work(connection, table(self._table_name))
                )
            return await self._run(work)
        documents = []
        async for document in self:
            documents.append(document)
            if length is not None and len(documents) == length:
                break
        return documents

    def __aiter__(self) -> "Cursor":
        return self

    async def __anext__(self) -> dict[str, Any]:
        if not self._started:
            await self._start()
        while not self._buffer and self._ids:
            await self._read_batch()
        if not self._buffer:
            raise StopAsyncIteration
        return project(self._buffer.popleft(), self._projection)

    async def _start(self) -> None:
        self._started = True
        if matches_nothing(self._query.tree):
            return
        query = self._query
        rows, self._ids = await self._run(
            lambda connection, table: operations.select_first(connection, table, query, BATCH)
        )
        self._buffer.extend(document for _, document in rows)

    async def _read_batch(self) -> None:
        batch, self._ids = self._ids[:BATCH], self._ids[BATCH:]
        rows = await self._run(lambda connection, table: list(operations.fetch(connection, table, batch)))
        self._buffer.extend(document for _, document in rows)

    async def close(self) -> None:
        self._started = True
        self._buffer.clear()
        self._ids = []
