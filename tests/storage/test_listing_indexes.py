"""Every listing's filter and sort are answered by an index the document store was given.

The indexes are read back from the real store the context opened (`index_information()`: the embedded
store, or MongoDB with `VIRTOOL_TEST_MONGODB_URL`), as `create_indexes` declared them on start. The filters
are built by the services' own query functions for a caller who is in a group and a project (so every rights
clause is there), and the sorts are the orders the services sort by. An index covers a filter clause and a
sort when its leading keys are fields the clause pins to values (equality or `$in`; none for an empty filter)
and its next keys are the sort's, all in the sort's directions or all reversed: MongoDB's rule for answering
a sorted page by walking one index, without scanning the collection or sorting in memory. A `$or` needs
every clause covered.
"""

from typing import Any

import pytest

from virtool_api.analyses.service import readable_analyses_filter
from virtool_api.jobs.handoff import pending_query
from virtool_api.jobs.service import jobs_visible_to
from virtool_api.pagination import NEWEST_FIRST, OLDEST_FIRST
from virtool_api.projects.service import projects_visible_to
from virtool_api.references.otus import OTU_ORDER
from virtool_api.samples.access import listing_query
from virtool_api.samples.search import name_filter
from virtool_api.utils import utc_now

Sort = list[tuple[str, int]]


def pinned_fields(clause: dict[str, Any]) -> set[str]:
    """The fields `clause` pins to one value or a list of values: where an index scan can start."""
    return {
        field
        for field, value in clause.items()
        if not field.startswith("$") and (not isinstance(value, dict) or set(value) <= {"$in"})
    }


def covers(keys: Sort, clause: dict[str, Any], sort: Sort) -> bool:
    pinned = pinned_fields(clause)
    leading = 0
    while leading < len(keys) and keys[leading][0] in pinned:
        leading += 1
    if pinned and not leading:
        return False
    following = [(field, int(direction)) for field, direction in keys[leading : leading + len(sort)]]
    return following in (sort, [(field, -direction) for field, direction in sort])


def clauses(query: dict[str, Any]) -> list[dict[str, Any]]:
    if "$or" in query:
        rest = {field: value for field, value in query.items() if field != "$or"}
        return [{**rest, **clause} for clause in query["$or"]]
    return [query]


async def uncovered(collection: Any, query: dict[str, Any], sort: Sort) -> list[dict[str, Any]]:
    """The clauses of `query` that no index of `collection` answers in `sort`'s order."""
    information = await collection.index_information()
    indexes = [[tuple(key) for key in index["key"]] for index in information.values()]
    return [clause for clause in clauses(query) if not any(covers(keys, clause, sort) for keys in indexes)]


@pytest.fixture
async def administrator(factory) -> dict[str, Any]:
    user, _ = await factory.person(administrator=True)
    return user


# The rule itself, on made-up indexes


def test_an_index_of_the_pinned_field_then_the_sort_covers():
    assert covers([("user.id", 1), ("created_at", 1), ("_id", 1)], {"user.id": "bob"}, NEWEST_FIRST)


def test_an_index_walked_backwards_covers():
    assert covers([("created_at", 1), ("_id", 1)], {}, NEWEST_FIRST)


def test_an_index_of_the_pinned_field_alone_does_not_cover_a_sort():
    assert not covers([("user.id", 1)], {"user.id": "bob"}, NEWEST_FIRST)


def test_a_sort_index_does_not_cover_a_pinned_field():
    assert not covers([("created_at", 1), ("_id", 1)], {"user.id": "bob"}, NEWEST_FIRST)


def test_mixed_directions_do_not_cover():
    assert not covers([("created_at", 1), ("_id", -1)], {}, NEWEST_FIRST)


# Every listing


async def test_samples_for_an_administrator(ctx, administrator):
    assert await uncovered(ctx.db.samples, await listing_query(ctx, administrator), NEWEST_FIRST) == []


async def test_samples_for_a_member_of_a_group_and_a_project(ctx, member):
    query = await listing_query(ctx, member)
    assert len(clauses(query)) == 7, "owner, all_read, all_write, public, group read, group write, project"
    assert await uncovered(ctx.db.samples, query, NEWEST_FIRST) == []


@pytest.mark.parametrize("field", ["labels", "tags", "project", "status", "visibility"])
async def test_samples_by_each_filter_of_the_web_client_for_an_administrator(ctx, field):
    assert await uncovered(ctx.db.samples, {field: "x"}, NEWEST_FIRST) == []


async def test_samples_searched_by_name(ctx):
    """An unanchored regex is matched against the index's keys (no bounds to pin): an index leading with the
    field is what both stores need."""
    information = await ctx.db.samples.index_information()
    assert any(index["key"][0][0] == "lower_name" for index in information.values())


async def test_samples_using_a_subtraction(ctx):
    assert await uncovered(ctx.db.samples, {"subtractions": "abc"}, []) == []


def read_fields(query: dict[str, Any]) -> set[str]:
    """Every field a filter tests, in `$or`s and `$and`s too."""
    fields: set[str] = set()
    for field, value in query.items():
        if field in ("$or", "$and"):
            for clause in value:
                fields |= read_fields(clause)
        else:
            fields.add(field)
    return fields


async def narrowest_covering(collection: Any, query: dict[str, Any]) -> list[str]:
    """The keys of the index with the fewest keys among those holding every field `query` tests (what a
    count of it reads on our embedded store, without the documents)."""
    information = await collection.index_information()
    indexes = [[key[0] for key in index["key"]] for index in information.values()]
    return min((keys for keys in indexes if read_fields(query) <= set(keys)), key=len, default=[])


@pytest.mark.parametrize(
    ("narrowed", "field"), [({"status": "available"}, "status"), (name_filter("tomato"), "lower_name")]
)
async def test_a_members_sample_counts_read_an_index_of_the_rights_fields_and_their_filter(
    ctx, member, narrowed, field
):
    """The counts of a member's listing by status or by name read the rule's fields and the filter's alone,
    not an index of every key column (twice as wide at 100k samples, twice the time); unfiltered, one of those
    (one key more than the rule's)."""
    query = await listing_query(ctx, member)
    found = {"$and": [narrowed, query]}
    assert set(await narrowest_covering(ctx.db.samples, found)) == read_fields(query) | {field}
    assert len(await narrowest_covering(ctx.db.samples, query)) == len(read_fields(query)) + 1


async def test_a_members_analysis_count_reads_an_index_of_the_rights_fields_alone(ctx, member):
    query = await readable_analyses_filter(ctx, member)
    assert set(await narrowest_covering(ctx.db.analyses, query)) == read_fields(query)


async def test_analyses_for_an_administrator(ctx, administrator):
    query = await readable_analyses_filter(ctx, administrator)
    assert await uncovered(ctx.db.analyses, query, NEWEST_FIRST) == []


async def test_analyses_for_a_member_of_a_group_and_a_project(ctx, member):
    query = await readable_analyses_filter(ctx, member)
    assert len(clauses(query)) == 7
    assert await uncovered(ctx.db.analyses, query, NEWEST_FIRST) == []


async def test_analyses_of_one_sample(ctx):
    assert await uncovered(ctx.db.analyses, {"sample.id": "abc"}, NEWEST_FIRST) == []


async def test_jobs_for_an_administrator(ctx, administrator):
    assert await uncovered(ctx.db.jobs, jobs_visible_to(administrator), NEWEST_FIRST) == []


async def test_jobs_for_their_owner_by_state(ctx, member):
    query = {**jobs_visible_to(member), "state": "running"}
    assert await uncovered(ctx.db.jobs, query, NEWEST_FIRST) == []


async def test_jobs_waiting_to_be_handed_off(ctx):
    assert await uncovered(ctx.db.jobs, pending_query(utc_now()), OLDEST_FIRST) == []


async def test_projects_for_a_member(ctx, member):
    """Only the filter: a lab's tens of projects are sorted in memory."""
    assert await uncovered(ctx.db.projects, projects_visible_to(member), []) == []


async def test_api_keys_of_a_user(ctx, member):
    assert await uncovered(ctx.db.keys, {"user.id": member["_id"]}, OLDEST_FIRST) == []


async def test_otus_of_a_reference(ctx):
    assert await uncovered(ctx.db.otus, {"reference.id": "ref"}, OTU_ORDER) == []


async def test_indexes_of_a_reference_newest_version_first(ctx):
    assert await uncovered(ctx.db.indexes, {"reference.id": "ref", "ready": True}, [("version", -1)]) == []


@pytest.mark.parametrize(
    ("collection", "field"),
    [("references", "name"), ("subtractions", "name"), ("hmms", "cluster"), ("users", "handle")],
)
async def test_listings_in_name_order(ctx, collection, field):
    assert await uncovered(getattr(ctx.db, collection), {}, [(field, 1)]) == []
