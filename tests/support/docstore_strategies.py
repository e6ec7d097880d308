"""Hypothesis strategies for the document-store differential tests: documents, filters, updates, sorts.

Values come from small pools so that filters hit stored values often, and reach the edges that stores get
wrong: int/float/bool of equal value, 64-bit integers past a double's 53 bits, infinity, empty strings and
arrays, arrays of arrays, missing fields, datetimes. Every shape here is one MongoDB defines, and one
tinymongo (the oracle) answers as MongoDB does; each exclusion below names the tinymongo departure and
MongoDB's behaviour.

A strategy that `flatmap` chooses is built once for each choice and kept (`functools.cache`), not anew for
every example: Hypothesis validates each new strategy before drawing from it, which was over a third of the
CPU spent drawing. The choices, and so the examples, are the same (compared example by example).
"""

import functools
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st

# Exclusion: no NaN. MongoDB's NaN equals NaN in queries and sorts below every number, where Python's never
# equals; no code of ours stores one.
# Exclusion: integers stay 2**10 inside the signed 64-bit range and `$inc` steps are small, so no sequence of
# operations leaves it. MongoDB refuses a sum past it ("Failed to apply $inc operations to current value") and
# PyMongo refuses to encode an int past 8 bytes (OverflowError); tinymongo stores both silently.
INT_EDGE = 2**63 - 2**10
INTEGERS = st.sampled_from(
    [0, 1, 2, -1, 7, 2**31, 2**53, 2**53 + 1, 2**62, INT_EDGE, -INT_EDGE]
) | st.integers(-3, 3)
FLOATS = st.sampled_from([0.0, 0.5, 1.0, 2.0, -1.5, 2.0**53, 1e300, float("inf"), float("-inf")])
STRINGS = st.sampled_from(["", "a", "ab", "b", "A", "a.b", "a1", "é", "z"]) | st.text("abA.1é", max_size=3)
# BSON keeps milliseconds: both stores round a datetime to them, so the pool holds millisecond instants.
INSTANTS = [
    datetime(2020, 1, 1, tzinfo=UTC) + timedelta(milliseconds=step) for step in (0, 1, 999, 86_400_000)
]
DATETIMES = st.sampled_from(INSTANTS)

SCALARS = st.one_of(st.none(), st.booleans(), INTEGERS, FLOATS, STRINGS, DATETIMES)
ARRAYS = st.lists(SCALARS, max_size=3) | st.lists(st.lists(INTEGERS, max_size=2), min_size=1, max_size=2)
SUBDOCUMENTS = st.dictionaries(st.sampled_from("abc"), SCALARS | st.lists(SCALARS, max_size=2), max_size=3)
VALUES = st.one_of(SCALARS, ARRAYS, SUBDOCUMENTS)

# tinymongo's unique indexes take strings, numbers, booleans, null and flat arrays of those (its README:
# "Object values, ObjectId, datetime, nested arrays, non-finite numbers ... are not supported for unique
# indexes yet"), so fields under a unique index hold only those; and no arrays, which
# `test_unique_index_over_arrays` covers.
UNIQUE_SAFE = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.5, 1.0]), STRINGS)
STATES = st.sampled_from(["waiting", "running", "done"])
LABELS = st.sampled_from(["x", "y"]) | st.none()
ITEMS = st.lists(st.fixed_dictionaries({}, optional={"k": SCALARS, "w": INTEGERS}), max_size=3)

# `meta` is a document whenever present. Exclusion: tinymongo's `$set`/`$inc` through a dotted path whose
# parent is a scalar, null or array replaces that parent with a new document; MongoDB refuses ("Cannot create
# field 'a' in element {meta: 1}", PathNotViable). Updates reach only `meta.*`, so their parents are documents
# or missing.
DOCUMENT_FIELDS = {
    "state": STATES,
    "label": LABELS,
    "n": VALUES,
    "tags": ARRAYS | SCALARS,
    "meta": SUBDOCUMENTS,
    "items": ITEMS,
    "created_at": DATETIMES,
}


def _names(own: str) -> st.SearchStrategy[Any]:
    """Mostly a name of the document's own (every example has a unique index on `name`, and a missing name
    counts as null there: only one document may lack it); sometimes one that may collide; sometimes none."""
    kinds = [st.just({"name": own}), UNIQUE_SAFE.map(lambda name: {"name": name}), st.just({})]
    return st.sampled_from([0, 0, 0, 0, 1, 2]).flatmap(lambda kind: kinds[kind])


@functools.cache
def document(_id: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A document with `_id` (first, as MongoDB keeps it), each other field present or missing at random."""
    return st.tuples(_names(f"name {_id}"), st.fixed_dictionaries({}, optional=DOCUMENT_FIELDS)).map(
        lambda parts: {"_id": _id, **parts[0], **parts[1]}
    )


def documents(ids: list[Any]) -> st.SearchStrategy[list[dict[str, Any]]]:
    return _documents(tuple(ids))


@functools.cache
def _documents(ids: tuple[Any, ...]) -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.tuples(*(document(value) for value in ids)).map(list)


# Ids are strings, as the services make them, and a few integers (labels are numbered).
DOCUMENT_IDS: list[Any] = [*(f"d{number}" for number in range(6)), 6, 7]
NEW_IDS = st.sampled_from([*DOCUMENT_IDS, "d8", 9])
NEW_DOCUMENTS = NEW_IDS.flatmap(document)


# ---- indexes: the project's kinds (single, compound, unique); `name` is unique in every example, like sample
INDEX_CHOICES = [
    ("created_at", {}),
    ([("state", 1), ("created_at", 1)], {}),  # tinymongo refuses descending index keys
    ("meta.a", {}),
    ("tags", {}),
    ("items.k", {}),
    ([("state", 1), ("label", 1)], {"unique": True}),
]
INDEXES = st.lists(st.sampled_from(INDEX_CHOICES), max_size=3, unique_by=lambda choice: str(choice[0])).map(
    lambda chosen: [("name", {"unique": True}), *chosen]
)

# ---- filters
PATHS = [
    "_id",
    "name",
    "state",
    "label",
    "n",
    "tags",
    "meta",
    "meta.a",
    "meta.b",
    "items.k",
    "created_at",
    "absent",
]
REGEXES = st.sampled_from(["^a", "a", "b$", r"\.", "^A", "1", "^$", "é", "^[ab]+$"])
RANGE_OPERATORS = ["$lt", "$lte", "$gt", "$gte"]


def _range_conditions() -> st.SearchStrategy[dict[str, Any]]:
    """One or two of `$lt $lte $gt $gte` against scalars (MongoDB brackets them by type)."""
    return st.dictionaries(st.sampled_from(RANGE_OPERATORS), SCALARS, min_size=1, max_size=2)


def _regex_condition() -> st.SearchStrategy[dict[str, Any]]:
    plain = REGEXES.map(lambda pattern: {"$regex": pattern})
    folded = REGEXES.map(lambda pattern: {"$regex": pattern, "$options": "i"})
    return plain | folded


def conditions() -> st.SearchStrategy[Any]:
    """What a filter says about one path: a value to equal, or operators."""
    return st.one_of(
        VALUES,
        VALUES.map(lambda value: {"$eq": value}),
        VALUES.map(lambda value: {"$ne": value}),
        _range_conditions(),
        st.lists(VALUES, max_size=3).map(lambda values: {"$in": values}),
        st.lists(VALUES, max_size=3).map(lambda values: {"$nin": values}),
        st.booleans().map(lambda flag: {"$exists": flag}),
        _regex_condition(),
        st.lists(SCALARS, max_size=2).map(lambda values: {"$all": values}),
    )


FIELD_FILTERS = st.dictionaries(st.sampled_from(PATHS), conditions(), max_size=2)
ONE_CONDITION = st.dictionaries(st.sampled_from(PATHS), conditions(), max_size=1)


def _combine(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    groups = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        groups.map(lambda group: {"$or": group}),
        groups.map(lambda group: {"$and": group}),
        st.tuples(FIELD_FILTERS, groups).map(lambda pair: {**pair[0], "$or": pair[1]}),
    )


FILTERS = st.recursive(FIELD_FILTERS, _combine, max_leaves=4)

# ---- sorts, windows, projections
# A compound sort pairs a path that may hold an array with one that never does: MongoDB refuses to sort by two
# arrays of one document ("cannot sort with keys that are parallel arrays"), which
# `test_sort_by_parallel_arrays_raises` checks on its own.
ANY_SORT_PATHS = ["name", "n", "tags", "meta.a", "items.k"]
SCALAR_SORT_PATHS = ["state", "created_at"]
DIRECTIONS = st.sampled_from([1, -1])


@functools.cache
def _sort_pair(first: tuple[str, ...], second: tuple[str, ...]) -> st.SearchStrategy[list[tuple[str, int]]]:
    """A key from each group of paths, in that order."""
    return st.tuples(
        st.tuples(st.sampled_from(first), DIRECTIONS), st.tuples(st.sampled_from(second), DIRECTIONS)
    ).map(list)


SORT_KEYS = st.one_of(
    st.tuples(st.sampled_from(ANY_SORT_PATHS + SCALAR_SORT_PATHS), DIRECTIONS).map(lambda key: [key]),
    st.permutations([ANY_SORT_PATHS, SCALAR_SORT_PATHS]).flatmap(
        lambda groups: _sort_pair(tuple(groups[0]), tuple(groups[1]))
    ),
)
SORTS = st.tuples(SORT_KEYS, DIRECTIONS).map(lambda pair: [*pair[0], ("_id", pair[1])])
PROJECTION_PATHS = ["name", "state", "n", "tags", "meta", "meta.a", "items.k", "created_at"]
# Never a path and one inside it (`meta` with `meta.a`): MongoDB refuses that ("Path collision at meta.a"),
# which `test_projection_path_collision_raises` checks on its own.
PROJECTED = st.lists(
    st.sampled_from(PROJECTION_PATHS), min_size=1, max_size=2, unique_by=lambda path: path.split(".")[0]
)
PROJECTIONS = st.one_of(
    st.none(),
    PROJECTED.map(lambda paths: dict.fromkeys(paths, 1)),
    PROJECTED.map(lambda paths: dict.fromkeys(paths, 0)),
    st.sampled_from([{"_id": 0, "name": 1}, {"_id": 1, "state": 1}, {"_id": 0}]),
)

# ---- updates: `$set $push $pull $inc`, as the services use them. Fields under a unique index get values
# tinymongo can index (see UNIQUE_SAFE).
SET_TARGETS = {
    "n": VALUES,
    "state": STATES,
    "label": LABELS,
    "name": UNIQUE_SAFE,
    "tags": ARRAYS | SCALARS,
    "meta.a": VALUES,
    "meta.c": SCALARS,
    "fresh": VALUES,
}
INC_TARGETS = dict.fromkeys(["n", "meta.a", "counter"], st.sampled_from([1, -1, 2, 0.5]))
PUSH_TARGETS = dict.fromkeys(
    ["tags", "meta.b", "log"], SCALARS | st.fixed_dictionaries({"state": STATES, "at": DATETIMES})
)
PULL_TARGETS = dict.fromkeys(["tags", "meta.b", "log", "n"], SCALARS)
UPDATE_TARGETS = {"$set": SET_TARGETS, "$inc": INC_TARGETS, "$push": PUSH_TARGETS, "$pull": PULL_TARGETS}


@functools.cache
def _assignments(operator: str) -> st.SearchStrategy[dict[str, Any]]:
    targets = UPDATE_TARGETS[operator]
    paths = st.lists(st.sampled_from(sorted(targets)), min_size=1, max_size=2, unique=True)
    return paths.flatmap(lambda chosen: _assigning(operator, tuple(chosen)))


@functools.cache
def _assigning(operator: str, paths: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({path: UPDATE_TARGETS[operator][path] for path in paths})


@functools.cache
def _update(operators: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({operator: _assignments(operator) for operator in operators})


UPDATES = st.lists(st.sampled_from(sorted(UPDATE_TARGETS)), min_size=1, max_size=2, unique=True).flatmap(
    lambda operators: _update(tuple(operators))
)
