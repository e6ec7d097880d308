"""What goes wrong while our runner works, and what is left: a cancel from the page, a runner killed with
SIGKILL, a tool that fails, a tool that is missing. Nothing is lost, nothing is half-finalized, and no tool
outlives its job. The runner here is a real process (`virtool-api runner`) against the test's apps."""

import asyncio
import dataclasses
import functools
import os
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.support.forked import ForkedProcess, virtool_api_process
from tests.support.reads import QUALITY
from tests.support.real_server import stop
from tests.support.references_helpers import DEMO_DATA
from tests.support.runner_world import build_index, job_end, ready_sample, start_analysis
from virtool_api.dev import simulate
from virtool_api.dev.hmms import read_fasta_gz
from virtool_api.runner.tools import BOWTIE2, why_missing
from virtool_api.server.app import create_jobs_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(why_missing([BOWTIE2]) is not None, reason=f"needs Bowtie2: {why_missing([BOWTIE2])}"),
]

WAIT = 120.0
PING_INTERVAL = 0.5
"""Seconds between the runners' pings here (3 by default): a cancel from the page is heard at the next one."""


@pytest.fixture
async def jobs_app_client(ctx, aiohttp_client):
    """The job API with a short ping timeout (4 s, checked every 0.5 s; the runners here ping every
    `PING_INTERVAL` s), so a dead runner's job times out soon."""
    config = dataclasses.replace(ctx.config, job_ping_timeout=4.0, timeout_check_interval=0.5)
    return await aiohttp_client(create_jobs_app(dataclasses.replace(ctx, config=config)))


@asynccontextmanager
async def runner_process(
    jobs_url: str, work_path: Path, path: str | None = None
) -> AsyncIterator[ForkedProcess]:
    """`virtool-api runner`, forked from the worker's zygote (`tests/support/forked.py`). Stopped from a
    thread: a stopping runner's last requests (a job's end, its report) go to this test's own apps, on this
    event loop, which must keep answering meanwhile; `stop` on the loop held them until the runner was
    killed 60 s later (one run in two or three, as a test of 4 s taking 64)."""
    env = {**os.environ, **({"PATH": path} if path is not None else {})}
    process = virtool_api_process(
        [
            "--log-level=info",
            "runner",
            f"--jobs-url={jobs_url}",
            f"--work-path={work_path}",
            "--proc=2",
            f"--ping-interval={PING_INTERVAL}",
        ],
        env=env,
    )
    try:
        yield process
    finally:
        await asyncio.to_thread(stop, process, timeout=60)


def tools_working_in(work_path: Path) -> dict[int, str]:
    """Processes (other than runners) whose command line names the work path: the tools of a job."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(work_path) in command and "virtool_api" not in command:
            found[int(entry.name)] = command
    return found


async def until(condition, what: str, timeout: float = WAIT):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not (result := await condition()):
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.1)
    return result


@functools.cache
def many_reads(count: int = 300_000, distinct: int = 20_000) -> bytes:
    """Enough reads that mapping them takes a while: a window in which to stop the job. `distinct` reads
    simulated and their gzip member repeated to `count` (a gzip file may hold several members, read as one;
    mapping them is as much work, and simulating and compressing all took 5 to 25 s here), once per process,
    as the tests only read them."""
    genomes = read_fasta_gz(DEMO_DATA / "plant-viruses.fa.gz")
    return simulate.reads([("NC_001367", genomes["NC_001367"], distinct)], seed=11) * (count // distinct)


async def test_a_job_cancelled_from_the_page_stops_and_leaves_nothing(
    public_client, jobs_app_client, ctx, admin, tmp_path
):
    work = tmp_path / "work"
    jobs_url = str(jobs_app_client.make_url("/api"))
    reference, index = await build_index(public_client, admin[1])
    sample = await ready_sample(public_client, jobs_app_client, admin[1], many_reads(), QUALITY)
    async with runner_process(jobs_url, work):
        assert (await job_end(public_client, admin[1], index["job"]["id"]))["state"] == "complete"
        analysis = await start_analysis(
            public_client, admin[1], sample["id"], reference["id"], "pathoscope_bowtie", []
        )
        job_id = analysis["job"]["id"]

        async def mapping() -> bool:
            return any(
                b"bowtie2" in Path(f"/proc/{pid}/cmdline").read_bytes() for pid in tools_working_in(work)
            )

        await until(mapping, "bowtie2 mapping the reads")
        response = await public_client.put(f"/api/jobs/{job_id}/cancel", headers=admin[1])
        assert response.status == 200
        cancelled_at = time.monotonic()

        async def gone() -> bool:
            return (
                not tools_working_in(work)
                and await ctx.db.analyses.count_documents({"_id": analysis["id"]}) == 0
                and not (work / job_id).exists()
            )

        # The runner empties the job's work directory last, after it has told the server.
        await until(gone, "the tools killed, the analysis removed and the work directory gone", timeout=30)
        stopped_within = time.monotonic() - cancelled_at

    job = await job_end(public_client, admin[1], job_id)
    assert job["state"] == "cancelled"
    assert stopped_within < 30
    response = await public_client.get(f"/api/analyses/{analysis['id']}", headers=admin[1])
    assert response.status == 404


async def test_a_runner_killed_mid_job_takes_its_tools_and_the_job_times_out(
    public_client, jobs_app_client, ctx, admin, tmp_path
):
    work = tmp_path / "work"
    jobs_url = str(jobs_app_client.make_url("/api"))
    reference, index = await build_index(public_client, admin[1])
    sample = await ready_sample(public_client, jobs_app_client, admin[1], many_reads(), QUALITY)
    async with runner_process(jobs_url, work) as process:
        assert (await job_end(public_client, admin[1], index["job"]["id"]))["state"] == "complete"
        analysis = await start_analysis(
            public_client, admin[1], sample["id"], reference["id"], "pathoscope_bowtie", []
        )

        async def tools() -> dict[int, str]:
            return tools_working_in(work)

        await until(tools, "a tool working for the job")
        process.send_signal(signal.SIGKILL)
        process.wait()

        async def no_tools() -> bool:
            return not tools_working_in(work)

        await until(no_tools, "the runner's tools gone with it", timeout=30)

    job = await job_end(public_client, admin[1], analysis["job"]["id"])
    assert job["state"] == "timeout"
    document = await ctx.db.analyses.find_one({"_id": analysis["id"]})
    assert document is not None and document["ready"] is False  # left for a retry; nothing half-finalized
    assert list(work.iterdir())  # what the killed runner left ...
    async with runner_process(jobs_url, work):

        async def emptied() -> bool:
            return not list(work.iterdir())

        await until(emptied, "the next runner emptying its work path")


async def test_a_failing_tool_fails_the_job_saying_which_step_and_what_the_tool_said(
    public_client, jobs_app_client, ctx, admin, tmp_path
):
    work = tmp_path / "work"
    jobs_url = str(jobs_app_client.make_url("/api"))
    reference, index = await build_index(public_client, admin[1])
    reads = (DEMO_DATA / "reads-tmv-grapevine.fq.gz").read_bytes()
    sample = await ready_sample(public_client, jobs_app_client, admin[1], reads, QUALITY)
    async with runner_process(jobs_url, work):
        assert (await job_end(public_client, admin[1], index["job"]["id"]))["state"] == "complete"
        # The index's Bowtie2 files are damaged on the server's disk: bowtie2 refuses them.
        (ctx.config.data_path / "indexes" / index["id"] / "reference.1.bt2").write_bytes(b"damaged")
        analysis = await start_analysis(
            public_client, admin[1], sample["id"], reference["id"], "pathoscope_bowtie", []
        )
        job = await job_end(public_client, admin[1], analysis["job"]["id"])

        async def removed() -> bool:
            return await ctx.db.analyses.count_documents({"_id": analysis["id"]}) == 0

        # The runner removes the unfinalized analysis after it has reported the error: stopping it as soon
        # as the job shows `error` could stop it before.
        await until(removed, "the failed job's analysis removed by its runner")

    assert job["state"] == "error"
    failed = job["status"][-1]
    assert failed["step_name"] == "Map to the default isolates"
    assert failed["error"]["type"] == "ToolFailed"
    assert failed["error"]["details"][0].startswith("bowtie2 failed with exit status")
    # Then bowtie2's own last lines, as it wrote them.
    assert "(ERR): bowtie2-align exited with value 1" in failed["error"]["details"][1:]
    assert await ctx.db.analyses.count_documents({"_id": analysis["id"]}) == 0


async def test_a_runner_without_bowtie2_refuses_what_needs_it_and_says_why(
    public_client, jobs_app_client, ctx, admin, factory, tmp_path
):
    jobs_url = str(jobs_app_client.make_url("/api"))
    bare = tmp_path / "bin"
    bare.mkdir()
    async with runner_process(jobs_url, tmp_path / "work", path=str(bare)):

        async def reported():  # type: ignore[no-untyped-def]
            status = await (await public_client.get("/api/runners", headers=admin[1])).json()
            return status if status["runners"] else None

        status = await until(reported, "the runner reporting itself")

    refused = status["runners"][0]["refused"]
    assert set(refused) >= {"build_index", "create_subtraction", "pathoscope_bowtie", "nuvs"}
    assert "install the Debian/Ubuntu package bowtie2" in refused["pathoscope_bowtie"]
    assert status["workflows"]["pathoscope_bowtie"]["runners"] == 0
