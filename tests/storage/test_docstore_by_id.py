"""A read by `_id` alone skips the planner's walk (`planner.by_id`) but asks SQLite what the walk would ask:
the same WHERE clause and parameters for every filter it takes, and it takes no other."""

from typing import Any

import pytest

from virtool_api.storage.docstore.filters import compile_filter
from virtool_api.storage.docstore.planner import by_id, exact
from virtool_api.storage.docstore.residual import Residuals

TAKEN = [
    {"_id": "s000001"},
    {"_id": 5},
    {"_id": 2.5},
    {"_id": None},
    {"_id": True},
    {"_id": {"$eq": "a"}},
    {"_id": {"$in": ["a", "b", 3]}},
    {"_id": {"$in": []}},
    {"_id": {"a": 1}},
]
LEFT = [
    {},
    {"name": "a"},
    {"_id": "a", "name": "a"},
    {"_id": ["a"]},
    {"_id": {"$in": [["a"]]}},
    {"_id": {"$ne": "a"}},
    {"_id": {"$nin": ["a"]}},
    {"_id": {"$gt": "a"}},
    {"_id": {"$gte": "a", "$lte": "b"}},
    {"_id": {"$exists": True}},
    {"_id": {"$regex": "^a"}},
    {"$or": [{"_id": "a"}, {"_id": "b"}]},
    {"$and": [{"_id": "a"}]},
]


def never(_column: str) -> Any:
    raise AssertionError("`_id` has no key column to probe")


@pytest.mark.parametrize("query", TAKEN, ids=repr)
def test_a_filter_on_the_id_alone_is_the_condition_the_planner_writes(query: dict[str, Any]) -> None:
    tree = compile_filter(query)
    residuals = Residuals()
    assert by_id(tree) == exact(tree, {}, never, residuals)
    assert residuals.nodes == []


@pytest.mark.parametrize("query", LEFT, ids=repr)
def test_any_other_filter_is_left_to_the_planner(query: dict[str, Any]) -> None:
    assert by_id(compile_filter(query)) is None
