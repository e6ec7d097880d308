"""BLAST of NuVs contigs at NCBI: the backend through the app (waiting, ready, NCBI's errors, expiry), its
client's retries and answers, and the wait between checks growing to each backend's cap."""

from datetime import timedelta

import pytest
from aiohttp import web
from sqlalchemy import select

from tests.support.blasts import CONTIG_THAT_HITS, blast_of, make_due, nuvs_analysis, poll_runner
from virtool_api.analyses.tables import NuvsBlast
from virtool_api.blast.backends import BlastFailed, BlastUnavailable, LocalBlast, NcbiBlast, parse_qblast_info
from virtool_api.blast.service import BlastRunner, start_blast
from virtool_api.utils import utc_now


async def test_ncbi_blast_waits_then_is_ready(public_client, factory, ctx, fake_ncbi):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 2

    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["rid"] == "RID0001XYZ"
    assert body["ready"] is False
    assert body["interval"] == 3
    assert body["last_checked_at"].endswith("Z")
    put = fake_ncbi.requests[0]
    assert put["CMD"] == "Put" and put["PROGRAM"] == "blastn" and put["MEGABLAST"] == "on"
    assert put["DATABASE"] == "nr" and put["FORMAT_TYPE"] == "JSON2" and put["QUERY"] == CONTIG_THAT_HITS

    intervals = []

    async def ready() -> bool:
        await make_due(ctx)
        record = await blast_of(ctx, analysis["_id"], 0)
        intervals.append(record.interval)
        return record.ready

    await poll_runner(public_client, ready)
    record = await blast_of(ctx, analysis["_id"], 0)
    assert record.error is None
    assert record.result["hits"] == [
        {
            "accession": "NC_001367",
            "taxid": 12242,
            "title": "Tobacco mosaic virus, complete genome",
            "name": "Tobacco mosaic virus",
            "len": 6395,
            "identity": 292,
            "evalue": 1.2e-150,
            "align_len": 292,
            "score": 292,
            "bit_score": 540.1,
            "gaps": 0,
        }
    ]
    assert record.result["program"] == "blastn" and record.result["database"] == "nt"
    assert max(intervals) > 3, "the interval grows while NCBI says WAITING"
    assert record.last_checked_at > record.created_at


async def test_ncbi_failed_becomes_a_readable_error(public_client, factory, ctx, fake_ncbi):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 0
    fake_ncbi.final_status = "FAILED"
    await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)

    async def errored() -> bool:
        await make_due(ctx)
        return (await blast_of(ctx, analysis["_id"], 0)).error is not None

    await poll_runner(public_client, errored)
    record = await blast_of(ctx, analysis["_id"], 0)
    assert record.ready is False
    assert record.error == "NCBI reports that the BLAST failed"


async def test_ncbi_unknown_rid_becomes_an_error(public_client, factory, ctx, fake_ncbi):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 0
    fake_ncbi.final_status = "UNKNOWN"
    await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)

    async def errored() -> bool:
        await make_due(ctx)
        return (await blast_of(ctx, analysis["_id"], 0)).error is not None

    await poll_runner(public_client, errored)
    assert "may have expired" in (await blast_of(ctx, analysis["_id"], 0)).error


async def test_malformed_zip_becomes_an_error(public_client, factory, ctx, fake_ncbi):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 0
    fake_ncbi.archive = b"PK\x03\x04 this is not a zip"
    await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)

    async def errored() -> bool:
        await make_due(ctx)
        return (await blast_of(ctx, analysis["_id"], 0)).error is not None

    await poll_runner(public_client, errored)
    assert (await blast_of(ctx, analysis["_id"], 0)).error == "NCBI returned a malformed result"


async def test_expired_blast_gives_up_with_an_error(factory, ctx, fake_ncbi):
    owner, _ = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    fake_ncbi.waiting_checks = 10_000
    runner = BlastRunner(ctx, NcbiBlast(fake_ncbi.url, "nr", 0))
    await start_blast(ctx, runner, owner, analysis["_id"], "0")
    later = utc_now() + timedelta(seconds=ctx.config.blast_max_time + 1)
    assert await runner.poll_once(now=later) == 1
    record = await blast_of(ctx, analysis["_id"], 0)
    assert record.ready is False
    assert record.error == f"The BLAST did not finish within {ctx.config.blast_max_time:.0f} seconds"
    await runner.stop()


async def test_5xx_is_retried(fake_ncbi):
    """A person waits on the submission: one retry. The background checks: up to four attempts."""
    client = NcbiBlast(fake_ncbi.url, "nr", min_request_interval=0)
    try:
        fake_ncbi.failures_before_success = 1
        assert await client.submit("ACGT") == "RID0001XYZ"
        assert len(fake_ncbi.requests) == 2

        fake_ncbi.waiting_checks = 0
        fake_ncbi.failures_before_success = 3
        check = await client.check("RID0001XYZ", "ACGT")
        assert check.status == "READY"
        assert [request.get("FORMAT_OBJECT") for request in fake_ncbi.requests[2:]] == [
            "SearchInfo",
            "SearchInfo",
            "SearchInfo",
            "SearchInfo",
            "Alignment",
        ]
    finally:
        await client.close()


async def test_submission_gives_up_after_two_attempts(fake_ncbi):
    client = NcbiBlast(fake_ncbi.url, "nr", min_request_interval=0)
    fake_ncbi.failures_before_success = 2
    try:
        with pytest.raises(BlastUnavailable, match="NCBI answered 503"):
            await client.submit("ACGT")
    finally:
        await client.close()
    assert len(fake_ncbi.requests) == 2


@pytest.mark.parametrize(("backend", "waits"), [("ncbi", 60.0), ("local", 2.0)])
async def test_the_wait_between_checks_grows_to_the_backends_cap(
    factory, ctx, fake_ncbi, tmp_path, backend, waits
):
    """NCBI's search is checked at most once a minute once it has run a while; a local `blastn` still running
    (here one that never ends, as on a machine too busy to run it) is checked at least every 2 s, so its
    answer shows within 2 s of its end."""
    if backend == "ncbi":
        fake_ncbi.waiting_checks = 10_000
        runner = BlastRunner(ctx, NcbiBlast(fake_ncbi.url, "nr", 0))
    else:
        blastn = tmp_path / "blastn"
        blastn.write_text("#!/bin/sh\nexec sleep 600\n")
        blastn.chmod(0o755)
        runner = BlastRunner(ctx, LocalBlast(str(tmp_path / "db"), blastn=str(blastn)))
    owner, _ = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    await start_blast(ctx, runner, owner, analysis["_id"], "0")
    intervals = []
    now = utc_now()
    for _ in range(12):
        record = await blast_of(ctx, analysis["_id"], 0)
        now += timedelta(seconds=record.interval + 0.1)
        assert await runner.poll_once(now=now) == 1
        intervals.append((await blast_of(ctx, analysis["_id"], 0)).interval)
    assert intervals == sorted(intervals) and intervals[-1] == waits and max(intervals) == waits
    async with ctx.sessions() as session:
        row = (await session.scalars(select(NuvsBlast))).one()
    assert row.ready is False and row.error is None
    assert row.next_check_at - row.last_checked_at == timedelta(seconds=waits)
    await runner.stop()
    await runner.backend.close()


async def test_persistent_5xx_keeps_the_blast_waiting(factory, ctx, fake_ncbi):
    owner, _ = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    runner = BlastRunner(ctx, NcbiBlast(fake_ncbi.url, "nr", 0))
    await start_blast(ctx, runner, owner, analysis["_id"], "0")
    fake_ncbi.failures_before_success = 100
    await runner.poll_once(now=utc_now() + timedelta(seconds=5))
    record = await blast_of(ctx, analysis["_id"], 0)
    assert record.ready is False and record.error is None
    assert record.interval > 3
    await runner.stop()


def test_rid_is_read_from_the_qblast_info_block():
    page = (
        "<p>junk RID = WRONG</p><!--QBlastInfoBegin\n    RID = 7M1MFYJ5014\n    RTOE = 20\nQBlastInfoEnd\n-->"
    )
    assert parse_qblast_info(page) == {"RID": "7M1MFYJ5014", "RTOE": "20"}


async def test_no_rid_in_the_answer_is_a_failure(aiohttp_server):
    async def busy(request: web.Request) -> web.Response:
        return web.Response(text="<html>Server busy</html>")

    app = web.Application()
    app.router.add_route("*", "/", busy)
    server = await aiohttp_server(app)
    client = NcbiBlast(str(server.make_url("/")), "nr", min_request_interval=0)
    try:
        with pytest.raises(BlastFailed, match="NCBI did not return a request id"):
            await client.submit("ACGT")
    finally:
        await client.close()
