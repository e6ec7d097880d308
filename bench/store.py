"""The embedded document store against bare SQLite, at 1k, 10k and 100k sample documents.

    .venv/bin/python bench/store.py [--quick] [--sizes 1000,10000,100000] [--no-tinymongo]

For each size, a fresh temporary directory holds two SQLite files with the same ~1 KB sample documents:

- ours: `virtool_api.storage.docstore.DocumentClient` with the project's indexes
  (`storage.mongo.create_indexes`);
- the floor: a plain `sqlite3` table (`rid INTEGER PRIMARY KEY, id TEXT UNIQUE`, the document as JSON text)
  with a column for each path the samples' indexes name and the same SQLite indexes over them as ours
  declares, the same pragmas (WAL, `synchronous=NORMAL`, the page cache and the memory map), queried
  directly with SQL written by hand; unindexed paths (the rights filter's) are read with `json_extract`.

Each operation is what a request does to the samples collection, timed one call at a time after a few untimed
ones, ours and the floor interleaved; the figure is the median:

- listing page: a non-administrator's rights filter, sorted `created_at` then `_id` descending, 25 documents
  (`GET /api/samples`), and the count of what that filter finds (the listing's `found_count`);
- single read: `find_one` by `_id` (`GET /api/samples/{id}`);
- insert: `insert_one` of a new sample, unique name checked (`POST /api/samples`);
- conditional update: `find_one_and_update` by `_id` and a state, returning the new document (a job's step).

It prints ms per operation for ours and the floor, their ratio, and each one's growth from the smallest size
to the largest (1.0 is flat). Tinymongo (the embedded store before ours) is timed at the smallest size only,
for context: it scans in Python and takes seconds per write past that.

To measure another checkout, run the script with `PYTHONPATH=/path/to/checkout`.
"""

import argparse
import asyncio
import functools
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.mongo import INDEXES, create_indexes

OWNER = "owner"
LISTING_FILTER = {
    "$or": [{"user.id": OWNER}, {"all_read": True}, {"all_write": True}, {"visibility": "public"}]
}
LISTING_SORT = [("created_at", -1), ("_id", -1)]
LISTING_CLAUSES = [
    ("user.id", "= ?"),
    ("all_read", "= 1"),
    ("all_write", "= 1"),
    ("visibility", "= 'public'"),
]
"""The rights filter's clauses as the floor's SQL tests them (see `Floor._sql`)."""
REPEATS = {
    "listing page": 30,
    "listing count": 5,
    "single read": 200,
    "insert": 100,
    "conditional update": 100,
}
START = datetime(2015, 1, 1, tzinfo=UTC)


def sample(number: int) -> dict[str, Any]:
    """A sample as `samples.documents.create_sample` makes it once its reads are in: about 1 KB of BSON.
    One in ten belongs to another user and is not shared, so the rights filter has something to skip."""
    created_at = START + timedelta(minutes=number)
    private = number % 10 == 0
    return {
        "_id": f"s{number:07d}",
        "name": f"Sample {number}",
        "host": "Vitis vinifera",
        "isolate": f"isolate {number % 97}",
        "locale": "Ontario",
        "notes": "Leaf tissue, collected in the north block; symptoms of leafroll." * 2,
        "labels": [number % 5, number % 7],
        "library_type": "normal",
        "subtractions": [f"subtraction {number % 3}"],
        "ready": True,
        "imported": False,
        "archived": False,
        "user": {"id": "stranger" if private else OWNER, "handle": "stranger" if private else OWNER},
        "group": None,
        "all_read": not private,
        "all_write": False,
        "group_read": True,
        "group_write": False,
        "hold": False,
        "is_legacy": False,
        "format": "fastq",
        "paired": number % 2 == 0,
        "quality": {
            "count": 1000 + number,
            "encoding": "Sanger / Illumina 1.9",
            "gc": 40.0,
            "length": [76, 151],
            "composition": [[29.0, 18.0, 22.0, 31.0]],
            "bases": [[31.0, 32.0, 33.0, 34.0, 35.0, 36.0]],
            "sequences": [0, 10, 990],
        },
        "job": {"id": f"job {number}"},
        "created_at": created_at,
        "updated_at": created_at,
        "status": "ready",
        "visibility": "private",
        "project": None,
        "tags": [],
        "metadata": {"collected_by": "field team", "plot": number % 40},
        "error_msg": None,
        "nuvs": False,
        "pathoscope": True,
    }


def declared_indexes() -> list[tuple[list[tuple[str, int]], bool]]:
    """The samples' indexes as `create_indexes` declares them (`INDEXES`), as `(keys, unique)`."""
    return [
        ([(keys, 1)] if isinstance(keys, str) else list(keys), unique)
        for collection, keys, unique in INDEXES
        if collection == "samples"
    ]


# ---- the floor


def _column(path: str) -> str:
    return "id" if path == "_id" else '"' + path + '"'


def _milliseconds(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _value(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list | dict):
        return _encode(
            value
        )  # an array's elements are not indexed one by one: no listing here filters on them
    return _milliseconds(value) if isinstance(value, datetime) else value


def _encode(document: Any) -> str:
    return json.dumps(document, default=_milliseconds, separators=(",", ":"))


class Floor:
    """The same documents in one plain SQLite table, each query written by hand."""

    def __init__(self, path: Path, indexes: list[tuple[list[tuple[str, int]], bool]]) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=NORMAL")
        self.connection.execute("PRAGMA cache_size=-8192")
        self.connection.execute("PRAGMA mmap_size=2147418112")
        self.paths = sorted({path for keys, _ in indexes for path, _ in keys if path != "_id"})
        self.listing_where = " OR ".join(f"{self._sql(path)} {test}" for path, test in LISTING_CLAUSES)
        columns = ", ".join(f"{_column(path)}" for path in self.paths)
        self.connection.execute(
            f"CREATE TABLE samples (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, {columns}, doc BLOB)"
        )
        for number, (keys, unique) in enumerate(indexes):
            terms = ", ".join(
                f"{_column(path)} {'DESC' if direction < 0 else 'ASC'}" for path, direction in keys
            )
            self.connection.execute(
                f"CREATE {'UNIQUE ' if unique else ''}INDEX index_{number} ON samples ({terms})"
            )
        placeholders = ", ".join("?" for _ in self.paths)
        columns = ", ".join(map(_column, self.paths))
        self._insert = f"INSERT INTO samples (id, {columns}, doc) VALUES (?, {placeholders}, ?)"

    def _sql(self, path: str) -> str:
        """A path's value in SQL: its column where an index covers it, else read from the JSON."""
        return _column(path) if path in self.paths else f"json_extract(doc, '$.{path}')"

    def _row(self, document: dict[str, Any]) -> tuple[Any, ...]:
        return (document["_id"], *(_value(document, path) for path in self.paths), _encode(document))

    def insert_many(self, documents: list[dict[str, Any]]) -> None:
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.executemany(self._insert, [self._row(document) for document in documents])
        self.connection.execute("COMMIT")

    def insert_one(self, document: dict[str, Any]) -> None:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            self.connection.execute(self._insert, self._row(document))
        except sqlite3.IntegrityError:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def listing_page(self) -> list[dict[str, Any]]:
        rows = self.connection.execute(
            f"SELECT doc FROM samples WHERE {self.listing_where} ORDER BY created_at DESC, id DESC LIMIT 25",
            (OWNER,),
        )
        return [json.loads(data) for (data,) in rows]

    def listing_count(self) -> int:
        return self.connection.execute(
            f"SELECT count(*) FROM samples WHERE {self.listing_where}", (OWNER,)
        ).fetchone()[0]

    def find_one(self, sample_id: str) -> dict[str, Any] | None:
        row = self.connection.execute("SELECT doc FROM samples WHERE id = ?", (sample_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def conditional_update(self, sample_id: str, notes: str) -> dict[str, Any] | None:
        """`{"_id": id, "archived": False}` -> `$set notes`: read, check, write, in one write transaction."""
        self.connection.execute("BEGIN IMMEDIATE")
        row = self.connection.execute("SELECT rid, doc FROM samples WHERE id = ?", (sample_id,)).fetchone()
        document = json.loads(row[1]) if row else None
        if document is None or document["archived"] is not False:
            self.connection.execute("COMMIT")
            return None
        document["notes"] = notes
        assignments = ", ".join(f"{_column(path)} = ?" for path in self.paths)
        values = [_value(document, path) for path in self.paths]
        self.connection.execute(
            f"UPDATE samples SET {assignments}, doc = ? WHERE rid = ?", (*values, _encode(document), row[0])
        )
        self.connection.execute("COMMIT")
        return document

    def close(self) -> None:
        self.connection.close()


# ---- the runs


async def timed(call: Callable[[], Any]) -> float:
    """Seconds one call takes, awaited if it is a coroutine."""
    start = time.perf_counter()
    result = call()
    if isinstance(result, Awaitable):
        await result
    return time.perf_counter() - start


async def close(client: Any) -> None:
    closing = client.close()
    if isinstance(closing, Awaitable):
        await closing


def store_operations(db: Any, size: int) -> dict[str, Callable[[int], Any]]:
    """Each operation's call for repetition `number`, on a store with PyMongo's async API."""
    samples = db.samples
    rng = random.Random(size)
    return {
        "listing page": lambda _: samples.find(LISTING_FILTER).sort(LISTING_SORT).limit(25).to_list(None),
        "listing count": lambda _: samples.count_documents(LISTING_FILTER),
        "single read": lambda _: samples.find_one({"_id": f"s{rng.randrange(size):07d}"}),
        "insert": lambda number: samples.insert_one(sample(size + number)),
        "conditional update": lambda number: samples.find_one_and_update(
            {"_id": f"s{rng.randrange(size):07d}", "archived": False},
            {"$set": {"notes": f"note {number}"}},
            return_document=True,
        ),
    }


def floor_operations(floor: Floor, size: int) -> dict[str, Callable[[int], Any]]:
    rng = random.Random(size)
    return {
        "listing page": lambda _: floor.listing_page(),
        "listing count": lambda _: floor.listing_count(),
        "single read": lambda _: floor.find_one(f"s{rng.randrange(size):07d}"),
        "insert": lambda number: floor.insert_one(sample(size + number)),
        "conditional update": lambda number: floor.conditional_update(
            f"s{rng.randrange(size):07d}", f"note {number}"
        ),
    }


async def fill(db: Any, size: int) -> None:
    for start in range(0, size, 1000):
        await db.samples.insert_many([sample(number) for number in range(start, min(start + 1000, size))])


async def measure(size: int, directory: Path) -> dict[str, tuple[float, float]]:
    """Median seconds per operation, ours and the floor, on `size` samples."""
    client = DocumentClient(str(directory / "ours.sqlite"))
    floor = Floor(directory / "floor.sqlite", declared_indexes())
    try:
        db = client["virtool"]
        await create_indexes(db)
        await fill(db, size)
        for start in range(0, size, 1000):
            floor.insert_many([sample(number) for number in range(start, min(start + 1000, size))])
        # SQLite's planner statistics, as ours keeps them: without them the rights filter's `$or` is answered
        # by merging the four clauses' indexes and sorting every match, not by walking the order's index.
        floor.connection.execute("ANALYZE")
        ours_page = await db.samples.find(LISTING_FILTER).sort(LISTING_SORT).limit(25).to_list(None)
        assert [document["_id"] for document in ours_page] == [
            document["_id"] for document in floor.listing_page()
        ]
        assert await db.samples.count_documents(LISTING_FILTER) == floor.listing_count()
        ours, bare = store_operations(db, size), floor_operations(floor, size)
        medians = {}
        for operation, repeats in REPEATS.items():
            for number in range(repeats, repeats + max(2, repeats // 10)):  # warm caches and threads, untimed
                await timed(functools.partial(ours[operation], number))
                await timed(functools.partial(bare[operation], number))
            ours_times, floor_times = [], []
            for number in range(repeats):
                ours_times.append(await timed(functools.partial(ours[operation], number)))
                floor_times.append(await timed(functools.partial(bare[operation], number)))
            medians[operation] = (statistics.median(ours_times), statistics.median(floor_times))
        return medians
    finally:
        floor.close()
        await close(client)


async def measure_tinymongo(size: int, directory: Path) -> dict[str, float]:
    """Median seconds per operation of tinymongo (the embedded store before ours), a few repetitions."""
    import tinymongo

    client = tinymongo.AsyncMongoClient(tinymongo_folder=str(directory / "tinymongo"), backend="sqlite")
    try:
        db = client["virtool"]
        await create_indexes(db)
        await fill(db, size)
        operations = store_operations(db, size)
        return {
            operation: statistics.median(
                [await timed(functools.partial(call, number)) for number in range(max(3, repeats // 20))]
            )
            for operation, call in operations.items()
            for repeats in [REPEATS[operation]]
        }
    finally:
        await close(client)


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.2f}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--quick", action="store_true", help="1k and 10k only")
    parser.add_argument("--no-tinymongo", action="store_true")
    options = parser.parse_args()
    sizes = [1000, 10000] if options.quick else [int(value) for value in options.sizes.split(",")]
    results: dict[int, dict[str, tuple[float, float]]] = {}
    tiny: dict[str, float] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="virtool-bench-store-") as name:
            results[size] = await measure(size, Path(name))
            if size == sizes[0] and not options.no_tinymongo:
                tiny = await measure_tinymongo(size, Path(name))
        print(f"measured {size:,} documents", flush=True)
    print()
    header = ["operation", "documents", "ours ms", "floor ms", "ours/floor", "tinymongo ms"]
    print(f"{header[0]:<20} {header[1]:>10} {header[2]:>9} {header[3]:>9} {header[4]:>10} {header[5]:>13}")
    for operation in REPEATS:
        for size in sizes:
            ours, floor = results[size][operation]
            tinymongo = tiny.get(operation) if size == sizes[0] else None
            ratio, tiny_ms = ours / floor, _ms(tinymongo)
            print(f"{operation:<20} {size:>10,} {_ms(ours):>9} {_ms(floor):>9} {ratio:>10.1f} {tiny_ms:>13}")
        first, last = results[sizes[0]][operation], results[sizes[-1]][operation]
        print(
            f"{'':<20} {'growth':>10} {'x' + format(last[0] / first[0], '.2f'):>9}"
            f" {'x' + format(last[1] / first[1], '.2f'):>9}   ({sizes[0]:,} -> {sizes[-1]:,})"
        )


if __name__ == "__main__":
    asyncio.run(main())
