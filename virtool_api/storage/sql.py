"""The relational store: SQLAlchemy 2 async over PostgreSQL (asyncpg) or the embedded SQLite (aiosqlite)."""

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, Select, event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

from virtool_api.storage.sqlite_rows import SqliteRows
from virtool_api.storage.workers import Workers

NEVER_REUSE_IDS = {"sqlite_autoincrement": True}
"""Table options of every table with an integer id: SQLite's `AUTOINCREMENT` never gives out an id twice
(without it, deleting the newest row frees its id for the next insert); PostgreSQL sequences never do.
Tables are made by migrations: a new table passes `sqlite_autoincrement=True` to `op.create_table` as well
(`tests/storage/test_row_ids.py` checks every table of the migrated schema)."""


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True)}


SQLITE_FILE = "virtool.sqlite3"
"""The embedded SQL store's file in the data path."""


def sqlalchemy_url(postgres_url: str | None, data_path: Path) -> str:
    """`postgresql://...` becomes the asyncpg URL; no URL means SQLite under the data path."""
    if postgres_url:
        for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
            if postgres_url.startswith(prefix):
                return "postgresql+asyncpg://" + postgres_url[len(prefix) :]
        raise ValueError("the PostgreSQL URL must start with postgresql://")
    return f"sqlite+aiosqlite:///{data_path.resolve() / SQLITE_FILE}"


def _strict_json(value: object) -> str:
    """JSON columns hold JSON: NaN and Infinity are refused (ValueError) on every store alike, instead of
    PostgreSQL rejecting them and SQLite storing text that no JSON client can read back."""
    return json.dumps(value, allow_nan=False)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _set(connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, json_serializer=_strict_json)
        _sqlite_pragmas(engine.sync_engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, json_serializer=_strict_json)


class Records:
    """Reads of file records on the hot paths (showing a sample, an analysis, a subtraction): SQLAlchemy Core
    statements, all executed on one connection in one go, the rows returned as they are (no ORM objects).

    On SQLite (aiosqlite), every step of an async session is a hop to the connection's thread and back: two
    SELECTs through the ORM cost about ten. Here the statements run on a worker thread through SQLite's own
    driver, compiled once (`sqlite_rows.py`), in one hop; on PostgreSQL (asyncpg, already async) on one pooled
    connection. Writes keep using `ctx.sessions`; a read here sees every write committed before it (WAL).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite: SqliteRows | None = None
        self._threads: Workers | None = None
        if engine.dialect.name == "sqlite":
            assert engine.url.database is not None
            self._sqlite = SqliteRows(Path(engine.url.database), engine.dialect)
            self._threads = Workers(2, "records")
        self.hops = 0
        """Calls of `all` sent to a thread of their own (SQLite): reads that steps could not bring into a
        document-store hop (`tests/storage/test_round_trips.py`)."""

    @property
    def sqlite_statements(self) -> int:
        """Statements run by SQLite's driver so far (SQLAlchemy's events count the others): what requests
        cost (`tests/storage/test_round_trips.py`)."""
        return self._sqlite.statements if self._sqlite is not None else 0

    @property
    def reads_here(self) -> bool:
        """Whether `read_here` can read on the caller's thread (SQLite): a document store's worker thread
        then reads file records in the same hop as documents (`storage/steps.py`)."""
        return self._sqlite is not None

    async def all(self, *statements: Select[Any], **params: Any) -> list[Sequence[Any]]:
        """Each statement's rows, in order, with `params` bound to their `bindparam`s: on SQLite named tuples,
        on PostgreSQL SQLAlchemy's `Row`s (both read `row.name` and `row[0]`).

        Hot paths pass statements built once at import (`select(...).where(column == bindparam("id"))`):
        building a `select` costs more than running it (a sample's UNION ALL: ~1 ms of the event loop)."""
        if self._sqlite is None:
            async with self._engine.connect() as connection:
                return [(await connection.execute(statement, params)).all() for statement in statements]
        assert self._threads is not None
        self.hops += 1
        return await self._threads.run(self._sqlite.run, statements, params)

    def read_here(self, statements: Sequence[Select[Any]], params: dict[str, Any]) -> list[Sequence[Any]]:
        """What `all` reads, read on the calling thread, which must not be the event loop's (only where
        `reads_here`)."""
        assert self._sqlite is not None
        return self._sqlite.run(statements, params)

    def close(self) -> None:
        if self._threads is not None:
            self._threads.close()
        if self._sqlite is not None:
            self._sqlite.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
