"""The relational store: SQLAlchemy 2 async over PostgreSQL (asyncpg) or the embedded SQLite (aiosqlite)."""

import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import DateTime, event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

NEVER_REUSE_IDS = {"sqlite_autoincrement": True}
"""Table options of every table with an integer id: SQLite's `AUTOINCREMENT` never gives out an id twice
(without it, deleting the newest row frees its id for the next insert); PostgreSQL sequences never do.
Tables are made by migrations: a new table passes `sqlite_autoincrement=True` to `op.create_table` as well
(`tests/test_row_ids.py` checks every table of the migrated schema)."""


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


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, json_serializer=_strict_json)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, json_serializer=_strict_json)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)
