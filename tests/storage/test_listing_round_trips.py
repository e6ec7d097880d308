"""A listing page (samples, analyses, jobs) is one round trip to our embedded document store: the caller's
projects, the page, its counts and what it is shown with (labels, jobs), in one transaction; over HTTP the
caller's key and user are read before it, on the event loop's thread (`reads=`, `Engine.run_here`). Counted
through the store itself (`Engine.round_trips`), through the services the routes call and through the routes;
against MongoDB (whose client has no such counter) the answers are still checked."""

from typing import Any

import pytest

from tests.support.factory import Factory
from tests.support.workers import MONGODB_URL
from virtool_api.analyses.service import find_analyses
from virtool_api.context import Context
from virtool_api.jobs.service import create_job, find_jobs
from virtool_api.pagination import NEWEST_FIRST
from virtool_api.samples.models import SampleSearchQuery
from virtool_api.samples.service import find_samples
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.users.service import user_ref


async def newest_first(collection: Any, documents: list[dict[str, Any]]) -> list[str]:
    """The ids of `documents` in a listing's order, as stored (documents made in the same millisecond are
    ordered by id)."""
    ids = [document["_id"] for document in documents]
    found = await collection.find({"_id": {"$in": ids}}, {"_id": 1}).sort(NEWEST_FIRST).to_list(None)
    return [document["_id"] for document in found]


def round_trips(ctx: Context) -> int:
    engine = getattr(ctx.mongo_client, "engine", None)
    return engine.round_trips if engine is not None else 0


def worker_hops(ctx: Context) -> int:
    engine = getattr(ctx.mongo_client, "engine", None)
    return engine.hops if engine is not None else 0


def expect_one_round_trip(ctx: Context, before: int) -> None:
    if MONGODB_URL is None:
        assert round_trips(ctx) - before == 1


@pytest.fixture
async def labelled(ctx: Context, factory: Factory) -> list[dict[str, Any]]:
    """Three readable samples, each with a label and its create-sample job."""
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    samples = []
    for _ in range(3):
        sample = await factory.sample(ready=True, labels=[label["_id"]], all_read=True)
        await factory.create_sample_job(sample)
        samples.append(sample)
    return samples


@pytest.mark.parametrize("filtered", [False, True], ids=["all", "by label"])
async def test_a_members_samples_page_with_its_projects_counts_labels_and_jobs(
    ctx, member, labelled, filtered
):
    label_id = labelled[0]["labels"][0]
    query = SampleSearchQuery(per_page=2, page=1, **({"label": label_id} if filtered else {}))
    before = round_trips(ctx)

    page = await find_samples(ctx, member, query)

    expect_one_round_trip(ctx, before)
    assert (page.found_count, page.total_count, page.page_count) == (3, 3, 2)
    assert [document.id for document in page.documents] == (await newest_first(ctx.db.samples, labelled))[:2]
    assert [label.id for label in page.documents[0].labels] == [label_id]
    assert page.documents[0].job is not None


async def test_a_samples_page_counts_what_the_caller_may_read_and_what_matches(
    ctx, factory, member, labelled
):
    await factory.sample(ready=True, all_read=False, visibility="private")
    before = round_trips(ctx)

    page = await find_samples(ctx, member, SampleSearchQuery(page=2, per_page=2, find="sample"))

    expect_one_round_trip(ctx, before)
    assert (page.found_count, page.total_count) == (3, 3)
    assert [document.id for document in page.documents] == (await newest_first(ctx.db.samples, labelled))[2:]


async def test_a_members_analyses_page_with_its_counts_and_jobs(ctx, factory, member):
    sample = await factory.sample(ready=True, all_read=True)
    analysis = await factory.analysis(sample)
    await factory.analysis_job(analysis)
    before = round_trips(ctx)

    page = await find_analyses(ctx, member, page=1, per_page=25)

    expect_one_round_trip(ctx, before)
    assert (page.found_count, page.total_count) == (1, 1)
    assert page.documents[0].id == analysis["_id"]
    assert page.documents[0].job is not None


@pytest.mark.parametrize(("state", "found"), [(None, 3), ("running", 0)])
async def test_a_users_jobs_page_with_its_counts(ctx, factory, state, found):
    user, _ = await factory.person()
    await create_job(ctx, "create_sample", {"sample_id": "s0", "files": []}, await factory.user())
    jobs = [
        await create_job(ctx, "create_sample", {"sample_id": f"s{n}", "files": []}, user_ref(user))
        for n in range(1, 4)
    ]
    before = round_trips(ctx)

    page = await find_jobs(ctx, user, page=1, per_page=2, state=state)

    expect_one_round_trip(ctx, before)
    assert (page.found_count, page.total_count) == (found, 3)
    assert [job.id for job in page.documents] == (await newest_first(ctx.db.jobs, jobs))[: min(found, 2)]


@pytest.mark.parametrize("path", ["/api/samples?label={label}&per_page=2", "/api/analyses", "/api/jobs"])
async def test_a_listing_request_reads_the_callers_key_and_user_on_the_event_loop_and_its_page_in_one_hop(
    ctx, factory, public_client, labelled, path
):
    """The key and its user are reads by key (`Engine.run_here`): one transaction on the event loop's thread;
    the steps go on at the page's first read that is not, in one hop to a worker."""
    member, headers = await factory.person(groups=[])
    await factory.analysis(labelled[0])
    await create_job(ctx, "create_sample", {"sample_id": "s1", "files": []}, user_ref(member))
    url = path.format(label=labelled[0]["labels"][0])
    before, hops = round_trips(ctx), worker_hops(ctx)

    response = await public_client.get(url, headers=headers)

    if MONGODB_URL is None:
        assert (round_trips(ctx) - before, worker_hops(ctx) - hops) == (2, 1)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert (body["found_count"], body["total_count"], len(body["documents"])) == (
        (3, 3, 2) if "samples" in path else (1, 1, 1)
    )


@pytest.mark.parametrize("path", ["/api/samples?page=0", "/api/analyses?per_page=x", "/api/jobs?state=nope"])
async def test_a_listing_with_a_bad_query_answers_401_to_bad_credentials_and_422_to_good_ones(
    ctx, factory, public_client, path
):
    _, headers = await factory.person()
    before = round_trips(ctx)

    unknown = await public_client.get(path, headers={"X-API-Key": "not-a-key"})
    refused = await public_client.get(path, headers=headers)

    assert (unknown.status, refused.status) == (401, 422)
    if MONGODB_URL is None:
        assert round_trips(ctx) - before == 2  # each request's authentication, and nothing for the page
