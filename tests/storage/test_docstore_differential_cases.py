"""Our document store answers as MongoDB does in cases stated once each: unique indexes refusing writes
(and over arrays), sorts by parallel arrays, projections whose paths collide.

Each case goes to our store (the subject) and to tinymongo (the oracle, tested by its author against MongoDB),
as the generated examples of `test_docstore_differential_generated.py` do.
"""

from typing import Any

import pytest
from pymongo.errors import OperationFailure

from tests.support.docstore_pair import LOUD, both, contents, perform, populate

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`


async def test_unique_index_violations_raise_and_store_nothing(pair: tuple[Any, Any]) -> None:
    oracle, subject = pair
    indexes = [("name", {"unique": True}), ([("state", 1), ("label", 1)], {"unique": True})]
    await populate(oracle, subject, indexes, [{"_id": "a", "name": "x", "state": "s", "label": "l"}])
    violations = [
        ("insert_one", {"_id": "b", "name": "x"}),
        ("insert_one", {"_id": "a", "name": "y"}),
        ("insert_one", {"_id": "c", "name": "z", "state": "s", "label": "l"}),
        ("insert_many", [{"_id": "d", "name": "d"}, {"_id": "e", "name": "x"}, {"_id": "f", "name": "f"}]),
        ("update_one", {"_id": "d"}, {"$set": {"name": "x"}}, False),
        ("find_one_and_update", {"_id": "d"}, {"$set": {"name": "x"}}, None, None, True, False),
        ("update_one", {"_id": "g"}, {"$set": {"name": "x"}}, True),
    ]
    for violation in violations:
        expected, answered = await both(oracle, subject, violation)
        assert answered == expected, violation
        assert answered[0] in ("duplicate key", "bulk write error"), violation
        assert await contents(subject) == await contents(oracle), violation
    assert [document["_id"] for document in await subject.find({}).sort("_id", 1).to_list(None)] == ["a", "d"]


async def test_sort_by_parallel_arrays_raises(pair: tuple[Any, Any]) -> None:
    """MongoDB: "cannot sort with keys that are parallel arrays" (BadValue); no order is defined for them."""
    for collection in pair:
        await collection.insert_one({"_id": "a", "n": [1, 2], "tags": [3, 4]})
        with pytest.raises(OperationFailure):
            await collection.find({}).sort([("n", 1), ("tags", 1), ("_id", 1)]).to_list(None)


@pytest.mark.parametrize("projection", [{"meta": 1, "meta.a": 1}, {"meta": 0, "meta.a": 0}], ids=repr)
async def test_projection_path_collision_raises(pair: tuple[Any, Any], projection: dict[str, int]) -> None:
    """MongoDB (since 4.4): "Path collision at meta.a" (OperationFailure), whether or not anything matches."""
    for collection in pair:
        await collection.insert_one({"_id": "a", "meta": {"a": 1, "b": 2}})
        for query in ({"_id": "a"}, {"_id": "missing"}):
            with pytest.raises(OperationFailure):
                await collection.find_one(query, projection)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (["a"], ["b"]),
        ("a", ["a", "b"]),
        (["a", "b"], "a"),
        (["a"], ["a"]),
        ([], []),
        (None, []),
    ],
    ids=repr,
)
async def test_unique_index_over_arrays(pair: tuple[Any, Any], first: Any, second: Any) -> None:
    """MongoDB indexes each element of an array (a multikey index), so a unique index refuses a second
    document sharing any element with another; ours may refuse arrays under a unique index instead, loudly."""
    oracle, subject = pair
    await populate(oracle, subject, [("name", {"unique": True})], [])
    for document in ({"_id": "a", "name": first}, {"_id": "b", "name": second}):
        expected = await perform(oracle, ("insert_one", document))
        before = await contents(subject)
        try:
            answered = await perform(subject, ("insert_one", document))
        except LOUD:
            assert await contents(subject) == before  # refused, and nothing stored: the stores part ways here
            return
        assert answered == expected, document
