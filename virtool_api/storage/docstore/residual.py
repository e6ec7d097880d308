"""The Python matcher, called from SQLite for what the key columns cannot decide (`planner.exact`).

Each connection has the SQL function `docstore_match(node, doc)`. A statement names the filter nodes it needs
by their number in the list this thread registered for it (`Residuals`); an exception the matcher raises (a
positional path, say) is kept and raised again once SQLite returns, as SQLite would turn it into an
`OperationalError` saying only that a function failed.
"""

import sqlite3
import threading
from typing import Any

from virtool_api.storage.docstore.codec import decode_document
from virtool_api.storage.docstore.filters import Node

FUNCTION = "docstore_match"

_current = threading.local()


def _match(number: int, data: bytes) -> int:
    try:
        return int(_current.nodes[number].matches(decode_document(data)))
    except Exception as error:
        _current.error = error
        return 0


def register(connection: sqlite3.Connection) -> None:
    connection.create_function(FUNCTION, 2, _match, deterministic=True)


class Residuals:
    """The nodes one statement asks the matcher about."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def __call__(self, node: Node) -> tuple[str, list[Any]]:
        self.nodes.append(node)
        return f"{FUNCTION}(?, doc)", [len(self.nodes) - 1]


class matching:
    """Run statements (fetching all their rows inside) with `residuals` registered for this thread; what the
    matcher raised is raised once they are done, unless the statements raised first. (A class: every query
    enters one, and a generator-based context manager costs several times as much.)"""

    def __init__(self, residuals: Residuals) -> None:
        self._nodes = residuals.nodes

    def __enter__(self) -> None:
        _current.nodes, _current.error = self._nodes, None

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        error, _current.nodes, _current.error = _current.error, [], None
        if kind is None and error is not None:
            raise error
