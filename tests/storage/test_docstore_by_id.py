"""A read by `_id` alone skips the planner's walk (`planner.by_id`) but asks SQLite what the walk would ask:
the same WHERE clause and parameters for every filter it takes, and it takes no other. Inside `together`
(what steps run), an equality on `_id` or on a path no row holds an array at (under unique indexes only)
skips compiling the filter too (`together.equality`) and answers what the planned read answers. A filter
pinning `_id` beside other conditions (`planner.one_by_id`) reads that one row and matches the rest in Python
(the differential tests hold its answers to MongoDB's)."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from virtool_api.storage.docstore import DocumentClient
from virtool_api.storage.docstore.codec import sort_key
from virtool_api.storage.docstore.filters import compile_filter
from virtool_api.storage.docstore.planner import by_id, exact, one_by_id
from virtool_api.storage.docstore.residual import Residuals
from virtool_api.storage.docstore.together import equality

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


@pytest.mark.parametrize(
    ("query", "taken"),
    [
        ({"_id": "a"}, ("_id", ["a"])),
        ({"hash": "h"}, ("hash", ["h"])),
        ({"_id": {"$in": ["a", "b"]}}, ("_id", ["a", "b"])),
        ({"_id": {"$in": []}}, ("_id", [])),
    ],
    ids=repr,
)
def test_an_equality_on_one_path_skips_compiling_the_filter(query: dict[str, Any], taken: Any) -> None:
    path, values = taken
    assert equality(query) == (path, [sort_key(value) for value in values])


@pytest.mark.parametrize(
    "query",
    [
        *TAKEN[1:4],
        {"_id": {"$eq": "a"}},
        {"_id": {"$in": ["a", 3]}},
        {"_id": {"$in": ["a"], "$nin": ["b"]}},
        {"hash": {"$in": ["a"]}},
        {"a.b": "x"},
        {"0": "x"},
        {"$where": "x"},
        {"name": "a", "x": "b"},
        None,
        {},
    ],
    ids=repr,
)
def test_any_other_filter_is_compiled(query: dict[str, Any] | None) -> None:
    assert equality(query) is None


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Any]:
    client = DocumentClient(tmp_path / "documents.sqlite")
    yield client["virtool"]
    await client.aclose()


async def test_an_equality_in_together_answers_what_the_planned_read_answers(db: Any) -> None:
    one = {"x": 1, "nested": {"a": 1, "b": [1, 2]}, "name": "one", "tags": ["t"], "hash": "h1"}
    one["blob"] = b"\x01"
    await db.things.insert_many(
        [
            {"_id": "a", **one},
            {"_id": "b", "name": "two", "tags": "t", "hash": "h2"},
            {"_id": 3, "name": "three", "tags": ["t", "u"]},
        ]
    )
    await db.things.create_index("name", unique=True)
    await db.things.create_index("hash", unique=True)
    await db.things.create_index("tags")
    reads = [
        ("things", {"_id": "a"}, None),
        ("things", {"_id": "a"}, {"x": 1}),
        ("things", {"_id": "a"}, {"nested.b": 1, "_id": 0}),
        ("things", {"_id": "a"}, {"x": 0}),
        ("things", {"_id": "a"}, {"name": 1}),  # one document: decoded, though the key columns could answer
        ("things", {"_id": {"$in": [f"x{n}" for n in range(9)]}}, {"name": 1}),  # nine: from the key columns
        ("things", {"_id": "b"}, {"name": 1}),
        ("things", {"_id": {"$in": ["b", "a", "b", "missing"]}}, None),
        ("things", {"_id": {"$in": []}}, None),
        ("things", {"hash": "h2"}, None),
        ("things", {"name": "one"}, {"x": 1}),
        ("things", {"tags": "t"}, None),  # arrays there: planned
        ("things", {"x": "1"}, None),  # not indexed: planned
        ("things", {"_id": "missing"}, None),
        ("nothing_here", {"_id": "a"}, None),
        ("nothing_here", {"hash": "h1"}, None),
        ("things", {"_id": {"$in": ["a", "b"]}}, {"hash": 1, "nested": 1}),  # top-level: arrays skipped
        ("things", {"_id": "a"}, {"name": 1, "tags": 1}),  # an array kept: decoded whole
        ("things", {"_id": "a"}, {"blob": 1, "_id": 0}),  # binary data kept (`bytes`, as a skipped array)
        ("things", {"_id": {"$in": ["b", "missing", "a"]}}, {"_id": 1}),  # from the key column
        ("things", {"hash": "h2"}, {"_id": 1}),
    ]

    ones: list[tuple[Any, Any]] = []  # `find_one`'s (a whole document by a string `_id`: its own statement)

    def read(together: Any) -> list[Any]:
        answers = []
        for name, query, projection in reads:
            ((path, value),) = query.items()
            planned = {path: value if isinstance(value, dict) else {"$eq": value}}
            for limit in (0, 1):
                answers.append(
                    (
                        together[name].find(query, projection, limit=limit),
                        together[name].find(planned, projection, limit=limit),
                    )
                )
            ones.append(
                (together[name].find_one(query, projection), together[name].find_one(planned, projection))
            )
        return answers

    answers = await db.together(read)

    assert all(fast == planned for fast, planned in answers), answers
    assert all(fast == planned for fast, planned in ones), ones
    assert [fast for fast, _ in ones[:1] + ones[13:15]] == [{"_id": "a", **one}, None, None]
    assert answers[0][0] == [{"_id": "a", **one}]
    assert answers[2 * 7][0] == [{"_id": "a", **one}, {"_id": "b", "name": "two", "tags": "t", "hash": "h2"}]
    assert answers[2 * 9][0][0]["_id"] == "b"
    assert [len(fast) for fast, _ in answers[2 * 11 : 2 * 12]] == [3, 1]


PINNED = [
    ({"_id": "a", "state": {"$nin": ["complete"]}}, {"_id": "a"}),
    ({"key": "h", "_id": 5, "labels": "x"}, {"_id": 5}),
    ({"_id": "a", "$or": [{"n": 1}, {"n": 2}]}, {"_id": "a"}),
]
NOT_PINNED = [
    {"_id": "a"},
    {"_id": {"$in": ["a", "b"]}, "state": "x"},
    {"_id": {"$ne": "a"}, "state": "x"},
    {"_id": ["a"], "state": "x"},
    {"$or": [{"_id": "a"}, {"_id": "b"}], "state": "x"},
]


@pytest.mark.parametrize(("query", "by"), PINNED, ids=repr)
def test_a_filter_pinning_the_id_beside_others_reads_the_row_of_that_id(
    query: dict[str, Any], by: Any
) -> None:
    assert one_by_id(compile_filter(query)) == by_id(compile_filter(by))


@pytest.mark.parametrize("query", NOT_PINNED, ids=repr)
def test_a_filter_not_pinning_one_id_beside_others_is_left_to_the_planner(query: dict[str, Any]) -> None:
    assert one_by_id(compile_filter(query)) is None


async def test_a_projection_used_again_or_changed_in_place_shapes_documents_as_compiled_anew(db: Any) -> None:
    """Compiled projections are kept by their fields (`together.projection_of`): the same fields read the
    same, a dict changed since reads as it is now, and what cannot compile still raises."""
    await db.things.insert_one({"_id": "a", "x": 1, "y": 2, "z": {"w": 3}})
    projection: dict[str, Any] = {"x": 1}

    def read(together: Any) -> list[Any]:
        first = together["things"].find_one({"_id": "a"}, projection)
        again = together["things"].find({"x": 1}, projection)
        projection["z.w"] = True
        changed = together["things"].find_one({"_id": "a"}, projection)
        excluded = together["things"].find_one({"_id": "a"}, {"x": 0, "z": 0})
        return [first, again, changed, excluded]

    assert await db.together(read) == [
        {"_id": "a", "x": 1},
        [{"_id": "a", "x": 1}],
        {"_id": "a", "x": 1, "z": {"w": 3}},
        {"_id": "a", "y": 2},
    ]
    with pytest.raises(NotImplementedError):
        await db.together(lambda together: together["things"].find_one({"_id": "a"}, {"x": {"$slice": 1}}))
