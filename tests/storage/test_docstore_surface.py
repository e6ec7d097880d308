"""What is outside the embedded document store's surface raises instead of answering differently from
MongoDB: filters and updates it does not implement, arrays under a unique index, and what MongoDB refuses
(parallel arrays in a sort, path collisions in a projection, malformed filters)."""

from typing import Any

import pytest
from pymongo.errors import OperationFailure


@pytest.mark.parametrize(
    "query",
    [
        {"$where": "this.a == 1"},
        {"$nor": [{"a": 1}]},
        {"a": {"$elemMatch": {"b": 1}}},
        {"a": {"$size": 1}},
        {"a": {"$not": {"$eq": 1}}},
        {"a.0": 1},
    ],
)
async def test_filters_outside_the_surface_raise(people: Any, query: dict[str, Any]) -> None:
    with pytest.raises(NotImplementedError):
        await people.find(query).to_list(None)


@pytest.mark.parametrize(
    "update",
    [
        {"$rename": {"a": "b"}},
        {"$min": {"a": 1}},
        {"$push": {"a": {"$each": [1], "$slice": 1}}},
        [{"$set": {}}],
    ],
)
async def test_updates_outside_the_surface_raise(people: Any, update: Any) -> None:
    with pytest.raises(NotImplementedError):
        await people.update_one({"_id": "ann"}, update)


async def test_an_array_under_a_unique_index_is_refused_loudly(db: Any) -> None:
    """MongoDB keys each element of an array in a unique index; one key column per document cannot, so the
    store refuses instead of answering differently."""
    await db.users.create_index("handle", unique=True)
    with pytest.raises(NotImplementedError):
        await db.users.insert_one({"_id": "a", "handle": ["a", "b"]})
    await db.users.insert_one({"_id": "a", "handle": "a"})
    with pytest.raises(NotImplementedError):
        await db.users.update_one({"_id": "a"}, {"$set": {"handle": ["a"]}})
    await db.tags.insert_one({"_id": "t", "name": ["x"]})
    with pytest.raises(NotImplementedError):
        await db.tags.create_index("name", unique=True)


async def test_sorting_by_two_array_paths_is_refused_as_mongodb_refuses_it(people: Any) -> None:
    with pytest.raises(OperationFailure, match="parallel arrays"):
        await people.find({}).sort([("groups", 1), ("pets.kind", 1)]).to_list(None)


async def test_a_projection_of_a_path_and_one_inside_it_is_refused(people: Any) -> None:
    for projection in ({"address": 1, "address.city": 1}, {"address": 0, "address.city": 0}):
        with pytest.raises(OperationFailure, match="Path collision"):
            await people.find({}, projection).to_list(None)


async def test_malformed_filters_raise_like_mongodb(people: Any) -> None:
    with pytest.raises(OperationFailure):
        await people.find({"$or": []}).to_list(None)
    with pytest.raises(OperationFailure):
        await people.find({"a": {"$options": "i"}}).to_list(None)
