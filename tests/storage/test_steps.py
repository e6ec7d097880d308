"""Steps (`virtool_api/storage/steps.py`): several document-store operations, where what comes next may depend
on what came before, answer the same on both stores; on the embedded one they are one transaction, one round
trip."""

from typing import Any

import pytest
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from tests.support.workers import MONGODB_URL
from virtool_api.context import Context
from virtool_api.storage.steps import Count, Find, FindOne, FindOneAndUpdate, InsertOne, Steps, run_steps


def count_then_note(counter_id: str) -> Steps[tuple[int, bool]]:
    """Count up, then note the new count under it: the second operation is made from the first's answer."""
    counter = yield FindOneAndUpdate(
        "counters", {"_id": counter_id}, {"$inc": {"n": 1}}, return_document=ReturnDocument.AFTER
    )
    try:
        yield InsertOne("notes", {"_id": f"{counter_id}.{counter['n']}", "n": counter["n"]})
    except DuplicateKeyError:
        return counter["n"], False
    return counter["n"], True


def user_of(key_hash: str) -> Steps[dict[str, Any] | None]:
    key = yield FindOne("keys", {"hash": key_hash})
    if key is None:
        return None
    return (yield FindOne("users", {"_id": key["user"]}, {"handle": 1}))


async def test_a_step_is_made_from_the_answer_before_it(ctx: Context) -> None:
    await ctx.db.counters.insert_one({"_id": "c", "n": 0})

    assert await run_steps(ctx.db, count_then_note("c"), write=True) == (1, True)
    assert await run_steps(ctx.db, count_then_note("c"), write=True) == (2, True)

    assert await ctx.db.notes.find({}).sort("_id").to_list(None) == [
        {"_id": "c.1", "n": 1},
        {"_id": "c.2", "n": 2},
    ]


async def test_an_operations_error_is_raised_in_the_steps_which_may_catch_it(ctx: Context) -> None:
    await ctx.db.counters.insert_one({"_id": "c", "n": 0})
    await ctx.db.notes.insert_one({"_id": "c.1", "n": 1})

    assert await run_steps(ctx.db, count_then_note("c"), write=True) == (1, False)
    assert (await ctx.db.counters.find_one({"_id": "c"}))["n"] == 1


async def test_reads_follow_one_another(ctx: Context) -> None:
    await ctx.db.keys.insert_one({"_id": "k", "hash": "h", "user": "u"})
    await ctx.db.users.insert_one({"_id": "u", "handle": "ann", "password": "x"})

    assert await run_steps(ctx.db, user_of("h")) == {"_id": "u", "handle": "ann"}
    assert await run_steps(ctx.db, user_of("other")) is None


async def test_find_sorts_limits_and_projects(ctx: Context) -> None:
    await ctx.db.things.insert_many([{"_id": name, "n": n} for n, name in enumerate("cab")])

    def steps() -> Steps[list[dict[str, Any]]]:
        return (yield Find("things", {"n": {"$gte": 0}}, {"n": 0}, sort=[("_id", -1)], limit=2))

    assert await run_steps(ctx.db, steps()) == [{"_id": "c"}, {"_id": "b"}]


async def test_find_skips_and_count_counts(ctx: Context) -> None:
    await ctx.db.things.insert_many([{"_id": name, "n": n} for n, name in enumerate("cabd")])

    def steps() -> Steps[tuple[list[dict[str, Any]], int, int]]:
        page = yield Find("things", {"n": {"$gte": 1}}, sort=[("_id", 1)], skip=1, limit=1)
        matching = yield Count("things", {"n": {"$gte": 1}})
        return page, matching, (yield Count("things", {"n": {"$in": []}}))

    assert await run_steps(ctx.db, steps()) == ([{"_id": "b", "n": 2}], 3, 0)


@pytest.mark.skipif(MONGODB_URL is not None, reason="the embedded store's transaction")
async def test_on_the_embedded_store_steps_are_one_round_trip(ctx: Context) -> None:
    await ctx.db.keys.insert_one({"_id": "k", "hash": "h", "user": "u"})
    await ctx.db.users.insert_one({"_id": "u", "handle": "ann"})
    engine = ctx.mongo_client.engine
    before = engine.round_trips

    await run_steps(ctx.db, user_of("h"))

    assert engine.round_trips - before == 1


@pytest.mark.skipif(MONGODB_URL is not None, reason="the embedded store's transaction")
async def test_on_the_embedded_store_an_error_let_out_undoes_every_step(ctx: Context) -> None:
    await ctx.db.counters.insert_one({"_id": "c", "n": 0})

    def steps() -> Steps[None]:
        yield FindOneAndUpdate("counters", {"_id": "c"}, {"$inc": {"n": 1}})
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        await run_steps(ctx.db, steps(), write=True)
    assert (await ctx.db.counters.find_one({"_id": "c"}))["n"] == 0


@pytest.mark.skipif(MONGODB_URL is not None, reason="the embedded store's transaction")
async def test_on_the_embedded_store_steps_that_write_must_say_so(ctx: Context) -> None:
    await ctx.db.counters.insert_one({"_id": "c", "n": 0})

    with pytest.raises(RuntimeError, match="write"):
        await run_steps(ctx.db, count_then_note("c"))
    assert (await ctx.db.counters.find_one({"_id": "c"}))["n"] == 0
