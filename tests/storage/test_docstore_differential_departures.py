"""MongoDB's documented behaviour where tinymongo, the differential tests' oracle, departs from it: our
document store against MongoDB's rule, alone (or beside tinymongo where both keep it: datetimes).
"""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pymongo.errors import OperationFailure

from tests.support.docstore_pair import LOUD, memory_backed_directory, open_subject

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`


@pytest.fixture
async def things() -> AsyncIterator[Any]:
    with memory_backed_directory() as name:
        subject = await open_subject(Path(name) / "docstore.sqlite")
        try:
            yield subject.db.things
        finally:
            await subject.close()


async def test_datetimes_come_back_naive_utc_in_milliseconds(pair: tuple[Any, Any]) -> None:
    """PyMongo (`tz_aware=False`, the project's setting) stores an instant in UTC milliseconds and gives it
    back naive; the services' `as_utc` relies on that."""
    written = datetime(2020, 1, 1, 14, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    for collection in pair:
        await collection.insert_one({"_id": "a", "at": written})
        stored = await collection.find_one({"at": written})
        assert stored is not None
        assert stored["at"] == datetime(2020, 1, 1, 12, 0, 0, 123000)
        assert stored["at"].tzinfo is None


async def test_count_documents_honours_limit_and_skip(things: Any) -> None:
    """PyMongo sends `skip` and `limit` as `$skip`/`$limit` stages ahead of the count (the services ask
    `count_documents(..., limit=1)` whether anything exists); tinymongo ignores both."""
    await things.insert_many([{"_id": str(number), "even": number % 2 == 0} for number in range(5)])
    assert await things.count_documents({}, limit=1) == 1
    assert await things.count_documents({}, skip=3) == 2
    assert await things.count_documents({}, skip=2, limit=2) == 2
    assert await things.count_documents({"even": True}, limit=5) == 3
    assert await things.count_documents({"even": True}, skip=3) == 0


async def test_updating_id_raises(things: Any) -> None:
    """MongoDB: "Performing an update on the path '_id' would modify the immutable field '_id'" (code 66);
    tinymongo ignores the change and reports success."""
    await things.insert_one({"_id": "a", "n": 1})
    with pytest.raises(OperationFailure):
        await things.update_one({"_id": "a"}, {"$set": {"_id": "b", "n": 2}})
    assert await things.find({}).to_list(None) == [{"_id": "a", "n": 1}]


@pytest.mark.parametrize(
    "update",
    [{"$set": {"n.k": 1}}, {"$set": {"none.k": 1}}, {"$set": {"tags.k": 1}}, {"$inc": {"n.k": 1}}],
    ids=repr,
)
async def test_paths_through_scalars_and_arrays_raise(things: Any, update: dict[str, Any]) -> None:
    """MongoDB: "Cannot create field 'k' in element {n: 1}" (PathNotViable, code 28), for a null or an array
    parent too; tinymongo replaces the parent with a new document. Ours may instead call paths across arrays
    unsupported (NotImplementedError): loud either way."""
    document = {"_id": "a", "n": 1, "none": None, "tags": [1, 2]}
    await things.insert_one(dict(document))
    with pytest.raises(LOUD):
        await things.update_one({"_id": "a"}, update)
    assert await things.find_one({"_id": "a"}) == document


async def test_integers_past_64_bits_are_refused(things: Any) -> None:
    """PyMongo refuses to encode them ("MongoDB can only handle up to 8-byte ints") and MongoDB refuses an
    `$inc` past them ("Failed to apply $inc operations to current value"); tinymongo stores both."""
    with pytest.raises((OverflowError, *LOUD)):
        await things.insert_one({"_id": "big", "n": 2**63})
    await things.insert_one({"_id": "a", "n": 2**63 - 1})
    with pytest.raises((OperationFailure, OverflowError)):  # MongoDB's WriteError, or PyMongo's encoder's
        await things.update_one({"_id": "a"}, {"$inc": {"n": 1}})
    assert await things.find({}).to_list(None) == [{"_id": "a", "n": 2**63 - 1}]
