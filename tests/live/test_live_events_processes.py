"""Live events across server processes, on PostgreSQL and Redis as a lab that scales out runs them: a change
made through one process reaches a page connected to another (through the Redis stream), and a page that
reconnects to a different process resumes where it was (`Last-Event-ID`). Skipped, saying why, without
`VIRTOOL_TEST_POSTGRES_URL` and `VIRTOOL_TEST_REDIS_URL`.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from tests.support.jobs import acquire
from tests.support.live_events import EventStream, about
from tests.support.real_server import running_servers
from tests.support.workers import POSTGRES_URL
from virtool_api.config import Config


@pytest.fixture
def servers(config: Config, redis_url: str, ctx) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    """Two public-API processes and a job-API process over the same stores (`ctx` made the schema)."""
    if not POSTGRES_URL:
        pytest.skip(
            "needs PostgreSQL: set VIRTOOL_TEST_POSTGRES_URL (several processes share its file records)"
        )
    options = [f"--postgres-url={POSTGRES_URL}", f"--redis-url={redis_url}", "--no-migrate"]
    if config.mongodb_url:
        options.append(f"--mongodb-url={config.mongodb_url}")
    with running_servers(["public", "public", "jobs"], config.data_path, *options) as started:
        (_, first), (_, second), (_, jobs) = started
        yield {"first": first, "second": second, "jobs": jobs}


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


async def listen(session, url: str, headers: dict[str, str], last_id: str | None = None) -> EventStream:  # type: ignore[no-untyped-def]
    extra = {"Last-Event-ID": last_id} if last_id else {}
    response = await session.get(f"{url}/api/events", headers={**headers, **extra})
    assert response.status == 200
    events = EventStream(response)
    return events


async def rename(session, url: str, sample_id: str, headers: dict[str, str], name: str) -> None:  # type: ignore[no-untyped-def]
    async with session.patch(
        f"{url}/api/samples/{sample_id}", json={"name": name}, headers=headers
    ) as response:
        assert response.status == 200, await response.text()


async def test_a_change_through_one_process_reaches_a_page_on_another(servers, session, factory):
    _, admin = await factory.person(administrator=True)
    sample = await factory.sample(ready=True)
    events = await listen(session, servers["second"], admin)

    await rename(session, servers["first"], sample["_id"], admin, "Renamed through the first")

    heard, _ = await events.until(about("samples", sample["_id"]))
    assert heard.data["action"] == "update"


async def test_a_runner_report_through_the_job_api_reaches_the_pages(servers, session, factory):
    _, admin = await factory.person(administrator=True)
    sample = await factory.sample(all_read=False, all_write=False)
    job = await factory.create_sample_job(sample)
    events = await listen(session, servers["second"], admin)
    auth = await acquire(session_client(session, servers["jobs"]), job["_id"])
    report = {"state": "running", "progress": 60, "stage": "import"}
    async with session.post(
        f"{servers['jobs']}/api/jobs/{job['_id']}/status", json=report, headers=auth
    ) as answer:
        assert answer.status == 201

    await events.until(about("jobs", job["_id"]))
    await events.until(about("samples", sample["_id"]))


async def test_a_reader_without_rights_on_a_sample_hears_nothing_of_it_from_any_process(
    servers, session, factory
):
    bob, bob_key = await factory.person(handle="bob")
    _, carol = await factory.person(handle="carol")
    owner = {"id": bob["_id"], "handle": "bob"}
    private = await factory.sample(ready=True, user=owner, all_read=False, all_write=False)
    public = await factory.sample(
        ready=True, user=owner, all_read=False, all_write=False, visibility="public"
    )
    events = await listen(session, servers["second"], carol)

    await rename(session, servers["first"], private["_id"], bob_key, "Private, renamed")
    await rename(session, servers["first"], public["_id"], bob_key, "Public, renamed")

    _, before = await events.until(about("samples", public["_id"]))
    assert before == []


async def test_reconnecting_to_another_process_with_last_event_id_misses_nothing(servers, session, factory):
    _, admin = await factory.person(administrator=True)
    samples = [await factory.sample(ready=True) for _ in range(3)]
    first = await listen(session, servers["first"], admin)
    await rename(session, servers["second"], samples[0]["_id"], admin, "Zero")
    seen, _ = await first.until(about("samples", samples[0]["_id"]))
    first.response.close()  # the page's process went away; it reconnects to the other

    for number, sample in enumerate(samples):
        await rename(session, servers["first"], sample["_id"], admin, f"Missed {number}")

    again = await listen(session, servers["second"], admin, last_id=seen.id)
    missed = [await again.next() for _ in samples]
    assert [event.data["id"] for event in missed] == [sample["_id"] for sample in samples]


class session_client:
    """`tests.support.jobs.acquire` over a real server: `.patch(path, json=...)` against its URL."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url

    async def patch(self, path: str, **options: Any) -> Any:
        response = await self.session.patch(self.url + path, **options)
        await response.read()
        return response
