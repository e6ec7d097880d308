"""Reading one sample or one analysis, or posting a job's status, costs the store round trips it needs, and
no more.

Counted through the stores themselves: the embedded document store's transactions (`Engine.round_trips`; those
on a worker thread, each one hop there and back, `Engine.hops`) and the SQL statements sent, by SQLAlchemy
(its `before_cursor_execute` event, on every engine) or by SQLite's driver (`Records.sqlite_statements`), and
on the embedded stores, file records read in a hop of their own instead of in the document store's
(`Records.hops`). A look-up added to the path, one that runs when there is nothing to look up (an empty
`$in`), or a `find_one` split in two fails here; so does a read by key sent to a worker thread instead of
being read on the event loop's (`Engine.hops`). Against real MongoDB the document-store side is not counted
(its client has no such counter), the SQL side still is."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.support.factory import Factory
from tests.support.jobs import acquire
from tests.support.workers import MONGODB_URL
from virtool_api.context import Context
from virtool_api.projects.models import CreateProjectRequest, ProjectMember
from virtool_api.projects.service import create_project
from virtool_api.samples.tables import SampleReads
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now


class RoundTrips:
    def __init__(self) -> None:
        self.documents = 0
        self.sql = 0
        self.sql_hops = 0
        self.hops = 0


@contextmanager
def counted(ctx: Context) -> Iterator[RoundTrips]:
    trips = RoundTrips()

    def statement(*_: Any) -> None:
        trips.sql += 1

    engine = getattr(ctx.mongo_client, "engine", None)
    before = engine.round_trips if engine is not None else 0
    hops = engine.hops if engine is not None else 0
    sqlite_before, hops_before = ctx.records.sqlite_statements, ctx.records.hops
    event.listen(Engine, "before_cursor_execute", statement)
    try:
        yield trips
    finally:
        event.remove(Engine, "before_cursor_execute", statement)
        trips.documents = engine.round_trips - before if engine is not None else 0
        trips.hops = engine.hops - hops if engine is not None else 0
        trips.sql += ctx.records.sqlite_statements - sqlite_before
        trips.sql_hops = ctx.records.hops - hops_before


def expect(trips: RoundTrips, documents: int, sql: int, hops: int = 0) -> None:
    """`documents` transactions, of which `hops` on a worker thread (the rest, reads by key, on the event
    loop's: `Engine.run_here`)."""
    assert trips.sql == sql, f"{trips.sql} SQL statements, needed {sql}"
    if MONGODB_URL is None:
        assert trips.documents == documents, (
            f"{trips.documents} document-store round trips, needed {documents}"
        )
        assert trips.hops == hops, f"{trips.hops} hops to a worker thread, needed {hops}"
        assert trips.sql_hops == 0, f"file records read in {trips.sql_hops} hops of their own"


async def get(client: Any, path: str, headers: dict[str, str], ctx: Context) -> RoundTrips:
    await client.get(path, headers=headers)  # a first request may open connections
    with counted(ctx) as trips:
        response = await client.get(path, headers=headers)
        assert response.status == 200, await response.text()
    return trips


@pytest.fixture
async def sample(ctx: Context, factory: Factory) -> dict[str, Any]:
    """A sample with a label, a subtraction, its create-sample job and two reads files."""
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    subtraction = await insert_with_random_id(ctx.db.subtractions, {"name": "Vitis", "ready": True})
    sample = await factory.sample(ready=True, labels=[label["_id"]], subtractions=[subtraction["_id"]])
    await factory.create_sample_job(sample)
    async with ctx.sessions() as session:
        for name in ("reads_1.fq.gz", "reads_2.fq.gz"):
            session.add(
                SampleReads(
                    sample=sample["_id"], name=name, name_on_disk=name, size=10, uploaded_at=utc_now()
                )
            )
        await session.commit()
    return sample


async def test_a_sample_costs_one_round_trip_with_its_key_user_labels_subtractions_job_and_one_sql_query(
    ctx, factory, public_client, sample
):
    """The key, its user, then the sample, its labels, subtractions, job and files: one round trip."""
    _, headers = await factory.person(administrator=True)
    trips = await get(public_client, f"/api/samples/{sample['_id']}", headers, ctx)
    expect(trips, documents=1, sql=1)


async def test_a_sample_without_labels_subtractions_or_job_costs_no_look_up_for_them(
    ctx, factory, public_client
):
    _, headers = await factory.person(administrator=True)
    sample = await factory.sample(ready=True)
    trips = await get(public_client, f"/api/samples/{sample['_id']}", headers, ctx)
    expect(trips, documents=1, sql=1)


async def test_a_sample_read_through_its_project_costs_one_more_for_the_project(ctx, factory, public_client):
    owner, _ = await factory.person()
    member, headers = await factory.person()
    project = await create_project(
        ctx, owner, CreateProjectRequest(name="Survey", members=[ProjectMember(user_id=member["_id"])])
    )
    sample = await factory.sample(
        ready=True, user={"id": owner["_id"], "handle": owner["handle"]}, all_read=False, project=project.id
    )
    trips = await get(public_client, f"/api/samples/{sample['_id']}", headers, ctx)
    expect(trips, documents=2, sql=1)


async def test_an_administrator_reads_a_sample_in_a_project_without_looking_the_project_up(
    ctx, factory, public_client
):
    owner, _ = await factory.person()
    _, headers = await factory.person(administrator=True)
    project = await create_project(ctx, owner, CreateProjectRequest(name="Survey", members=[]))
    sample = await factory.sample(
        ready=True, user={"id": owner["_id"], "handle": owner["handle"]}, all_read=False, project=project.id
    )
    trips = await get(public_client, f"/api/samples/{sample['_id']}", headers, ctx)
    expect(trips, documents=1, sql=1)


async def test_an_analysis_costs_one_round_trip_with_its_key_user_sample_job_and_one_sql_query(
    ctx, factory, public_client
):
    """The key, its user, then the analysis, its sample, its job and files: one round trip."""
    _, headers = await factory.person(administrator=True)
    analysis = await factory.analysis()
    await factory.analysis_job(analysis)
    trips = await get(public_client, f"/api/analyses/{analysis['_id']}", headers, ctx)
    expect(trips, documents=1, sql=1)


@pytest.mark.parametrize("works_on", ["analysis", "create_sample"])
async def test_a_status_post_costs_one_round_trip_which_authenticates_the_job_and_reads_for_live_pages_too(
    ctx, factory, jobs_client, works_on
):
    """The job's update (its key in the condition), its history entry and what pages following the job's work
    live are told about (`live/follow.py`, its reads run with the change: `events.Events.job_state_reads`),
    together: an analysis job's analysis and that analysis's sample; a create-sample job's sample, whose
    rights fields alone are read. The sample was made `importing` when the job was acquired, so a `running`
    report asks for no update of it (`samples/lifecycle.py`)."""
    if works_on == "analysis":
        job = await factory.analysis_job(await factory.analysis())
    else:
        job = await factory.create_sample_job(await factory.sample())
    auth = await acquire(jobs_client, job["_id"])
    url = f"/api/jobs/{job['_id']}/status"
    await jobs_client.post(url, json={"state": "running", "progress": 1}, headers=auth)
    with counted(ctx) as trips:
        response = await jobs_client.post(url, json={"state": "running", "progress": 2}, headers=auth)
        assert response.status == 201, await response.text()
    expect(trips, documents=1, sql=0, hops=1)
