"""`DocumentClient(path)`: PyMongo's `AsyncMongoClient` surface over one SQLite file.

`client["virtool"]` (or `client.get_database("virtool")`) is a database; `db.samples` or `db["samples"]` a
collection. `client.close()` works awaited (as PyMongo's) or not; `await client.aclose()` too.
"""

from __future__ import annotations  # a closure made per read builds no annotation objects

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any, TypeVar

from virtool_api.storage.docstore import schema
from virtool_api.storage.docstore.carry_over import carry_over
from virtool_api.storage.docstore.collection import Collection
from virtool_api.storage.docstore.engine import Engine
from virtool_api.storage.docstore.filters import unsupported
from virtool_api.storage.docstore.schema import Table
from virtool_api.storage.docstore.together import Together

T = TypeVar("T")


class _Done:
    """An awaitable that is already done: `close()` has finished by the time it is (or is not) awaited."""

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield


class Database:
    def __init__(self, client: DocumentClient, name: str):
        if not name or "." in name or '"' in name:
            raise ValueError(f"not a database name: {name!r}")
        self.client = client
        self.name = name

    def __repr__(self) -> str:
        return f"Database({self.name!r})"

    def __getattr__(self, name: str) -> Collection:
        if name.startswith("_"):
            raise AttributeError(name)
        return Collection(self, name)

    def __getitem__(self, name: str) -> Collection:
        return Collection(self, name)

    def get_collection(self, name: str) -> Collection:
        return Collection(self, name)

    async def list_collection_names(self) -> list[str]:
        prefix = f"{self.name}."
        tables = await self.client.engine.run(lambda connection, _table: schema.load(connection))
        return sorted(name.removeprefix(prefix) for name in tables if name.startswith(prefix))

    async def together(self, work: Callable[[Together], T], write: bool = False) -> T:
        """`work(together)` on a worker thread, in one transaction: several operations for one hop
        (`together.py`). Not PyMongo's: `storage/steps.py` runs the same steps on MongoDB."""
        engine = self.client.engine

        def run(connection: Any, tables: Callable[[str], Table]) -> tuple[T, list[Table]]:
            together = Together(engine, self.name, connection, tables, write)
            return work(together), together.stale

        result, stale = await engine.run(run, write=write)
        for table in stale:
            engine.analyze_soon(table)
        return result

    def together_here(self, work: Callable[[Together], T]) -> T:
        """`work(together)` in one read transaction on the calling thread, the event loop's: its `together`
        reads by key only, and raises `NotHere` (`together.py`) for anything else (`storage/steps.py` runs
        steps here until their first such operation)."""
        engine = self.client.engine
        return engine.run_here(
            lambda connection, tables: work(Together(engine, self.name, connection, tables, False, here=True))
        )

    async def command(self, command: str | dict[str, Any]) -> dict[str, Any]:
        """Only `ping`, as the readiness check uses it: one trivial read of the file."""
        name = command if isinstance(command, str) else next(iter(command), "")
        if name != "ping":
            raise unsupported(f"database command {name!r}")
        await self.client.engine.run(lambda connection, _table: connection.execute("SELECT 1").fetchone())
        return {"ok": 1.0}

    async def drop_collection(self, name: str) -> None:
        table = schema.table_name(self.name, name)
        prefix = schema.elements_name(table, "")

        def drop(connection: Any, _table: Any) -> None:
            for (elements,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?",
                (len(prefix), prefix),
            ).fetchall():
                connection.execute(f"DROP TABLE {schema.quote(elements)}")
            connection.execute(f"DROP TABLE IF EXISTS {schema.quote(table)}")
            connection.execute(f"DELETE FROM {schema.META_TABLE} WHERE table_name = ?", (table,))

        await self.client.engine.run(drop, write=True)


class DocumentClient:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.engine = Engine(self.path)

    def __repr__(self) -> str:
        return f"DocumentClient({str(self.path)!r})"

    def __getitem__(self, name: str) -> Database:
        return Database(self, name)

    def get_database(self, name: str) -> Database:
        return Database(self, name)

    async def list_database_names(self) -> list[str]:
        tables = await self.engine.run(lambda connection, _table: schema.load(connection))
        return sorted({name.split(".", 1)[0] for name in tables})

    async def drop_database(self, name_or_database: str | Database) -> None:
        database = self[name_or_database] if isinstance(name_or_database, str) else name_or_database
        for name in await database.list_collection_names():
            await database.drop_collection(name)

    def close(self) -> _Done:
        """Wait for running operations and close the file's connections."""
        self.engine.close()
        return _Done()

    async def aclose(self) -> None:
        self.engine.close()


def store_path(data_path: Path) -> Path:
    """Where a data directory keeps its documents."""
    return data_path / "db" / "documents.sqlite"


def open_data_directory(data_path: Path) -> DocumentClient:
    """The document store of a data directory, once anything the former embedded store (tinymongo) left in
    `{data}/db/` is carried over (see `carry_over.py`)."""
    path = store_path(data_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    carry_over(path.parent, path)
    return DocumentClient(path)
