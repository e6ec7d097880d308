"""Outside the surface the services use, our document store raises, or answers as MongoDB does; it never
answers something else. An answer is held to tinymongo's (the differential tests' oracle), or to MongoDB's
documented one where tinymongo departs from it.
"""

import copy
from typing import Any

import pytest

from tests.support.docstore_pair import LOUD, contents, perform

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`

SAMPLE = [
    {"_id": "a", "n": 1, "tags": [1, 2, 3]},
    {"_id": "b", "n": "x", "tags": [5]},
    {"_id": "c", "tags": []},
]

# Operators no embedded store of ours evaluates (JavaScript, aggregation expressions, text search) or that do
# not exist: answering them with anything but an error would be answering another question.
MUST_RAISE_FILTERS = [
    {"$where": "this.n == 1"},
    {"$expr": {"$eq": ["$n", 1]}},
    {"$text": {"$search": "a"}},
    {"n": {"$foo": 1}},
    {"$foo": [{"n": 1}]},
]
MUST_RAISE_UPDATES = [
    {"$foo": {"n": 1}},
    {"$bit": {"n": {"and": 1}}},
    # The query names no array, so MongoDB refuses: "The positional operator did not find the match needed".
    {"$set": {"tags.$": 1}},
]
# MongoDB operators beyond the surface the services use: our store may leave them out (raising), but if it
# answers, it answers as tinymongo (and MongoDB) does.
RAISE_OR_AGREE_FILTERS = [
    {"tags": {"$elemMatch": {"$gt": 1}}},
    {"n": {"$not": {"$gt": 1}}},
    {"$nor": [{"n": 1}]},
    {"tags": {"$size": 1}},
    {"n": {"$type": "string"}},
    {"n": {"$mod": [2, 1]}},
    {"tags.0": 1},
    {"tags.1": {"$gt": 1}},
]
RAISE_OR_AGREE_UPDATES = [
    {"$unset": {"n": ""}},
    {"$rename": {"n": "m"}},
    {"$addToSet": {"tags": 1}},
    {"$pop": {"tags": 1}},
    {"$min": {"n": 0}},
    {"$max": {"n": 9}},
    {"$push": {"tags": {"$each": [4, 5]}}},
    {"$inc": {"n": "a"}},
]
# tinymongo writes these to a field literally named "0" or "$[]" (replacing the array by a document); MongoDB
# sets array element 0, or every element: our store must do that or raise.
RAISE_OR_SET_TAGS = [({"$set": {"tags.0": 9}}, [9, 2, 3]), ({"$set": {"tags.$[]": 0}}, [0, 0, 0])]


@pytest.fixture
async def sampled(pair: tuple[Any, Any]) -> tuple[Any, Any]:
    for collection in pair:
        await collection.insert_many(copy.deepcopy(SAMPLE))
    return pair


@pytest.mark.parametrize("query", MUST_RAISE_FILTERS, ids=repr)
async def test_filters_outside_the_surface_raise(sampled: tuple[Any, Any], query: dict[str, Any]) -> None:
    _, subject = sampled
    with pytest.raises(LOUD):
        await subject.find(query).to_list(None)
    with pytest.raises(LOUD):
        await subject.count_documents(query)
    with pytest.raises(LOUD):
        await subject.delete_many(query)
    assert await subject.count_documents({}) == len(SAMPLE)


@pytest.mark.parametrize("update", MUST_RAISE_UPDATES, ids=repr)
async def test_updates_outside_the_surface_raise(sampled: tuple[Any, Any], update: dict[str, Any]) -> None:
    _, subject = sampled
    before = await contents(subject)
    with pytest.raises(LOUD):
        await subject.update_one({"_id": "a"}, update)
    with pytest.raises(LOUD):
        await subject.find_one_and_update({"_id": "a"}, update)
    assert await contents(subject) == before


@pytest.mark.parametrize("query", RAISE_OR_AGREE_FILTERS, ids=repr)
async def test_other_filters_raise_or_answer_as_mongodb(
    sampled: tuple[Any, Any], query: dict[str, Any]
) -> None:
    oracle, subject = sampled
    operation = ("find", query, None, [("_id", 1)], 0, 0)
    try:
        answered = await perform(subject, operation)
    except LOUD:
        return
    assert answered == await perform(oracle, operation)


@pytest.mark.parametrize("update", RAISE_OR_AGREE_UPDATES, ids=repr)
async def test_other_updates_raise_or_answer_as_mongodb(
    sampled: tuple[Any, Any], update: dict[str, Any]
) -> None:
    oracle, subject = sampled
    operation = ("update_one", {"_id": "a"}, update, False)
    before = await contents(subject)
    try:
        answered = await perform(subject, operation)
    except LOUD:
        assert await contents(subject) == before
        return
    assert answered == await perform(oracle, operation)
    assert await contents(subject) == await contents(oracle)


@pytest.mark.parametrize(("update", "tags"), RAISE_OR_SET_TAGS, ids=repr)
async def test_array_element_paths_raise_or_set_elements(
    sampled: tuple[Any, Any], update: dict[str, Any], tags: list[int]
) -> None:
    _, subject = sampled
    try:
        await subject.update_one({"_id": "a"}, update)
    except LOUD:
        assert (await subject.find_one({"_id": "a"}))["tags"] == [1, 2, 3]
        return
    assert (await subject.find_one({"_id": "a"}))["tags"] == tags
