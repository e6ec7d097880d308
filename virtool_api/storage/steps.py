"""A few document-store operations that belong together, in one hop where the store allows it.

A service writes them as a generator that yields each operation (`FindOne`, `Find`, `Count`,
`FindOneAndUpdate`, `InsertOne`) and is sent its result (an error it is thrown), so what comes next may depend
on what came before; what the generator returns is the answer:

    def user_steps(key_hash):
        key = yield FindOne("keys", {"hash": key_hash})
        return None if key is None else (yield FindOne("users", {"_id": key["user"]["id"]}))

    user = await run_steps(ctx.db, user_steps(key_hash))

On our embedded store (`docstore/together.py`) the steps run in one transaction on one hop to a worker
thread: one round trip instead of one each. Steps that read by key (a key by its hash, a sample by its id,
its labels and job; `Engine.run_here`) run on the event loop's thread instead, with no hop, until their first
operation that is not such a read: that one and the rest go on in a worker's transaction (a listing's page
after the caller's key and user). On MongoDB each step is the same single operation, awaited one
after the other, as it would be without this. Each operation means the same on both, so the steps do too;
only their atomicity differs (the embedded store's are atomic together, MongoDB's one by one), and no step may
rely on that. `write=True` for steps that write (on the embedded store their transaction takes the write lock
first).

A step may also read file records: `rows = yield Rows.of(FILES, sample_id=...)` is `ctx.records.all(FILES,
sample_id=...)` (pass `records=ctx.records`). Where file records are on SQLite too, the worker thread reads
them in the same hop (a sample, its labels, subtractions, job and files: one hop instead of two); on
PostgreSQL the steps pause there for the awaited read and go on in a new hop.
"""

import functools
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, TypeVar

from pymongo import ReturnDocument
from sqlalchemy import Select

from virtool_api.storage.docstore import Database as EmbeddedDatabase
from virtool_api.storage.docstore.by_key import key_column
from virtool_api.storage.docstore.engine import HERE_KEYS
from virtool_api.storage.docstore.schema import table_name
from virtool_api.storage.docstore.together import NotHere, Together, equality
from virtool_api.storage.sql import Records

T = TypeVar("T")

# The operations are slotted dataclasses, not frozen ones: a frozen one's `__init__` sets each field through
# `object.__setattr__`, and a `Find` cost 10k instructions to make (2k now), a `GET` of a sample six of them.


@dataclass(slots=True)
class FindOne:
    collection: str
    filter: dict[str, Any]
    projection: Any = None


@dataclass(slots=True)
class Find:
    """All matches, as a list (`limit` 0: no limit), the first `skip` left out."""

    collection: str
    filter: dict[str, Any]
    projection: Any = None
    sort: Any = None
    limit: int = 0
    skip: int = 0


@dataclass(slots=True)
class Count:
    """How many documents match (`count_documents`)."""

    collection: str
    filter: dict[str, Any]


@dataclass(slots=True)
class FindOneAndUpdate:
    collection: str
    filter: dict[str, Any]
    update: dict[str, Any]
    projection: Any = None
    return_document: bool = ReturnDocument.BEFORE


@dataclass(slots=True)
class InsertOne:
    collection: str
    document: dict[str, Any]


@dataclass(slots=True)
class Rows:
    """File records: each statement's rows (`Records.all`), a list of lists."""

    statements: tuple[Select[Any], ...]
    params: dict[str, Any]

    @classmethod
    def of(cls, *statements: Select[Any], **params: Any) -> "Rows":
        return cls(statements, params)


Operation = FindOne | Find | Count | FindOneAndUpdate | InsertOne | Rows
Steps = Generator[Operation, Any, T]


@dataclass(slots=True)
class _Paused:
    """Steps stopped at what their transaction's thread does not run: on a worker, what only the event loop
    can run (`Rows` on PostgreSQL); on the event loop's thread, anything but a read by key."""

    operation: Operation


async def run_steps(db: Any, steps: Steps[T], write: bool = False, records: Records | None = None) -> T:
    """Run `steps` to their answer: on the embedded store in one transaction, or two when they start with
    reads by key (those on the event loop's thread, the rest from the first other operation on a worker's);
    on MongoDB one operation at a time. `records` reads their `Rows`. Steps that end before their first
    operation cost no round trip."""
    try:
        operation = next(steps)
    except StopIteration as stop:
        return stop.value
    sqlite_records = records if records is not None and records.reads_here else None
    embedded = isinstance(db, EmbeddedDatabase)
    if embedded and not write and _by_key(db, operation, sqlite_records):
        outcome = db.together_here(functools.partial(_run_together, steps, operation, sqlite_records))
        if not isinstance(outcome, _Paused):
            return outcome
        operation = outcome.operation
    while True:
        if embedded and (sqlite_records is not None or not isinstance(operation, Rows)):
            outcome = await db.together(
                functools.partial(_run_together, steps, operation, sqlite_records), write
            )
            if not isinstance(outcome, _Paused):
                return outcome
            operation = outcome.operation
        try:
            result = await _run_awaited(db, records, operation)
        except Exception as error:
            step = functools.partial(steps.throw, error)
        else:
            step = functools.partial(steps.send, result)
        try:
            operation = step()
        except StopIteration as stop:
            return stop.value


def _by_key(db: EmbeddedDatabase, operation: Operation, records: Records | None) -> bool:
    """Whether steps starting with `operation` start on the event loop's thread: a find of at most
    `HERE_KEYS` documents by `_id` or by a key no row holds an array at (as the tables were last loaded; the
    transaction's own tables decide, `Together(..., here=True)`), or file records read on SQLite."""
    if type(operation) is Rows:
        return records is not None
    if type(operation) is Find and (operation.sort is not None or operation.skip):
        return False
    if type(operation) is not FindOne and type(operation) is not Find:
        return False
    found = equality(operation.filter)
    if found is None or len(found[1]) > HERE_KEYS:
        return False
    if found[0] == "_id":
        return True
    table = db.client.engine.known_table(table_name(db.name, operation.collection))
    return table is not None and key_column(table, found[0]) is not None


def _run_together(
    steps: Steps[T], first: Operation, records: Records | None, together: Together
) -> T | _Paused:
    operation = first
    while True:
        if isinstance(operation, Rows) and records is None:
            return _Paused(operation)
        error: Exception | None = None
        try:
            result = _run_one(together, records, operation)
        except NotHere:  # on the event loop's thread: this and what follows go on in a worker's transaction
            return _Paused(operation)
        except Exception as caught:
            error = caught
        try:  # outside the handler: what the steps raise is not chained to what they were thrown
            operation = steps.send(result) if error is None else steps.throw(error)
        except StopIteration as stop:
            return stop.value


def _run_one(together: Together, records: Records | None, operation: Operation) -> Any:
    """One operation in the steps' transaction; the reads are asked of `together` itself (no collection
    object a read)."""
    if type(operation) is FindOne:
        return together.find_one(operation.collection, operation.filter, operation.projection)
    if type(operation) is Find:
        return together.find(
            operation.collection,
            operation.filter,
            operation.projection,
            sort=operation.sort,
            skip=operation.skip,
            limit=operation.limit,
        )
    if type(operation) is InsertOne:
        return together.insert_one(operation.collection, operation.document)
    if isinstance(operation, Rows):
        assert records is not None
        return records.read_here(operation.statements, operation.params)
    collection = together[operation.collection]
    match operation:
        case Count(_, filter):
            return collection.count_documents(filter)
        case FindOneAndUpdate(_, filter, update, projection, return_document):
            return collection.find_one_and_update(filter, update, projection, return_document=return_document)


async def _run_awaited(db: Any, records: Records | None, operation: Operation) -> Any:
    if isinstance(operation, Rows):
        if records is None:
            raise TypeError("steps that read file records (Rows) need run_steps(..., records=ctx.records)")
        return await records.all(*operation.statements, **operation.params)
    collection = getattr(db, operation.collection)
    match operation:
        case FindOne(_, filter, projection):
            return await collection.find_one(filter, projection)
        case Find(_, filter, projection, sort, limit, skip):
            cursor = collection.find(filter, projection)
            if sort is not None:
                cursor = cursor.sort(sort)
            return await cursor.skip(skip).limit(limit).to_list(None)
        case Count(_, filter):
            return await collection.count_documents(filter)
        case FindOneAndUpdate(_, filter, update, projection, return_document):
            return await collection.find_one_and_update(
                filter, update, projection, return_document=return_document
            )
        case InsertOne(_, document):
            return await collection.insert_one(document)
