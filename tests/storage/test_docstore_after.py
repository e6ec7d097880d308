"""The document after an update (`find_one_and_update(..., return_document=AFTER)`) is what the store holds:
the document updated in memory where every value the update wrote and the projection keeps comes back from
BSON as it is (`updates.stored_as_is`), otherwise decoded from the bytes stored. Either way the caller gets
what a read would give, and nothing it shares with the update it passed."""

from collections import OrderedDict
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bson import Int64, ObjectId
from pymongo import ReturnDocument

from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.docstore.updates import stored_as_is
from virtool_api.storage.steps import FindOneAndUpdate, run_steps

AFTER = ReturnDocument.AFTER


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[DocumentClient]:
    client = DocumentClient(tmp_path / "documents.sqlite")
    yield client
    client.close()


@pytest.mark.parametrize(
    ("value", "as_is"),
    [
        ("a", True),
        (1.5, True),
        (True, True),
        (None, True),
        (b"x", True),
        (ObjectId(), True),
        (Int64(3), True),
        (2**31 - 1, True),
        (-(2**31), True),
        (2**31, False),  # comes back an Int64
        (datetime(2026, 1, 2, 3, 4, 5, 6000), True),
        (datetime(2026, 1, 2, 3, 4, 5, 6001), False),  # to the millisecond
        (datetime(2026, 1, 2, tzinfo=UTC), False),  # naive
        ({"a": [1, {"b": "c"}]}, True),
        ({"a": [1, {"b": (1, 2)}]}, False),  # a list
        (OrderedDict(a=1), False),  # a dict
        ((1, 2), False),
    ],
)
def test_what_bson_gives_back_as_it_is(value: Any, as_is: bool) -> None:
    assert stored_as_is(value) is as_is


async def test_the_document_after_is_what_the_store_holds(client: DocumentClient) -> None:
    db = client["virtool"]
    created = datetime(2026, 1, 2, 3, 4, 5, 6000)
    await db.jobs.insert_one(
        {"_id": "j", "state": "waiting", "created_at": created, "n": 1, "extra": {"x": 1}}
    )
    moment = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    entry = {"state": "running", "at": moment, "steps": (1, 2)}
    update = {"$set": {"state": "running", "entry": entry}, "$inc": {"n": 2**40}}

    after = await db.jobs.find_one_and_update({"_id": "j"}, update, return_document=AFTER)
    stored = await db.jobs.find_one({"_id": "j"})
    assert after == stored
    assert after["entry"] == {
        "state": "running",
        "at": datetime(2026, 1, 2, 3, 4, 5, 123000),
        "steps": [1, 2],
    }
    assert type(after["n"]) is Int64

    # Leaving out what BSON changes: the rest as it is, not shared with the update passed.
    nested = {"deep": {"list": [1]}}
    update = {"$set": {"state": "done", "entry": entry, "nested": nested}, "$inc": {"n": 1}}
    after = await db.jobs.find_one_and_update({"_id": "j"}, update, {"entry": 0}, return_document=AFTER)
    assert after == await db.jobs.find_one({"_id": "j"}, {"entry": 0})
    assert type(after["created_at"]) is datetime and after["created_at"] == created
    after["nested"]["deep"]["list"].append(2)
    assert nested == {"deep": {"list": [1]}}
    assert (await db.jobs.find_one({"_id": "j"}))["nested"] == {"deep": {"list": [1]}}


async def test_steps_return_the_document_after_as_stored(client: DocumentClient) -> None:
    db = client["virtool"]
    await db.jobs.insert_one({"_id": "j", "state": "waiting", "count": 0})
    moment = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)

    def steps() -> Any:
        update = {"$set": {"state": "running", "latest": {"at": moment}}, "$inc": {"count": 1}}
        kept = yield FindOneAndUpdate("jobs", {"_id": "j"}, update, {"latest": 0}, return_document=AFTER)
        whole = yield FindOneAndUpdate("jobs", {"_id": "j"}, update, return_document=AFTER)
        return kept, whole

    kept, whole = await run_steps(db, steps(), write=True)
    assert kept == {"_id": "j", "state": "running", "count": 1}
    assert whole == {
        "_id": "j",
        "state": "running",
        "count": 2,
        "latest": {"at": datetime(2026, 1, 2, 3, 4, 5, 123000)},
    }
    assert whole == await db.jobs.find_one({"_id": "j"})
