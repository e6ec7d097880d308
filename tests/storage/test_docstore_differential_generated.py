"""Our document store answers as MongoDB does, on generated examples.

Real MongoDB cannot run here, so generated documents, indexes and operations go to our store (the subject)
and to tinymongo (the oracle, tested by its author against MongoDB), and every answer and every stored
document must be the same. Where tinymongo departs from MongoDB, the generators leave the case out (see
`docstore_strategies`) and `test_docstore_differential_departures.py` checks our store against MongoDB's
documented behaviour directly.

Hypothesis runs derandomized without an example database, so every run (and CI) tries the same examples.
"""

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.support import docstore_strategies as gen
from tests.support.docstore_pair import (
    Store,
    both,
    contents,
    memory_backed_directory,
    open_oracle,
    open_subject,
    populate,
)

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
