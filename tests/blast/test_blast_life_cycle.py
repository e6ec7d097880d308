"""BLAST of NuVs contigs, the record's life cycle: a repeat replaces it, deleting the analysis removes it, it
resumes after a restart, and a crashed process's claim expires."""

from datetime import timedelta

from sqlalchemy import event, select

from tests.support.blasts import blast_of, make_due, nuvs_analysis, poll_runner
from virtool_api.analyses.blasts import CLAIM_LEASE, blasts_by_sequence
from virtool_api.analyses.files import purge_analysis_files
from virtool_api.analyses.tables import NuvsBlast
from virtool_api.blast.backends import NcbiBlast
from virtool_api.blast.service import BlastRunner, start_blast
from virtool_api.server.app import create_public_app
from virtool_api.server.context import create_context
from virtool_api.utils import utc_now


async def test_repeat_put_replaces_the_blast(public_client, factory, ctx, fake_ncbi):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 10_000
    first = await (
        await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    ).json()
    second = await (
        await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    ).json()
    assert first["rid"] != second["rid"]
    async with ctx.sessions() as session:
        rows = (await session.scalars(select(NuvsBlast))).all()
    assert [(row.sequence_index, row.rid) for row in rows] == [(0, second["rid"])]


async def test_delete_analysis_removes_its_blasts(factory, ctx, fake_ncbi):
    owner, _ = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    runner = BlastRunner(ctx, NcbiBlast(fake_ncbi.url, "nr", 0))
    await start_blast(ctx, runner, owner, analysis["_id"], "3")
    await purge_analysis_files(ctx, analysis["_id"])
    assert await blasts_by_sequence(ctx, analysis["_id"]) == {}
    await runner.stop()


async def test_blast_resumes_after_a_restart(ctx, aiohttp_client, factory, fake_ncbi):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 10_000

    first = await aiohttp_client(create_public_app(ctx))
    response = await first.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 200
    await first.close()  # the server stops with the BLAST still running

    async with ctx.sessions() as session:
        row = (await session.scalars(select(NuvsBlast))).one()
    assert row.ready is False and row.claimed_by is None, "a stopping server hands its claims back"

    fake_ncbi.waiting_checks = 0
    restarted_ctx = await create_context(ctx.config, migrate_schema=False)
    try:
        second = await aiohttp_client(create_public_app(restarted_ctx))

        async def ready() -> bool:
            await make_due(restarted_ctx)
            return (await blast_of(restarted_ctx, analysis["_id"], 0)).ready

        await poll_runner(second, ready)
        await second.close()
    finally:
        await restarted_ctx.close()


async def test_a_runner_that_never_claimed_writes_nothing_when_it_stops(ctx, fake_ncbi):
    """Every public process starts and stops a runner (each test's app too): one that took no claim has none
    to hand back, and stops without a SQL write."""
    written: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith("SELECT"):
            written.append(statement)

    event.listen(ctx.engine.sync_engine, "before_cursor_execute", record)
    try:
        runner = BlastRunner(ctx, NcbiBlast(fake_ncbi.url, "nr", 0))
        runner.start()
        assert await runner.poll_once() == 0  # nothing due
        await runner.stop()
    finally:
        event.remove(ctx.engine.sync_engine, "before_cursor_execute", record)
    assert written == []


async def test_a_crashed_process_claim_expires_and_is_taken_over(factory, ctx, fake_ncbi):
    owner, _ = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    crashed = BlastRunner(ctx, NcbiBlast(fake_ncbi.url, "nr", 0))
    await start_blast(ctx, crashed, owner, analysis["_id"], "0")
    fake_ncbi.waiting_checks = 0

    other = BlastRunner(ctx, NcbiBlast(fake_ncbi.url, "nr", 0))
    soon = utc_now() + timedelta(seconds=5)
    assert await other.poll_once(now=soon) == 0, "another process's live claim is respected"
    after_lease = utc_now() + CLAIM_LEASE + timedelta(seconds=5)
    assert await other.poll_once(now=after_lease) == 1
    assert (await blast_of(ctx, analysis["_id"], 0)).ready is True
    await other.stop()
    await crashed.backend.close()
