"""BLAST of NuVs contigs: the spec's error table, the record life cycle, both backends, restarts."""

import asyncio
import io
import json
import random
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import event, select

from virtool_api.analyses.blasts import blasts_by_sequence
from virtool_api.analyses.tables import NuvsBlast
from virtool_api.blast.backends import BlastFailed, LocalBlast, NcbiBlast, parse_qblast_info
from virtool_api.blast.service import BlastRunner, start_blast
from virtool_api.server.app import create_public_app
from virtool_api.server.context import create_context
from virtool_api.users.service import user_ref
from virtool_api.utils import utc_now

rng = random.Random(20261123)
KNOWN = "".join(rng.choice("ACGT") for _ in range(600))
UNRELATED = "".join(rng.choice("ACGT") for _ in range(300))
CONTIG_THAT_HITS = KNOWN[100:400]


def json2_zip(rid: str, hits: list[dict[str, Any]]) -> bytes:
    report = {
        "BlastOutput2": {
            "report": {
                "program": "blastn",
                "version": "BLASTN 2.16.0+",
                "search_target": {"db": "nt"},
                "results": {"search": {"hits": hits}},
            }
        }
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(f"{rid}.json", json.dumps({"BlastJSON": [{"File": f"{rid}_1.json"}]}))
        bundle.writestr(f"{rid}_1.json", json.dumps(report))
    return buffer.getvalue()


NCBI_HIT = {
    "num": 1,
    "description": [
        {
            "accession": "NC_001367",
            "title": "Tobacco mosaic virus, complete genome",
            "taxid": 12242,
            "sciname": "Tobacco mosaic virus",
        }
    ],
    "len": 6395,
    "hsps": [
        {"bit_score": 540.1, "score": 292, "evalue": 1.2e-150, "identity": 292, "align_len": 292, "gaps": 0}
    ],
}


class FakeNcbi:
    """Just enough of NCBI's BLAST URL API: Put, SearchInfo, JSON2 Alignment."""

    def __init__(self) -> None:
        self.waiting_checks = 1
        self.final_status = "READY"
        self.archive: bytes | None = None
        self.failures_before_success = 0
        self.requests: list[dict[str, str]] = []
        self._checks: dict[str, int] = {}
        self._count = 0

    async def handle(self, request: web.Request) -> web.Response:
        params = dict(request.query)
        if request.method == "POST":
            params.update(dict(await request.post()))
        self.requests.append(params)
        if self.failures_before_success > 0:
            self.failures_before_success -= 1
            return web.Response(status=503, text="busy")
        if params.get("CMD") == "Put":
            self._count += 1
            rid = f"RID{self._count:04d}XYZ"
            return web.Response(
                text=f"<html><!--QBlastInfoBegin\n    RID = {rid}\n    RTOE = 12\nQBlastInfoEnd\n--></html>"
            )
        rid = params["RID"]
        if params.get("FORMAT_OBJECT") == "SearchInfo":
            seen = self._checks[rid] = self._checks.get(rid, 0) + 1
            status = "WAITING" if seen <= self.waiting_checks else self.final_status
            return web.Response(text=f"<!--QBlastInfoBegin\n\tStatus={status}\nQBlastInfoEnd\n-->")
        body = self.archive if self.archive is not None else json2_zip(rid, [NCBI_HIT])
        return web.Response(body=body, content_type="application/zip")


@pytest.fixture
async def fake_ncbi(aiohttp_server):
    fake = FakeNcbi()
    app = web.Application()
    app.router.add_route("*", "/Blast.cgi", fake.handle)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url("/Blast.cgi"))
    return fake


@pytest.fixture
def config(config, fake_ncbi):
    return replace(config, blast_backend="ncbi", blast_ncbi_url=fake_ncbi.url, blast_min_request_interval=0)


async def nuvs_analysis(factory, owner: dict[str, Any], ready: bool = True, workflow: str = "nuvs"):
    sample = await factory.sample(ready=True, user=user_ref(owner))
    analysis = await factory.analysis(sample=sample, workflow=workflow)
    results = {
        "hits": [
            {"index": 0, "sequence": CONTIG_THAT_HITS, "orfs": []},
            {"index": 3, "sequence": UNRELATED, "orfs": []},
        ]
    }
    await factory.ctx.db.analyses.update_one(
        {"_id": analysis["_id"]}, {"$set": {"ready": ready, "results": results if ready else None}}
    )
    return analysis


async def poll_runner(client, predicate, seconds: float = 20.0) -> None:
    """Drive the app's runner until `predicate()` holds (the background loop also runs; both are safe)."""
    for _ in range(int(seconds / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def blast_of(ctx, analysis_id: str, index: int):
    return (await blasts_by_sequence(ctx, analysis_id)).get(index)


async def make_due(ctx) -> None:
    """Skip the growing wait between checks: tests measure behaviour, not time."""
    async with ctx.sessions() as session:
        for row in (await session.scalars(select(NuvsBlast))).all():
            row.next_check_at = utc_now() - timedelta(seconds=1)
        await session.commit()


# The spec's error table.


async def test_unknown_analysis_is_404_analysis_not_found(public_client, factory):
    _, headers = await factory.person()
    response = await public_client.put("/api/analyses/nothere/0/blast", json={}, headers=headers)
    assert response.status == 404
    assert await response.json() == {"id": "not_found", "message": "Analysis not found"}


async def test_missing_parent_sample_is_400(public_client, factory, ctx):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    await ctx.db.samples.delete_one({"_id": analysis["sample"]["id"]})
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Parent sample does not exist"}


async def test_without_write_right_is_403(public_client, factory):
    owner, _ = await factory.person()
    _, stranger_headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    response = await public_client.put(
        f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=stranger_headers
    )
    assert response.status == 403
    assert await response.json() == {"id": "insufficient_rights", "message": "Insufficient rights"}


async def test_unknown_sequence_is_404_sequence_not_found(public_client, factory):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    for index in ("7", "x", "-1"):
        response = await public_client.put(
            f"/api/analyses/{analysis['_id']}/{index}/blast", json={}, headers=headers
        )
        assert response.status == 404
        assert await response.json() == {"id": "not_found", "message": "Sequence not found"}


async def test_not_nuvs_is_409(public_client, factory):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner, workflow="pathoscope_bowtie")
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Not a NuVs analysis"}


async def test_running_analysis_is_409(public_client, factory):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner, ready=False)
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Analysis is still running"}


async def test_anonymous_is_401(public_client, factory):
    owner, _ = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={})
    assert response.status == 401


# The NCBI backend through the app.


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
    from virtool_api.blast.backends import BlastUnavailable

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


# Life cycle: replace, attach, delete, restart.


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
    from virtool_api.analyses.files import purge_analysis_files

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
    from virtool_api.analyses.blasts import CLAIM_LEASE

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


# The local backend: BLAST+ against a tiny database built here.

requires_blastn = pytest.mark.skipif(
    shutil.which("blastn") is None or shutil.which("makeblastdb") is None,
    reason="BLAST+ is not installed (Debian package ncbi-blast+; .ci/run installs it)",
)


@requires_blastn
async def test_local_blast_finds_the_known_sequence_and_not_the_unrelated_one(
    ctx, aiohttp_client, factory, tmp_path
):
    fasta = tmp_path / "known.fa"
    fasta.write_text(f">KNOWN001 Known plant virus segment\n{KNOWN}\n")
    database = tmp_path / "blastdb" / "known"
    subprocess.run(
        ["makeblastdb", "-in", str(fasta), "-dbtype", "nucl", "-out", str(database), "-parse_seqids"],
        check=True,
        capture_output=True,
    )
    local_ctx = replace(ctx, config=replace(ctx.config, blast_backend="local", blast_database=str(database)))
    client = await aiohttp_client(create_public_app(local_ctx))
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)

    for index in (0, 3):
        url = f"/api/analyses/{analysis['_id']}/{index}/blast"
        response = await client.put(url, json={}, headers=headers)
        assert response.status == 200
        assert (await response.json())["rid"].startswith("LOCAL-")

    async def both_ready() -> bool:
        await make_due(ctx)
        records = await blasts_by_sequence(ctx, analysis["_id"])
        assert all(record.error is None for record in records.values()), records
        return all(record.ready for record in records.values())

    await poll_runner(client, both_ready, seconds=60)
    records = await blasts_by_sequence(ctx, analysis["_id"])
    hits = records[0].result["hits"]
    assert [hit["accession"] for hit in hits] == ["KNOWN001"]
    assert hits[0]["identity"] == len(CONTIG_THAT_HITS) and hits[0]["gaps"] == 0
    assert records[3].result["hits"] == []
    assert records[0].result["program"] == "blastn"


def test_serve_refuses_the_local_backend_without_a_database(tmp_path):
    from click.testing import CliRunner

    from virtool_api.cli import main

    result = CliRunner().invoke(
        main, ["serve", "--data-path", str(tmp_path / "data"), "--blast-backend", "local"]
    )
    assert result.exit_code == 1
    assert "the local BLAST backend needs --blast-database" in result.output
