"""The two document stores the differential tests compare, and how an answer is compared.

The oracle is tinymongo on SQLite (the embedded store before ours; its author tests it against MongoDB);
the subject is `virtool_api.storage.docstore.DocumentClient`. An operation is a plain tuple, run on a
collection of either store by `perform`, whose outcome is a comparable value: results, or the kind of error.
"""

import copy
import inspect
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tinymongo
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure, PyMongoError

from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.mongo import _is_id_collision


@dataclass
class Store:
    client: Any
    db: Any

    async def close(self) -> None:
        closing = self.client.close()
        if inspect.isawaitable(closing):
            await closing


async def open_oracle(directory: Path) -> Store:
    directory.mkdir(parents=True, exist_ok=True)
    client = tinymongo.AsyncMongoClient(tinymongo_folder=str(directory), backend="sqlite")
    return Store(client, client["virtool"])


async def open_subject(path: Path) -> Store:
    path.parent.mkdir(parents=True, exist_ok=True)
    client = DocumentClient(str(path))
    return Store(client, client["virtool"])


def memory_backed_directory() -> tempfile.TemporaryDirectory[str]:
    """In RAM where the machine has it: tinymongo fsyncs every write (`synchronous=FULL`), which would be most
    of the differential tests' time on a disk, and durability is not what these tests compare."""
    shm = Path("/dev/shm")
    return tempfile.TemporaryDirectory(prefix="docstores-", dir=shm if shm.is_dir() else None)


def canonical(value: Any) -> Any:
    """`value` with its BSON type made explicit, so that 1, 1.0 and True differ as they do in MongoDB.

    Fields compare by name, not by position: MongoDB (since 5.0) creates the new fields of one update in the
    lexicographic order of their paths, tinymongo in the order the update names them. Order still counts where
    it changes an answer, in the stores' own equality matching of embedded documents.
    Datetimes compare as instants; whether they come back naive is `test_datetimes_come_back_naive_utc`'s.
    """
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("double", value)
    if isinstance(value, str):
        return ("string", value)
    if value is None:
        return ("null",)
    if isinstance(value, datetime):
        return ("date", value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(value, list | tuple):
        return ("array", [canonical(item) for item in value])
    if isinstance(value, dict):
        return ("document", sorted((key, canonical(item)) for key, item in value.items()))
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")


def error_outcome(error: Exception) -> tuple[Any, ...]:
    """The kind of error as an application tells errors apart; anything else is a bug and propagates."""
    if isinstance(error, BulkWriteError):
        details = error.details
        failures = [(failure["index"], failure["code"]) for failure in details["writeErrors"]]
        return ("bulk write error", details["nInserted"], failures)
    if isinstance(error, DuplicateKeyError):
        # tinymongo, the oracle, names no index: it says `_id:<id> already exists` for an `_id` taken.
        on_id = _is_id_collision(error) or str(error).startswith("_id:")
        return ("duplicate key", "on _id" if on_id else "on another index")
    if isinstance(error, OperationFailure):
        return ("write error",)
    raise error


def _result_outcome(result: Any) -> Any:
    """Write results by their fields (the classes of the two stores differ)."""
    if hasattr(result, "matched_count"):
        return ("updated", result.matched_count, result.modified_count, canonical(result.upserted_id))
    if hasattr(result, "deleted_count"):
        return ("deleted", result.deleted_count)
    if hasattr(result, "inserted_ids"):
        return ("inserted", canonical(list(result.inserted_ids)))
    if hasattr(result, "inserted_id"):
        return ("inserted", canonical(result.inserted_id))
    return canonical(result)


async def _run(collection: Any, operation: tuple[Any, ...]) -> Any:
    kind, *arguments = operation
    if kind == "find":
        query, projection, sort, skip, limit = arguments
        cursor = collection.find(query, projection)
        if sort is None:
            # No order asked for: MongoDB promises none, so compare as sets (by _id; ids are unique).
            documents = await cursor.to_list(None)
            return sorted(documents, key=lambda document: repr(canonical(document.get("_id"))))
        return await cursor.sort(sort).skip(skip).limit(limit).to_list(None)
    if kind == "count_documents":
        return await collection.count_documents(*arguments)
    if kind == "find_one":
        return await collection.find_one(*arguments)
    if kind == "find_one_and_update":
        query, update, sort, projection, after, upsert = arguments
        return_document = ReturnDocument.AFTER if after else ReturnDocument.BEFORE
        return await collection.find_one_and_update(
            query, update, sort=sort, projection=projection, return_document=return_document, upsert=upsert
        )
    if kind == "find_one_and_delete":
        query, sort = arguments
        return await collection.find_one_and_delete(query, sort=sort)
    if kind in ("update_one", "update_many"):
        query, update, upsert = arguments
        return await getattr(collection, kind)(query, update, upsert=upsert)
    if kind in ("insert_one", "insert_many", "delete_one", "delete_many"):
        return await getattr(collection, kind)(*arguments)
    raise ValueError(f"unknown operation {kind}")


async def perform(collection: Any, operation: tuple[Any, ...]) -> Any:
    """The comparable outcome of `operation` on `collection`: its answer, or the kind of error it raised."""
    try:
        result = await _run(collection, operation)
    except Exception as error:
        return error_outcome(error)
    if operation[0] in ("find", "count_documents", "find_one", "find_one_and_update", "find_one_and_delete"):
        return canonical(result)
    return _result_outcome(result)


async def contents(collection: Any) -> Any:
    """Everything stored in `collection`, in `_id` order."""
    return canonical(await collection.find({}).sort("_id", 1).to_list(None))


async def both(oracle: Any, subject: Any, operation: tuple[Any, ...]) -> tuple[Any, Any]:
    """The outcome of `operation` on each store (each gets a copy: a store may add to what it inserts)."""
    return await perform(oracle, copy.deepcopy(operation)), await perform(subject, copy.deepcopy(operation))


async def populate(oracle: Any, subject: Any, indexes: list[Any], documents: list[dict[str, Any]]) -> None:
    """Declare the indexes, then insert one by one: a unique index must refuse the same documents in both."""
    for keys, options in indexes:
        await oracle.create_index(keys, **options)
        await subject.create_index(keys, **options)
    for document in documents:
        expected, answered = await both(oracle, subject, ("insert_one", document))
        assert answered == expected, f"inserting {document} after {documents} under {indexes}"
    assert await contents(subject) == await contents(oracle), f"{documents} under {indexes}"


LOUD = (PyMongoError, NotImplementedError, ValueError)
"""What a store may raise to refuse an operation out loud, rather than answer something else."""
