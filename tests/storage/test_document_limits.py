"""Finalizing stores only what a document store can hold (`virtool_api/storage/limits.py`).

`results` (analysis finalize) and `quality` (sample finalize) that MongoDB would refuse, or that could not be
read back and rendered, are a 422 naming the path, and nothing is stored: the analysis or sample stays
unfinalized and readable on both APIs, and the job can still finalize it with good data.
"""

import gc
from typing import Any

import bson
import pytest

from tests.support.analysis_jobs import running_analysis
from tests.support.errors import refused
from tests.support.reads import QUALITY
from tests.support.sample_jobs import created_sample_job
from tests.support.stored import stored_results
from virtool_api.storage.limits import MAX_INT64, MAX_PROBLEMS, MIN_INT64, storable_size
from virtool_api.utils import collection_paused

TOO_DEEP = "nests deeper than the 100 levels a stored document may have"


def nested(levels: int) -> dict[str, Any]:
    """`{"a": {"a": ... {"a": 1}}}` holding `levels` objects."""
    value: dict[str, Any] = {"a": 1}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def deep_path(levels: int) -> str:
    """The path of the object at `levels` objects below `results` (itself the first)."""
    return "results" + ".a" * (levels - 1)


async def finalize(jobs_client, analysis_id: str, auth, results: Any):  # type: ignore[no-untyped-def]
    return await jobs_client.patch(f"/api/analyses/{analysis_id}", json={"results": results}, headers=auth)


async def assert_unfinalized_and_readable(ctx, jobs_client, public_client, factory, analysis, auth) -> None:  # type: ignore[no-untyped-def]
    """Nothing was stored: both APIs serve the analysis, still running, and a good finalize still works."""
    assert (await ctx.db.analyses.find_one({"_id": analysis["_id"]}))["results"] is None
    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}", headers=auth)
    assert response.status == 200
    assert (await response.json())["ready"] is False
    _, admin = await factory.person(administrator=True)
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)
    assert response.status == 200
    assert (await response.json())["results"] is None

    response = await finalize(jobs_client, analysis["_id"], auth, {"hits": []})
    assert response.status == 200
    assert (await response.json())["results"] == {"hits": []}


async def test_results_nested_past_the_limit_are_refused_and_nothing_is_stored(
    jobs_client, public_client, factory, ctx
):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    # ~300 levels stored a document that answered 500 on every GET, on both APIs.
    response = await finalize(jobs_client, analysis["_id"], auth, nested(300))

    assert await refused(response) == {deep_path(100): [TOO_DEEP]}
    await assert_unfinalized_and_readable(ctx, jobs_client, public_client, factory, analysis, auth)


async def test_results_may_nest_to_the_limit_counting_the_analysis_document(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    # The analysis document is level 1 and `results` level 2: 99 objects reach MongoDB's 100.
    assert await refused(await finalize(jobs_client, analysis["_id"], auth, nested(100))) == {
        deep_path(100): [TOO_DEEP]
    }
    assert await refused(await finalize(jobs_client, analysis["_id"], auth, {"list": [[[nested(97)]]]}))

    response = await finalize(jobs_client, analysis["_id"], auth, nested(99))

    assert response.status == 200
    assert (await response.json())["results"] == nested(99)


async def test_integers_must_fit_in_64_bits(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    too_large = {"hits": [{"reads": MAX_INT64 + 1}, {"reads": [0, MIN_INT64 - 1]}]}
    response = await finalize(jobs_client, analysis["_id"], auth, too_large)

    assert await refused(response) == {
        "results.hits.0.reads": ["integer outside the 64-bit range a stored document can hold"],
        "results.hits.1.reads.1": ["integer outside the 64-bit range a stored document can hold"],
    }
    edges = {"largest": MAX_INT64, "smallest": MIN_INT64, "list": [MIN_INT64, 0, MAX_INT64]}
    response = await finalize(jobs_client, analysis["_id"], auth, edges)
    assert response.status == 200
    assert (await response.json())["results"] == edges
    assert await stored_results(ctx, analysis["_id"]) == edges


async def test_nan_and_infinity_are_refused(jobs_client, public_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}",
        data=b'{"results": {"pi": NaN, "scores": [1.5, Infinity, -Infinity], "e": 1e999}}',
        headers={**auth, "Content-Type": "application/json"},
    )

    not_finite = ["not a finite number (NaN and Infinity are not JSON)"]
    assert await refused(response) == {
        "results.pi": not_finite,
        "results.scores.1": not_finite,
        "results.scores.2": not_finite,
        "results.e": not_finite,
    }
    await assert_unfinalized_and_readable(ctx, jobs_client, public_client, factory, analysis, auth)


async def test_keys_with_nul_or_a_leading_dollar_are_refused(jobs_client, public_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    # `{"$ref", "$id"}` came back from PyMongo as a DBRef, which then failed to render.
    results = {"link": {"$ref": "otus", "$id": "abc"}, "hits": [{"a\u0000b": 1, "$inc": 2}]}
    response = await finalize(jobs_client, analysis["_id"], auth, results)

    dollar = ["key starts with '$', which the document store reserves"]
    assert await refused(response) == {
        "results.link.$ref": dollar,
        "results.link.$id": dollar,
        "results.hits.0.a\u0000b": ["key contains a NUL character"],
        "results.hits.0.$inc": dollar,
    }
    await assert_unfinalized_and_readable(ctx, jobs_client, public_client, factory, analysis, auth)


async def test_keys_with_dots_and_dollars_inside_are_kept(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    results = {"coverage": {"NC_003615.1": 0.9, "price$": 1, "": "empty key"}}

    response = await finalize(jobs_client, analysis["_id"], auth, results)

    assert response.status == 200
    assert (await response.json())["results"] == results
    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}", headers=auth)
    assert (await response.json())["results"] == results


async def test_strings_that_are_not_unicode_are_refused(jobs_client, public_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}",
        data=b'{"results": {"name": "virus \\ud800", "emoji": "\\ud83d\\ude00", "hits": [{"\\udfff": 1}]}}',
        headers={**auth, "Content-Type": "application/json"},
    )

    lone = ["not valid Unicode (a lone surrogate)"]
    assert await refused(response) == {"results.name": lone, "results.hits.0.\udfff": lone}
    await assert_unfinalized_and_readable(ctx, jobs_client, public_client, factory, analysis, auth)


async def test_a_body_full_of_problems_names_the_first_ones(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await finalize(jobs_client, analysis["_id"], auth, {"values": [2**70] * 1000})

    assert len(await refused(response)) == MAX_PROBLEMS


async def test_quality_a_document_store_cannot_hold_is_refused(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    bad = {**QUALITY, "count": 2**64, "bases": [[31.0, float("nan")]]}

    response = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": bad}, headers=auth)

    assert await refused(response) == {
        "quality.count": ["integer outside the 64-bit range a stored document can hold"],
        "quality.bases.0.1": ["not a finite number (NaN and Infinity are not JSON)"],
    }
    document = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert (document["ready"], document["quality"]) == (False, None)
    assert (await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)).status == 200

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )
    assert response.status == 200
    assert (await response.json())["quality"] == QUALITY


async def test_quality_larger_than_a_document_can_hold_is_refused(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    # Each per-position row of a quality is a small array; half a million of them are past 16 MiB as BSON.
    huge = {**QUALITY, "composition": [[25.0, 25.0, 25.0, 25.0]] * 500_000}

    response = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": huge}, headers=auth)

    errors = await refused(response)
    assert list(errors) == ["quality"]
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


@pytest.mark.parametrize(
    "rows",
    [
        [[25.0, 25.0, 25.0, 25.0]] * 1000,  # a quality's rows: sized at once, not row by row
        [[1, -2, 3], [2**31, 7], [], [2**40]] * 30,
        [["ab", "é", ""], ["\u4e2d"]] * 12,
        [[1.5, 2], [3.0]],  # one row of two kinds: walked row by row
        [[1.0], "x", [2.0]],
        [[], []],
    ],
)
def test_rows_are_sized_as_bson_stores_them(rows):
    assert storable_size(rows, "f") == len(bson.encode({"f": rows})) - len(bson.encode({"f": None}))


def test_the_garbage_collector_is_left_as_it_was_after_a_pause():
    assert gc.isenabled()
    with pytest.raises(ValueError), collection_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()

    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled(), "a pause does not start a collector someone else stopped"
    finally:
        gc.enable()
