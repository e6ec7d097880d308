"""A read by `_id` alone skips the planner's walk (`planner.by_id`) but asks SQLite what the walk would ask:
the same WHERE clause and parameters for every filter it takes, and it takes no other. Inside `together`
(what steps run), a read of one string `_id` skips compiling the filter too (`collection.id_key`) and
answers what the planned read answers."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.docstore.collection import id_key
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


@pytest.mark.parametrize("query", [*TAKEN[1:], *LEFT, None, {"_id": "a", "$or": [{"x": 1}]}], ids=repr)
def test_only_one_string_id_skips_compiling_the_filter(query: dict[str, Any] | None) -> None:
    assert id_key(query) is None


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Any]:
    client = DocumentClient(tmp_path / "documents.sqlite")
    yield client["virtool"]
    await client.aclose()


async def test_a_read_of_one_string_id_in_together_answers_what_the_planned_read_answers(db: Any) -> None:
    at = {"x": 1, "nested": {"a": 1, "b": [1, 2]}, "name": "one"}
    await db.things.insert_many(
        [{"_id": "a", **at}, {"_id": "b", "name": "two"}, {"_id": 3, "name": "three"}]
    )
    await db.things.create_index("name", unique=True)
    reads = [
        ("things", "a", None),
        ("things", "a", {"x": 1}),
        ("things", "a", {"nested.b": 1, "_id": 0}),
        ("things", "a", {"x": 0}),
        ("things", "a", {"name": 1}),  # covered by the index when planned
        ("things", "b", {"name": 1}),
        ("things", "missing", None),
        ("nothing_here", "a", None),
    ]

    def read(together: Any) -> list[Any]:
        fast = [together[name].find_one({"_id": value}, projection) for name, value, projection in reads]
        planned = [
            together[name].find_one({"_id": {"$eq": value}}, projection) for name, value, projection in reads
        ]
        return [fast, planned, together["things"].find({"_id": "a"}, limit=0)]

    fast, planned, found = await db.together(read)

    assert fast == planned
    assert fast[0] == {"_id": "a", **at}
    assert fast[2] == {"nested": {"b": [1, 2]}}
    assert fast[6:] == [None, None]
    assert found == [{"_id": "a", **at}]
