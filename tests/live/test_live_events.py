"""`GET /api/events`: the changes each person may read, as server-sent events, in one process (the embedded
default: the change feed is in the process). Two processes through Redis: `test_live_events_processes.py`."""

import asyncio
import signal
from typing import Any

import aiohttp
import pytest

from tests.support.jobs import acquire
from tests.support.live_events import EventStream, about
from tests.support.real_server import running_server
from virtool_api.api.keys import CONTEXT
from virtool_api.config import Config
from virtool_api.server.context import create_context
from virtool_api.users.keys import create_api_key
from virtool_api.users.service import create_user


async def stream(client, headers: dict[str, str], last_id: str | None = None) -> EventStream:  # type: ignore[no-untyped-def]
    extra = {"Last-Event-ID": last_id} if last_id else {}
    response = await client.get("/api/events", headers={**headers, **extra})
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    return EventStream(response)


async def rename(client, sample: dict[str, Any], headers: dict[str, str], name: str) -> None:  # type: ignore[no-untyped-def]
    response = await client.patch(f"/api/samples/{sample['_id']}", json={"name": name}, headers=headers)
    assert response.status == 200, await response.text()


@pytest.fixture
async def people(factory) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    bob, bob_key = await factory.person(handle="bob")
    _, carol_key = await factory.person(handle="carol")
    _, admin_key = await factory.person(administrator=True)
    owner = {"id": bob["_id"], "handle": "bob"}
    private = await factory.sample(ready=True, user=owner, all_read=False, all_write=False)
    public = await factory.sample(
        ready=True, user=owner, all_read=False, all_write=False, visibility="public"
    )
    return {"bob": bob_key, "carol": carol_key, "admin": admin_key, "private": private, "public": public}


async def test_events_need_a_signed_in_person(public_client):
    response = await public_client.get("/api/events")
    assert response.status == 401


async def test_a_reader_who_may_not_read_a_sample_gets_none_of_its_events(public_client, people):
    carol = await stream(public_client, people["carol"])
    admin = await stream(public_client, people["admin"])

    await rename(public_client, people["private"], people["bob"], "Private, renamed")
    await rename(public_client, people["public"], people["bob"], "Public, renamed")

    heard, before = await carol.until(about("samples", people["public"]["_id"]))
    assert heard.data == {"resource": "samples", "id": people["public"]["_id"], "action": "update"}
    assert before == []  # nothing of the private sample came first
    _, before = await admin.until(about("samples", people["public"]["_id"]))
    assert [event.data["id"] for event in before] == [people["private"]["_id"]]


async def test_a_runner_report_reaches_the_job_owner_and_the_sample_it_creates(
    public_client, jobs_client, factory, people
):
    admin = await stream(public_client, people["admin"])
    carol = await stream(public_client, people["carol"])
    sample = await factory.sample(all_read=False, all_write=False)
    job = await factory.create_sample_job(sample)
    await admin.until(about("jobs", job["_id"]))  # a new job
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status",
        json={"state": "running", "progress": 40, "stage": "import"},
        headers=auth,
    )
    assert response.status == 201

    await admin.until(lambda event: event.data.get("id") == job["_id"])  # acquired
    await admin.until(lambda event: event.data.get("id") == job["_id"])  # running at 40 %
    await admin.until(about("samples", sample["_id"]))  # the sample follows its job
    # Carol owns neither the job nor the sample: the next thing she hears is the public sample's change.
    await rename(public_client, people["public"], people["bob"], "Public again")
    _, before = await carol.until(about("samples", people["public"]["_id"]))
    assert before == []


async def test_a_page_that_reconnects_with_last_event_id_misses_nothing(public_client, people):
    first = await stream(public_client, people["admin"])
    await rename(public_client, people["public"], people["bob"], "One")
    seen, _ = await first.until(about("samples", people["public"]["_id"]))
    first.response.close()  # the page lost its connection

    await rename(public_client, people["private"], people["bob"], "Two")
    await rename(public_client, people["public"], people["bob"], "Three")
    await rename(public_client, people["private"], people["bob"], "Four")

    again = await stream(public_client, people["admin"], last_id=seen.id)
    missed = [await again.next() for _ in range(3)]
    assert [event.data["id"] for event in missed] == [
        people["private"]["_id"],
        people["public"]["_id"],
        people["private"]["_id"],
    ]
    ids = [seen.id, *(event.id for event in missed)]
    assert ids == sorted(ids, key=lambda value: tuple(int(part) for part in value.split("-")))
    await rename(public_client, people["public"], people["bob"], "Five")  # and then live ones
    live = await again.next()
    assert live.data["id"] == people["public"]["_id"]


async def test_an_id_the_feed_cannot_resume_from_asks_the_page_to_reload(public_client, people):
    for last_id in ("1-1", "not an id"):  # another process's in-memory feed; garbage
        events = await stream(public_client, people["admin"], last_id=last_id)
        assert (await events.next()).event == "reset"


async def test_a_stopping_server_ends_the_streams(public_client, people):
    events = await stream(public_client, people["admin"])
    public_client.server.app[CONTEXT].changes.end_streams()
    with pytest.raises(EOFError):
        await events.next()


async def test_starting_and_removing_an_analysis_is_heard_by_its_samples_readers(
    public_client, factory, people
):
    reader = await stream(public_client, people["bob"])
    analysis = await factory.analysis(people["public"])
    response = await public_client.post(
        f"/api/samples/{people['public']['_id']}/analyses",
        json={"workflow": "nuvs", "ref_id": analysis["reference"]["id"], "subtractions": []},
        headers=people["admin"],
    )
    assert response.status == 201, await response.text()
    started = (await response.json())["id"]

    heard, _ = await reader.until(about("analyses", started))
    assert heard.data["action"] == "create"
    response = await public_client.put(
        f"/api/jobs/{(await response.json())['job']['id']}/cancel", headers=people["admin"]
    )
    assert (await public_client.delete(f"/api/analyses/{started}", headers=people["admin"])).status == 204
    removed, before = await reader.until(lambda event: event.data.get("action") == "delete")
    assert removed.data == {"resource": "analyses", "id": started, "action": "delete"}
    assert any(event.data["resource"] == "samples" for event in before)  # its analyses' state changed


async def test_a_stopping_server_is_not_held_up_by_open_streams(tmp_path):
    """SIGTERM with a page listening: the stream ends at once and the process stops, long before its grace
    period (120 s here, which an open stream would otherwise use up)."""
    data_path = tmp_path / "data"
    ctx = await create_context(Config(data_path=data_path))
    try:
        _, key = await create_user_with_key_for_test(ctx)
    finally:
        await ctx.close()
    with running_server("public", data_path, "--shutdown-timeout=120") as (process, url):
        async with aiohttp.ClientSession() as session:
            response = await session.get(f"{url}/api/events", headers={"X-API-Key": key})
            assert response.status == 200
            events = EventStream(response)
            process.send_signal(signal.SIGTERM)
            with pytest.raises(EOFError):
                await events.next()
        await asyncio.to_thread(process.wait, 60)  # a bound against hanging, half the grace period
        assert process.returncode == 0


async def create_user_with_key_for_test(ctx):  # type: ignore[no-untyped-def]
    user = await create_user(ctx, "listener", administrator=True)
    return await create_api_key(ctx, user["_id"], "tests")


async def test_an_analysis_runners_report_is_heard_by_its_samples_readers_only(
    public_client, jobs_client, factory, people
):
    bob = await stream(public_client, people["bob"])
    carol = await stream(public_client, people["carol"])
    analysis = await factory.analysis(people["private"])
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status", json={"state": "running", "progress": 40}, headers=auth
    )
    assert response.status == 201

    await rename(public_client, people["public"], people["bob"], "Public, after the report")

    # Bob owns the sample (not the job): he hears the analysis and then its sample, for the acquisition and
    # again for the report.
    _, before = await bob.until(about("samples", people["public"]["_id"]))
    heard = [(event.data["resource"], event.data["id"], event.data["action"]) for event in before]
    assert heard[-4:] == 2 * [
        ("analyses", analysis["_id"], "update"),
        ("samples", people["private"]["_id"], "update"),
    ]
    # Carol may read neither: the next thing she hears is the public sample's change.
    _, before = await carol.until(about("samples", people["public"]["_id"]))
    assert before == []


async def test_an_analysis_runners_report_reaches_its_sample_by_the_samples_rights_as_they_are_now(
    public_client, jobs_client, factory, people
):
    """The sample's change is heard by whoever may read the sample now, whatever the analysis's copy of its
    rights fields says (a copy follows the sample a moment later: `analyses/sample_access.py`)."""
    carol = await stream(public_client, people["carol"])
    analysis = await factory.analysis(people["private"])
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    # The sample becomes readable by all; its analysis's copy has not followed yet.
    await factory.ctx.db.samples.update_one({"_id": people["private"]["_id"]}, {"$set": {"all_read": True}})
    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status", json={"state": "running", "progress": 40}, headers=auth
    )
    assert response.status == 201

    heard, before = await carol.until(about("samples", people["private"]["_id"]))
    assert heard.data == {"resource": "samples", "id": people["private"]["_id"], "action": "update"}
    assert before == []  # the analysis's change went to its copy's readers: not Carol
