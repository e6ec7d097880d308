"""Our document store answers as MongoDB does.

Real MongoDB cannot run here, so generated documents, indexes and operations go to our store (the subject)
and to tinymongo (the oracle, tested by its author against MongoDB), and every answer and every stored
document must be the same. Where tinymongo departs from MongoDB, the generators leave the case out (see
`docstore_strategies`) and a test below checks our store against MongoDB's documented behaviour directly.

Hypothesis runs derandomized without an example database, so every run (and CI) tries the same examples.
"""

import asyncio
import contextlib
import copy
import itertools
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pymongo.errors import OperationFailure, PyMongoError

from tests.support import docstore_strategies as gen
from tests.support.docstore_pair import Store, contents, open_oracle, open_subject, perform

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`

DIFFERENTIAL = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    # No explain phase: it reruns a failing example hundreds of times to annotate it, minutes at this cost.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class Stores:
    """Both stores, open for the whole module on one event loop; each example gets fresh collections."""

    def __init__(self, runner: asyncio.Runner, oracle: Store, subject: Store) -> None:
        self.runner = runner
        self.oracle = oracle
        self.subject = subject
        self._numbers = itertools.count()

    @contextlib.asynccontextmanager
    async def collections(self) -> AsyncIterator[tuple[Any, Any]]:
        """A new collection in each store, dropped afterwards: both stores reread their list of tables when it
        changes, so hundreds of leftover ones would make each example slower than the last."""
        name = f"example_{next(self._numbers)}"
        try:
            yield self.oracle.db[name], self.subject.db[name]
        finally:
            await self.oracle.db.drop_collection(name)
            await self.subject.db.drop_collection(name)


def memory_backed_directory() -> tempfile.TemporaryDirectory[str]:
    """In RAM where the machine has it: tinymongo fsyncs every write (`synchronous=FULL`), which would be most
    of the module's time on a disk, and durability is not what these tests compare."""
    shm = Path("/dev/shm")
    return tempfile.TemporaryDirectory(prefix="docstores-", dir=shm if shm.is_dir() else None)


@pytest.fixture(scope="module")
def stores() -> Iterator[Stores]:
    with memory_backed_directory() as name, asyncio.Runner() as runner:
        directory = Path(name)
        oracle = runner.run(open_oracle(directory / "tinymongo"))
        subject = runner.run(open_subject(directory / "docstore.sqlite"))
        try:
            yield Stores(runner, oracle, subject)
        finally:
            runner.run(subject.close())
            runner.run(oracle.close())


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


SOME_DOCUMENTS = st.integers(0, len(gen.DOCUMENT_IDS)).flatmap(
    lambda count: gen.documents(gen.DOCUMENT_IDS[:count])
)
# Writes often take a looser filter, so that they often change something.
WRITE_FILTERS = gen.ONE_CONDITION | gen.FILTERS
# One document at most: without a sort MongoDB does not say which of several matches `find_one`, `update_one`
# or `delete_one` takes, so these name an `_id` beside what the generated filter says (as the services do).
BY_ID = gen.NEW_IDS.map(lambda value: {"_id": value})
PINNED = st.one_of(
    BY_ID,
    st.tuples(gen.NEW_IDS, gen.STATES).map(lambda pair: {"_id": pair[0], "state": pair[1]}),
    st.tuples(gen.NEW_IDS, gen.FIELD_FILTERS).map(lambda pair: {**pair[1], "_id": pair[0]}),
)

QUERIES = st.one_of(
    st.tuples(st.just("find"), gen.FILTERS, gen.PROJECTIONS, st.none(), st.just(0), st.just(0)),
    st.tuples(st.just("find"), gen.FILTERS, gen.PROJECTIONS, gen.SORTS, st.integers(0, 3), st.integers(0, 4)),
    st.tuples(st.just("count_documents"), gen.FILTERS),
    st.tuples(st.just("find_one"), PINNED, gen.PROJECTIONS),
)


@DIFFERENTIAL
@given(documents=SOME_DOCUMENTS, indexes=gen.INDEXES, queries=st.lists(QUERIES, min_size=1, max_size=5))
def test_queries_answer_alike(
    stores: Stores, documents: list[dict[str, Any]], indexes: list[Any], queries: list[tuple[Any, ...]]
) -> None:
    async def example() -> None:
        async with stores.collections() as (oracle, subject):
            await compare_queries(oracle, subject, documents, indexes, queries)

    stores.runner.run(example())


async def compare_queries(
    oracle: Any,
    subject: Any,
    documents: list[dict[str, Any]],
    indexes: list[Any],
    queries: list[tuple[Any, ...]],
) -> None:
    await populate(oracle, subject, indexes, documents)
    for query in queries:
        expected, answered = await both(oracle, subject, query)
        assert answered == expected, f"{query} over {documents} under {indexes}"


WRITES = st.one_of(
    st.tuples(st.just("insert_one"), gen.NEW_DOCUMENTS),
    st.tuples(st.just("insert_many"), st.lists(gen.NEW_DOCUMENTS, min_size=1, max_size=3)),
    st.tuples(st.just("update_one"), PINNED, gen.UPDATES, st.just(False)),
    st.tuples(st.just("update_one"), BY_ID, gen.UPDATES, st.booleans()),
    st.tuples(st.just("update_many"), WRITE_FILTERS, gen.UPDATES, st.just(False)),
    st.tuples(
        st.just("find_one_and_update"),
        PINNED | WRITE_FILTERS,
        gen.UPDATES,
        gen.SORTS,
        gen.PROJECTIONS,
        st.booleans(),
        st.just(False),
    ),
    st.tuples(
        st.just("find_one_and_update"),
        BY_ID,
        gen.UPDATES,
        st.none(),
        gen.PROJECTIONS,
        st.booleans(),
        st.booleans(),
    ),
    st.tuples(st.just("delete_one"), PINNED),
    st.tuples(st.just("delete_many"), WRITE_FILTERS),
    st.tuples(st.just("find_one_and_delete"), PINNED | WRITE_FILTERS, gen.SORTS),
)


@DIFFERENTIAL
@given(documents=SOME_DOCUMENTS, indexes=gen.INDEXES, writes=st.lists(WRITES, min_size=1, max_size=5))
def test_writes_answer_and_store_alike(
    stores: Stores, documents: list[dict[str, Any]], indexes: list[Any], writes: list[tuple[Any, ...]]
) -> None:
    async def example() -> None:
        async with stores.collections() as (oracle, subject):
            await compare_writes(oracle, subject, documents, indexes, writes)

    stores.runner.run(example())


async def compare_writes(
    oracle: Any,
    subject: Any,
    documents: list[dict[str, Any]],
    indexes: list[Any],
    writes: list[tuple[Any, ...]],
) -> None:
    await populate(oracle, subject, indexes, documents)
    for write in writes:
        expected, answered = await both(oracle, subject, write)
        if write[0] == "update_many" and "updated" not in (expected[0], answered[0]):
            # MongoDB's update_many is not one transaction: it updates document after document and stops at
            # the first that fails, in an order it does not promise; which failure comes first, and what
            # is left updated, may differ. Both failed; stop comparing.
            return
        assert answered == expected, f"{write} after {writes} over {documents} under {indexes}"
        assert await contents(subject) == await contents(oracle), f"{write} after {writes} over {documents}"


# ---- deterministic cases, stated once each


@pytest.fixture
async def pair() -> AsyncIterator[tuple[Any, Any]]:
    with memory_backed_directory() as name:
        oracle = await open_oracle(Path(name) / "tinymongo")
        subject = await open_subject(Path(name) / "docstore.sqlite")
        try:
            yield oracle.db.things, subject.db.things
        finally:
            await subject.close()
            await oracle.close()


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


# ---- outside the surface: raise, or answer as MongoDB does; never answer something else

SAMPLE = [
    {"_id": "a", "n": 1, "tags": [1, 2, 3]},
    {"_id": "b", "n": "x", "tags": [5]},
    {"_id": "c", "tags": []},
]
LOUD = (PyMongoError, NotImplementedError, ValueError)

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


# ---- MongoDB's documented behaviour where tinymongo departs from it: our store alone, against MongoDB's rule


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
