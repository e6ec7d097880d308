"""A server process killed (SIGKILL) half-way through creating a sample leaves nothing that the next start
does not undo: no sample stuck with `job: null`, no upload reserved by nothing, no job for a sample that is
gone.

The kill is real: `VIRTOOL_TEST_CRASH_AT` makes the server process deliver itself SIGKILL exactly between two
steps (`virtool_api/crash_points.py` says why that is more reliable than killing it from outside). The SQL
store is PostgreSQL when `VIRTOOL_TEST_POSTGRES_URL` is set, SQLite otherwise.
"""

import asyncio
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, update

from tests.support.factory import Factory
from tests.support.forked import virtool_api_process
from tests.support.reads import FASTQ_GZ, multipart_file
from tests.support.real_server import free_port, stop, wait_for_port
from tests.support.stores import copy_migrated_sqlite, truncate_postgres
from tests.support.workers import POSTGRES_URL
from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.samples.repair import repair_interrupted_creations
from virtool_api.server.context import create_context
from virtool_api.uploads.reservations import reserve_uploads
from virtool_api.uploads.tables import Upload


@contextmanager
def public_server(data_path: Path, *options: str, crash_at: str | None = None) -> Iterator[Any]:
    """`virtool-api serve --only public` on a free port; yields `(process, base URL)`; stopped on leaving."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if key != "VIRTOOL_TEST_CRASH_AT"}
    if crash_at:
        environment["VIRTOOL_TEST_CRASH_AT"] = crash_at
    process = virtool_api_process(
        [
            "--log-level=warning",
            "serve",
            "--only=public",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--data-path={data_path}",
            *([f"--postgres-url={POSTGRES_URL}"] if POSTGRES_URL else []),
            *options,
        ],
        env=environment,
    )
    try:
        wait_for_port(process, port, timeout=60)
        yield process, f"http://127.0.0.1:{port}/api"
    finally:
        stop(process)


async def open_stores(data_path: Path) -> Context:
    return await create_context(
        Config(data_path=data_path, postgres_url=POSTGRES_URL), migrate_schema=POSTGRES_URL is None
    )


@pytest.fixture
async def stores(tmp_path: Path, postgres_schema: str | None, migrated_sqlite: Path) -> dict[str, Any]:
    """An empty data path (and PostgreSQL, when set) with one user; the test's servers run on it."""
    data_path = tmp_path / "data"
    if postgres_schema:
        await truncate_postgres(postgres_schema)
    else:
        copy_migrated_sqlite(migrated_sqlite, data_path)
    ctx = await open_stores(data_path)
    try:
        user, headers = await Factory(ctx).person()
    finally:
        await ctx.close()
    return {"data_path": data_path, "user": user, "headers": headers}


async def upload_then_create(base: str, headers: dict[str, str]) -> tuple[int, aiohttp.ClientResponse | None]:
    """Upload reads, then ask for a sample made of them; the response is None if the server died."""
    async with aiohttp.ClientSession(headers=headers) as session:
        response = await session.post(
            f"{base}/uploads", params={"name": "reads.fq.gz", "type": "reads"}, data=multipart_file(FASTQ_GZ)
        )
        assert response.status == 201, await response.text()
        upload_id = (await response.json())["id"]
        try:
            response = await session.post(f"{base}/samples", json={"name": "Vine 1", "files": [upload_id]})
        except aiohttp.ClientError:
            return upload_id, None
        return upload_id, response


async def listed(session: aiohttp.ClientSession, url: str) -> dict:
    """A listing's body, after checking it is one (a failure shows what the server answered instead)."""
    async with session.get(url) as response:
        assert response.status == 200, f"{url}: {response.status} {await response.text()}"
        return await response.json()


@pytest.mark.parametrize("crash_at", ["sample_created", "uploads_reserved", "job_created"])
async def test_a_creation_killed_half_way_is_undone_at_the_next_start(stores, crash_at: str) -> None:
    data_path, headers = stores["data_path"], stores["headers"]

    with public_server(data_path, crash_at=crash_at) as (process, base):
        upload_id, response = await upload_then_create(base, headers)
        assert response is None, "the server answered instead of dying"
        assert await asyncio.to_thread(process.wait, 30) == -signal.SIGKILL

    # What the crash left: the state the issue found.
    ctx = await open_stores(data_path)
    try:
        [sample] = await ctx.db.samples.find({"name": "Vine 1"}).to_list(None)
        assert (sample["job"], sample["status"]) == (None, "awaiting_data")
        async with ctx.sessions() as session:
            upload = await session.get(Upload, upload_id)
        assert upload.reserved is (crash_at != "sample_created")
        jobs = await ctx.db.jobs.find({"args.sample_id": sample["_id"]}).to_list(None)
        assert len(jobs) == (crash_at == "job_created")
    finally:
        await ctx.close()

    # The next start undoes it before it serves.
    with public_server(data_path, "--creation-timeout=0") as (_, base):
        async with aiohttp.ClientSession(headers=headers) as session:
            assert (await listed(session, f"{base}/samples"))["found_count"] == 0
            [upload] = (await listed(session, f"{base}/uploads"))["documents"]
            assert (upload["id"], upload["reserved"]) == (upload_id, False)
            assert (await listed(session, f"{base}/jobs"))["found_count"] == 0

            # The same request, sent again, now succeeds: the name and the upload are free.
            response = await session.post(f"{base}/samples", json={"name": "Vine 1", "files": [upload_id]})
            assert response.status == 201, await response.text()
            assert (await response.json())["job"] is not None


async def test_a_young_interrupted_creation_is_left_alone(ctx, factory) -> None:
    """Another process may still be creating it: only `creation_timeout` later is it taken for a crash's."""
    user, _ = await factory.person()
    sample = await factory.sample(user={"id": user["_id"], "handle": user["handle"]})
    assert not await repair_interrupted_creations(ctx, older_than=60)
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is not None
    repaired = await repair_interrupted_creations(ctx, older_than=0)
    assert repaired.samples == 1
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None


async def post_upload(public_client, headers: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    response = await public_client.post(
        "/api/uploads",
        params={"name": "reads.fq.gz", "type": "reads"},
        data=multipart_file(FASTQ_GZ),
        headers=headers,
    )
    assert response.status == 201
    return (await response.json())["id"]


async def upload_row(ctx: Context, upload_id: int) -> Upload:
    async with ctx.sessions() as session:
        return await session.get(Upload, upload_id)


async def test_reservations_of_a_removed_sample_are_freed(ctx, factory, public_client) -> None:
    """A process killed between removing a sample and freeing its uploads: the next repair frees them."""
    user, headers = await factory.person()
    upload_id = await post_upload(public_client, headers)
    await reserve_uploads(ctx, user, [upload_id], "gone")  # "gone" names no sample
    assert (await public_client.delete(f"/api/uploads/{upload_id}", headers=headers)).status == 409

    repaired = await repair_interrupted_creations(ctx, older_than=60)

    assert repaired.holders == 1
    assert (await upload_row(ctx, upload_id)).reserved is False
    assert (await public_client.delete(f"/api/uploads/{upload_id}", headers=headers)).status == 204


async def test_removing_a_sample_stuck_without_a_job_frees_its_uploads(ctx, factory, public_client) -> None:
    """The issue: uploads stayed reserved even after deleting the stuck samples."""
    user, headers = await factory.person()
    upload_id = await post_upload(public_client, headers)
    sample = await factory.sample(user={"id": user["_id"], "handle": user["handle"]})
    await reserve_uploads(ctx, user, [upload_id], sample["_id"])

    assert (await public_client.delete(f"/api/samples/{sample['_id']}", headers=headers)).status == 204

    assert (await upload_row(ctx, upload_id)).reserved is False


async def test_reservations_older_than_their_sample_names_are_adopted_or_freed(ctx, factory, public_client):
    """Reservations made before migration 0005 name no sample: the repair gives them to the sample whose
    create-sample job names them, and frees those no sample holds."""
    _, headers = await factory.person()
    response = await public_client.post(
        "/api/uploads",
        params={"name": "r.fq.gz", "type": "reads"},
        data=multipart_file(FASTQ_GZ),
        headers=headers,
    )
    held_id = (await response.json())["id"]
    orphan_id = await post_upload(public_client, headers)
    response = await public_client.post(
        "/api/samples", json={"name": "Vine 2", "files": [held_id]}, headers=headers
    )
    assert response.status == 201
    sample = await response.json()
    async with ctx.sessions() as session:
        # How a reservation looked before 0005: reserved, by nobody in particular.
        await session.execute(
            update(Upload).where(Upload.id.in_([held_id, orphan_id])).values(reserved=True, reserved_by=None)
        )
        await session.commit()

    repaired = await repair_interrupted_creations(ctx, older_than=60)

    assert repaired.legacy == 1
    held, orphan = await upload_row(ctx, held_id), await upload_row(ctx, orphan_id)
    assert (held.reserved, held.reserved_by) == (True, sample["id"])
    assert (orphan.reserved, orphan.reserved_by) == (False, None)
    async with ctx.sessions() as session:
        reserved = (await session.scalars(select(Upload.id).where(Upload.reserved.is_(True)))).all()
    assert list(reserved) == [held_id]
    assert (await ctx.db.samples.find_one({"_id": sample["id"]}))["job"] is not None
