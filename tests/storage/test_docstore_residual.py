"""The Python matcher SQLite calls (`docstore/residual.py`): what it raises comes out once the statement is
done, as itself (SQLite would only say that a function failed), unless the statement raised first."""

import sqlite3
from typing import Any

import pytest

from virtool_api.storage.docstore import residual
from virtool_api.storage.docstore.codec import encode_document


class Refusing:
    def matches(self, document: dict[str, Any]) -> bool:
        raise ValueError(f"cannot match {document['_id']}")


class Matching:
    def matches(self, document: dict[str, Any]) -> bool:
        return document["_id"] == "b"


@pytest.fixture
def connection() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    residual.register(connection)
    connection.execute("CREATE TABLE t (doc BLOB)")
    for name in ("a", "b"):
        connection.execute("INSERT INTO t VALUES (?)", (encode_document({"_id": name}),))
    return connection


def select(connection: sqlite3.Connection, node: Any) -> list[Any]:
    residuals = residual.Residuals()
    sql, params = residuals(node)
    with residual.matching(residuals):
        return connection.execute(f"SELECT rowid FROM t WHERE {sql}", params).fetchall()


def test_rows_the_matcher_keeps(connection: sqlite3.Connection) -> None:
    assert select(connection, Matching()) == [(2,)]


def test_what_the_matcher_raises_comes_out_as_itself_after_the_statement(
    connection: sqlite3.Connection,
) -> None:
    with pytest.raises(ValueError, match="cannot match"):
        select(connection, Refusing())
    assert select(connection, Matching()) == [(2,)]  # nothing left over for the next statement


def test_an_error_of_the_statement_itself_comes_first(connection: sqlite3.Connection) -> None:
    residuals = residual.Residuals()
    sql, params = residuals(Refusing())
    with pytest.raises(sqlite3.OperationalError), residual.matching(residuals):
        connection.execute(f"SELECT rowid FROM t WHERE {sql} AND nothing", params).fetchall()
    assert select(connection, Matching()) == [(2,)]
