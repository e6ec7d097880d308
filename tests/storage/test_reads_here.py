"""Reads by key run on the event loop's thread (`Engine.run_here`), with no hop to a worker; everything else
(a count, a scan, a sorted page, many keys, every write) still runs on a worker, so the event loop never waits
for a scan or for the write lock. Seen from inside: a steps generator's code between two operations runs on
the thread its transaction runs on; and from the engine's counters (`round_trips`: transactions, `hops`: those
on a worker)."""

import threading
from typing import Any

import pytest

from tests.support.workers import MONGODB_URL
from virtool_api.context import Context
from virtool_api.storage.docstore.engine import HERE_KEYS
from virtool_api.storage.steps import Count, Find, FindOne, FindOneAndUpdate, Steps, run_steps

pytestmark = pytest.mark.skipif(MONGODB_URL is not None, reason="the embedded store's threads")


class Seen:
    """The thread each step's answer arrived on, and the engine's counters across a call."""

    def __init__(self, ctx: Context) -> None:
        self.engine = ctx.mongo_client.engine
        self.threads: list[str] = []
        self.round_trips, self.hops = self.engine.round_trips, self.engine.hops
        self.loop = threading.get_ident()

    def note(self) -> None:
        self.threads.append("loop" if threading.get_ident() == self.loop else "worker")

    def counted(self) -> tuple[int, int]:
        return self.engine.round_trips - self.round_trips, self.engine.hops - self.hops


@pytest.fixture
async def stored(ctx: Context) -> None:
    await ctx.db.keys.insert_one({"_id": "k", "hash": "h", "user": {"id": "u"}})
    await ctx.db.users.insert_one({"_id": "u", "handle": "ann"})
    await ctx.db.things.insert_many([{"_id": f"t{n:03d}", "n": n} for n in range(100)])


async def test_reads_by_key_run_on_the_loop_until_a_count_and_the_rest_on_a_worker(ctx, stored):
    seen = Seen(ctx)

    def steps() -> Steps[tuple[Any, ...]]:
        key = yield FindOne("keys", {"hash": "h"})
        seen.note()
        user = yield FindOne("users", {"_id": key["user"]["id"]})
        seen.note()
        count = yield Count("things", {"n": {"$lt": 10}})
        seen.note()
        thing = yield FindOne("things", {"_id": "t005"})
        seen.note()
        return user["handle"], count, thing["n"]

    assert await run_steps(ctx.db, steps()) == ("ann", 10, 5)
    assert seen.threads == ["loop", "loop", "worker", "worker"]
    assert seen.counted() == (2, 1)


async def test_steps_that_read_by_key_alone_make_no_hop(ctx, stored):
    seen = Seen(ctx)

    def steps() -> Steps[list[str]]:
        found = yield Find("things", {"_id": {"$in": ["t001", "t002", "nope"]}})
        seen.note()
        return [thing["_id"] for thing in found]

    assert await run_steps(ctx.db, steps()) == ["t001", "t002"]
    assert (seen.threads, seen.counted()) == (["loop"], (1, 0))


MANY = [f"t{n:03d}" for n in range(HERE_KEYS + 1)]


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        (Find("things", {"n": 5}), [{"_id": "t005", "n": 5}]),  # no index on `n`: a scan
        (Find("things", {"_id": {"$in": MANY}}), [{"_id": key, "n": n} for n, key in enumerate(MANY)]),
        (
            Find("things", {"_id": {"$in": ["t001", "t002"]}}, sort=[("n", -1)]),
            [{"_id": "t002", "n": 2}, {"_id": "t001", "n": 1}],
        ),
        (Find("things", {"_id": {"$in": ["t001", "t002"]}}, skip=1), [{"_id": "t002", "n": 2}]),
        (Count("things", {"_id": "t001"}), 1),
    ],
    ids=["scan", "too many keys", "sorted", "skipped", "count"],
)
async def test_anything_but_a_read_by_key_runs_on_a_worker(ctx, stored, operation, expected):
    seen = Seen(ctx)

    def steps() -> Steps[Any]:
        answer = yield operation
        seen.note()
        return answer

    assert await run_steps(ctx.db, steps()) == expected
    assert (seen.threads, seen.counted()) == (["worker"], (1, 1))


async def test_a_later_read_of_too_many_keys_goes_on_on_a_worker(ctx, stored):
    seen = Seen(ctx)

    def steps() -> Steps[tuple[int, int]]:
        first = yield FindOne("things", {"_id": "t000"})
        seen.note()
        many = yield Find("things", {"_id": {"$in": MANY}})
        seen.note()
        return first["n"], len(many)

    assert await run_steps(ctx.db, steps()) == (0, HERE_KEYS + 1)
    assert (seen.threads, seen.counted()) == (["loop", "worker"], (2, 1))


async def test_steps_that_write_run_on_a_worker_from_their_first_read(ctx, stored):
    seen = Seen(ctx)

    def steps() -> Steps[int]:
        thing = yield FindOne("things", {"_id": "t001"})
        seen.note()
        yield FindOneAndUpdate("things", {"_id": "t001"}, {"$set": {"n": thing["n"] + 1}})
        seen.note()
        return thing["n"]

    assert await run_steps(ctx.db, steps(), write=True) == 1
    assert (seen.threads, seen.counted()) == (["worker", "worker"], (1, 1))
    assert (await ctx.db.things.find_one({"_id": "t001"}))["n"] == 2


async def test_an_equality_on_a_path_without_a_unique_index_runs_on_a_worker(ctx, stored):
    """Under an index that is not unique a row may hold an array at `n`, so the read is planned (on a
    worker), not read by key as an equality on a unique index's path is (the key by its hash, above)."""
    await ctx.db.things.create_index("n")
    seen = Seen(ctx)

    def steps() -> Steps[Any]:
        thing = yield FindOne("things", {"n": 5})
        seen.note()
        return thing["_id"]

    assert await run_steps(ctx.db, steps()) == "t005"
    assert (seen.threads, seen.counted()) == (["worker"], (1, 1))


async def test_a_collections_find_by_id_makes_no_hop_and_any_other_find_one(ctx, stored):
    seen = Seen(ctx)

    assert await ctx.db.things.find_one({"_id": "t007"}) == {"_id": "t007", "n": 7}
    assert await ctx.db.things.find({"_id": {"$in": ["t001", "t003"]}}).to_list(None) == [
        {"_id": "t001", "n": 1},
        {"_id": "t003", "n": 3},
    ]
    assert seen.counted() == (2, 0)

    assert await ctx.db.things.find_one({"n": 7}) == {"_id": "t007", "n": 7}
    assert await ctx.db.things.find({"_id": {"$in": ["t001", "t003"]}}).sort("n", -1).to_list(None) == [
        {"_id": "t003", "n": 3},
        {"_id": "t001", "n": 1},
    ]
    assert seen.counted() == (4, 2)


async def test_an_error_in_steps_on_the_loop_leaves_its_connection_ready_for_the_next(ctx, stored):
    def failing() -> Steps[None]:
        yield FindOne("things", {"_id": "t001"})
        raise ValueError("the steps' own error")

    def reading() -> Steps[int]:
        return (yield FindOne("things", {"_id": "t002"}))["n"]

    with pytest.raises(ValueError, match="the steps' own error"):
        await run_steps(ctx.db, failing())
    assert await run_steps(ctx.db, reading()) == 2
    assert await ctx.db.things.find_one({"_id": "t003"}) == {"_id": "t003", "n": 3}
