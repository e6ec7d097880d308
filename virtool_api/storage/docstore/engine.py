"""One SQLite file, used from a few worker threads, and from the event loop's thread for reads by key.

Each thread has its own connection. A read by key (`run_here`: a document by its `_id`, a key by its hash, a
sample's labels and job; at most `HERE_KEYS` keys) runs on the calling thread, the event loop's: it costs
SQLite a few microseconds, less than a hop to a worker and back, and under load each hop and each statement
on a worker also costs context switches, as the threads take the interpreter's lock in turn (see
bench/README.md). Everything else (a count, a page, a search, every write) runs on a worker, so the event
loop never waits for a scan or for the write lock.

Every operation is one transaction: reads `BEGIN` (one snapshot for the query and its probes), writes `BEGIN
IMMEDIATE` (the file's write lock, taken before reading, so a conditional update or a unique check in one
process cannot interleave with a write of another process). WAL mode lets readers go on while a writer
writes (a read never waits for the lock); a writer waits up to `BUSY_TIMEOUT` seconds for it.
"""

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pymongo.errors import InvalidOperation

from virtool_api.storage.docstore import residual, schema
from virtool_api.storage.docstore.schema import Table
from virtool_api.storage.workers import Workers

T = TypeVar("T")
logger = logging.getLogger(__name__)

BUSY_TIMEOUT = 60.0
WORKERS = 4
CACHE_KIB = 8 * 1024
"""SQLite's page cache per connection."""
MMAP_BYTES = 0x7FFF0000
"""How much of the file SQLite reads through a memory map (its largest by default, 2 GiB): pages are read in
place from the operating system's cache, shared by every connection and process, instead of copied into each
connection's own page cache. A count reads a whole index (7 MB at 100k samples): two counts over two indexes
no longer evict each other from an 8 MB cache, and four worker connections no longer each warm their own
(a member's samples by label at 100k: the page's counts 26.9 -> 16.0 ms of CPU). The file never shrinks
under the map: nothing here vacuums it, and WAL checkpoints only grow it."""
ANALYZE_MIN_ROWS = 100
HERE_KEYS = 64
"""A read by key runs on the caller's thread (`run_here`) for at most this many keys: its cost is bounded by
them (a document each, found by its key), where the event loop must not wait long."""

Work = Callable[[sqlite3.Connection, Callable[[str], Table]], T]


class Engine:
    def __init__(self, path: Path, workers: int = WORKERS):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._workers = Workers(workers, "docstore")
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        """Held by this process's writer, so its other threads queue here rather than in SQLite's busy
        handler (which sleeps 1, 2, 5, 10 ms... between tries, leaving the lock idle meanwhile)."""
        self._version: int | None = None
        self._tables: dict[str, Table] = {}
        self._closed = False
        self._analyzed: dict[str, int] = {}
        self._statistics = 0
        """Bumped when this process changed SQLite's statistics: each connection then reloads them."""
        self.round_trips = 0
        """Transactions run so far (what requests cost): on a worker thread (`hops`) or on the caller's
        (`run_here`)."""
        self.hops = 0
        """Transactions run on a worker thread, each one hop there and back."""
        setup = self._open()
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("BEGIN IMMEDIATE")
        schema.ensure_meta(setup)
        for table in schema.upgrade(setup):
            analyze_if_large(setup, table)
        setup.execute("COMMIT")

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        connection.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
        residual.register(connection)
        with self._lock:
            self._connections.append(connection)
        return connection

    def _here(self) -> "_Thread":
        """The calling thread's connection (one look-up of the thread's own: 2k instructions each)."""
        here = getattr(self._local, "here", None)
        if here is None:
            here = self._local.here = _Thread(self._open())
        return here

    def _table_lookup(self, here: "_Thread") -> Callable[[str], Table]:
        """The collection tables as of this transaction (reloaded when the file's schema changed)."""
        connection = here.connection
        version = here.cursor.execute("PRAGMA schema_version").fetchone()[0]
        with self._lock:
            if version != self._version:
                self._tables = schema.load(connection)
                self._version = version
            tables = self._tables
        return lambda name: tables.get(name) or Table(name)

    def _transaction(self, work: Work[T], write: bool) -> T:
        if write:
            with self._writing:
                return self._transaction_now(work, write)
        return self._transaction_now(work, write)

    def _transaction_now(self, work: Work[T], write: bool) -> T:
        here = self._here()
        connection, cursor = here.connection, here.cursor
        if here.statistics != self._statistics:
            here.statistics = self._statistics
            cursor.execute("ANALYZE sqlite_schema")  # reload what another connection of ours wrote
        cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            result = work(connection, self._table_lookup(here))
        except BaseException:
            cursor.execute("ROLLBACK")
            with self._lock:
                self._version = None  # the cache may hold a table or index this transaction made
            raise
        cursor.execute("COMMIT")
        return result

    def statistics_stale(self, connection: sqlite3.Connection, table: Table) -> bool:
        """Whether the table has doubled since SQLite's planner statistics were taken (read in the caller's
        transaction). Without statistics SQLite may answer an `$or` with a sort and a limit by sorting every
        match instead of walking the sort's index: 325 ms against 1.6 ms at 100k samples."""
        if not table.indexes:
            return False
        rows = connection.execute(f"SELECT max(rid) FROM {table.sql}").fetchone()[0] or 0
        analyzed = self._analyzed.get(table.name)
        if analyzed is None:
            analyzed = self._analyzed[table.name] = _analyzed_rows(connection, table)
        return rows >= ANALYZE_MIN_ROWS and rows >= 2 * analyzed

    def analyze_soon(self, table: Table) -> None:
        """`ANALYZE` the table in a transaction of its own, after the write that found the statistics stale
        has returned (it scans every index: 70 ms at 100k samples, once each time the table doubles)."""
        if self._closed:
            return
        self._analyzed[table.name] = 2**62  # until it has run: one at a time

        def analyze(connection: sqlite3.Connection, _table: Callable[[str], Table]) -> None:
            schema.analyze(connection, table)
            self._analyzed[table.name] = _analyzed_rows(connection, table)

        def run() -> None:
            try:
                self._transaction(analyze, write=True)
                self.statistics_changed()
            except Exception:
                self._analyzed.pop(table.name, None)
                logger.exception("could not refresh the statistics of %s", table.name)

        self._workers.submit(run)

    def statistics_changed(self) -> None:
        """Have every connection reload SQLite's statistics before its next transaction."""
        self._statistics += 1

    async def run(self, work: Work[T], write: bool = False) -> T:
        """Run `work(connection, table)` in one transaction on a worker thread."""
        if self._closed:
            raise InvalidOperation("Cannot use the document store after it was closed")
        self.round_trips += 1
        self.hops += 1
        return await self._workers.run(self._transaction, work, write)

    def run_here(self, work: Work[T]) -> T:
        """Run `work(connection, table)` in one read transaction on the calling thread: only for reads by key
        (see the module's docstring)."""
        if self._closed:
            raise InvalidOperation("Cannot use the document store after it was closed")
        self.round_trips += 1
        return self._transaction(work, write=False)

    def known_table(self, name: str) -> Table | None:
        """The table as last loaded, outside any transaction: enough to guess whether a read is by key
        (`storage/steps.py`); the transaction's own look-up decides."""
        return self._tables.get(name)

    def close(self) -> None:
        """Wait for running operations, then close every connection."""
        if self._closed:
            return
        self._closed = True
        self._workers.close()
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()


class _Thread:
    """A worker thread's connection, and the cursor its transactions' own statements run on (`BEGIN`, the
    schema's version, `COMMIT`): a cursor kept rather than one made by each `connection.execute`, 1.3k
    instructions a statement."""

    __slots__ = ("connection", "cursor", "statistics")

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.cursor = connection.cursor()
        self.statistics = 0
        """The engine's `_statistics` this connection last loaded."""


def analyze_if_large(connection: sqlite3.Connection, table: Table) -> bool:
    """SQLite's planner statistics for a table whose indexes changed, unless it is too small to need them;
    whether they were taken."""
    if connection.execute(f"SELECT count(*) FROM {table.sql}").fetchone()[0] < ANALYZE_MIN_ROWS:
        return False
    schema.analyze(connection, table)
    return True


def _analyzed_rows(connection: sqlite3.Connection, table: Table) -> int:
    """The row count the table's statistics were taken at (0 when never)."""
    try:
        found = connection.execute(
            "SELECT stat FROM sqlite_stat1 WHERE tbl = ? LIMIT 1", (table.name,)
        ).fetchone()
    except sqlite3.OperationalError:  # no sqlite_stat1 before the first ANALYZE
        return 0
    return int(found[0].split()[0]) if found else 0
