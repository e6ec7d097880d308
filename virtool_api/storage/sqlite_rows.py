"""File-record reads on the embedded SQL store, run by SQLite's own driver (`Records` uses it on SQLite).

A SQLAlchemy Core statement executed through a SQLAlchemy connection costs about 50 µs of Python around the
query on this machine (a pooled connection checked out and reset, the compiled cache looked up, the
parameters and the result set up), SQLite itself under 10. Here each statement is compiled once by
SQLAlchemy's SQLite dialect, to its SQL text, the order of its parameters and each result column's
conversion (the dialect's own: text to `datetime`, integer to `bool`, JSON text decoded), and then run by
`sqlite3` on a connection the calling thread keeps: the same rows, each a named tuple with the statement's
column names (what code reads of SQLAlchemy's `Row`: `row.name`, `row[0]`).

Each statement reads as a statement of its own (autocommit, as SQLAlchemy's SQLite driver reads), so a read
sees every write committed before it (WAL).
"""

import sqlite3
import threading
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Dialect, Select

BUSY_TIMEOUT = 30.0
KEPT_STATEMENTS = 256
"""Statements kept compiled: hot paths pass statements built once at import; past this many, a statement is
compiled each time it runs (never a cache that grows without bound)."""
_COMPILED: dict[tuple[Select[Any], str, str], "_Compiled"] = {}
"""What each statement compiled to, for the process (by statement, dialect and driver): every engine of a
process on SQLite is made alike (`sql.create_engine`), so a store opened again (each test's, a second
context) compiles nothing it compiled before (about a millisecond of CPU a statement)."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    """The parameter each `?` takes, in order (a parameter used twice is named twice)."""
    binds: tuple[Callable[[Any], Any] | None, ...]
    make_row: Callable[..., Any]
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]
    """Each column the dialect converts (its position and conversion); the others are taken as they are."""


def _compile(statement: Select[Any], dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    columns = list(statement.selected_columns)
    binds = [compiled.binds[name].type.dialect_impl(dialect) for name in names]
    types = [column.type.dialect_impl(dialect) for column in columns]
    return _Compiled(
        sql=compiled.string,
        names=names,
        binds=tuple(bind.bind_processor(dialect) for bind in binds),
        make_row=namedtuple("Row", [column.key for column in columns]),  # type: ignore[misc]
        converted=tuple(
            (position, convert)
            for position, type_ in enumerate(types)
            if (convert := type_.result_processor(dialect, None)) is not None
        ),
    )


class SqliteRows:
    """Runs statements on `path` from any thread, each thread on a connection of its own."""

    def __init__(self, path: Path, dialect: Dialect) -> None:
        self._path = path
        self._dialect = dialect
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.statements = 0
        """Statements run so far (what requests cost: `tests/storage/test_round_trips.py`)."""

    def run(self, statements: Sequence[Select[Any]], params: dict[str, Any]) -> list[Sequence[Any]]:
        """Each statement's rows, in order, with `params` bound to their `bindparam`s (on any thread)."""
        with self._lock:
            self.statements += len(statements)
        connection = self._connection()
        return [self._rows(connection, statement, params) for statement in statements]

    def _rows(
        self, connection: sqlite3.Connection, statement: Select[Any], params: dict[str, Any]
    ) -> list[Any]:
        key = (statement, self._dialect.name, self._dialect.driver)
        compiled = _COMPILED.get(key)
        if compiled is None:
            compiled = _compile(statement, self._dialect)
            if len(_COMPILED) < KEPT_STATEMENTS:
                _COMPILED[key] = compiled
        values = [
            params[name] if bind is None else bind(params[name])
            for name, bind in zip(compiled.names, compiled.binds, strict=True)
        ]
        rows = connection.execute(compiled.sql, values).fetchall()
        make_row = compiled.make_row
        converted = compiled.converted
        if not converted:
            return [make_row(*row) for row in rows]
        result = []
        for row in rows:
            values = list(row)
            for position, convert in converted:
                values[position] = convert(values[position])
            result.append(make_row(*values))
        return result

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self._path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
