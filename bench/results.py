"""Serving a large analysis result: server memory and time, and listing latency, against bare baselines.

    .venv/bin/python bench/results.py [--size-mib 45] [--concurrent 8] [--listings 20]

Seeds a temporary data path (embedded stores) with 24 small finalized analyses and one NuVs analysis, then
runs `virtool-api serve` (both APIs, its own process, free ports) three times:

1. before the large result exists: the listing `GET /api/analyses?per_page=25`, median of `--listings` runs;
2. after finalizing the NuVs analysis with `--size-mib` of results (service layer, server stopped),
   on a fresh process: the same listing, then `--concurrent` concurrent `GET /api/analyses/{id}`, with the
   server's peak RSS (`VmHWM`) before and after those GETs and their wall time;
3. bare: a minimal aiohttp process (this script with `--serve-bare`) answering the same GET with
   `web.FileResponse` of the exact bytes ours sent (sendfile: the least work serving them can take), measured
   the same way.

It prints the listing ratio (with the large result / without: 1.0 means listings never read results) and, for
the GETs, ours against bare: peak RSS growth and wall time. Run it against another checkout of the code with
`PYTHONPATH=/path/to/checkout` to compare before and after a change.
"""

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from files import BENCH_QUALITY, free_port, proc_status_kib, stop, wait_until_listening

MIB = 1024 * 1024
SMALL_ANALYSES = 24
ORF = {
    "pro": "MSKVQLTEDSKAPLRVGELLKNTLDAVEKTGRFSIEDARRLADEGIALGHLTLRHCAS" * 2,
    "frame": 1,
    "strand": -1,
    "pos": [112, 475],
    "index": 0,
    "hits": [
        {
            "hit": "ugeb2lmp",
            "full_e": 3.4e-21,
            "full_score": 75.2,
            "full_bias": 0.3,
            "best_e": 5.1e-21,
            "best_bias": 0.3,
            "best_score": 74.6,
        }
    ],
}


def nuvs_results(size: int) -> dict[str, Any]:
    """NuVs contigs (5 kb each, one annotated ORF) adding up to about `size` bytes of JSON."""
    hits: list[dict[str, Any]] = []
    total = 0
    while total < size:
        hit = {"index": len(hits), "sequence": "ACGTTGCAAC" * 500, "orfs": [ORF]}
        total += len(json.dumps(hit))
        hits.append(hit)
    return {"hits": hits}


# ---------------------------------------------------------------------------------------------------------
# The bare server (its own process: `bench/results.py --serve-bare PORT FILE`)


def serve_bare(port: int, path: Path) -> None:
    async def analysis(request: web.Request) -> web.FileResponse:
        return web.FileResponse(path, headers={"Content-Type": "application/json"})

    app = web.Application()
    app.router.add_get("/analysis", analysis)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


# ---------------------------------------------------------------------------------------------------------
# Processes


def peak_rss_mib(pid: int) -> float:
    return proc_status_kib(pid, "VmHWM") / 1024


async def start_ours(data_path: Path) -> tuple[subprocess.Popen, str]:
    port, jobs_port = free_port(), free_port()
    command = [sys.executable, "-m", "virtool_api", "--log-level=warning", "serve", "--host=127.0.0.1"]
    command += [f"--port={port}", f"--jobs-port={jobs_port}", f"--data-path={data_path}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    await wait_until_listening(process, port, timeout=60)
    return process, f"http://127.0.0.1:{port}"


async def start_bare(path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve-bare", str(port), str(path)])
    await wait_until_listening(process, port, timeout=60)
    return process, f"http://127.0.0.1:{port}"


# ---------------------------------------------------------------------------------------------------------
# Seeding (the embedded document store is a file under the data path: the server is stopped meanwhile)


async def seed(data_path: Path) -> dict[str, Any]:
    from virtool_api.analyses.documents import create_analysis
    from virtool_api.analyses.lifecycle import finalize_analysis
    from virtool_api.config import Config
    from virtool_api.jobs.service import create_job
    from virtool_api.samples.documents import create_sample
    from virtool_api.server.context import create_context
    from virtool_api.storage.mongo import insert_with_random_id
    from virtool_api.users.keys import create_api_key
    from virtool_api.users.service import create_user

    ctx = await create_context(Config(data_path=data_path, fsync=False))
    try:
        admin = await create_user(ctx, "bench", administrator=True)
        _, key = await create_api_key(ctx, admin["_id"], "bench")
        user = {"id": admin["_id"], "handle": admin["handle"]}
        sample = await create_sample(
            ctx, name="Bench", user=user, ready=True, quality=BENCH_QUALITY, status="available"
        )
        reference = await insert_with_random_id(ctx.db.references, {"name": "Bench", "data_type": "genome"})
        index = await insert_with_random_id(
            ctx.db.indexes, {"reference": {"id": reference["_id"]}, "version": 0, "ready": True}
        )

        async def analysis_and_job(workflow: str) -> tuple[dict[str, Any], dict[str, Any]]:
            analysis = await create_analysis(
                ctx,
                sample=sample,
                workflow=workflow,
                reference=reference,
                index=index,
                subtractions=[],
                user=user,
            )
            job = await create_job(
                ctx, workflow, {"analysis_id": analysis["_id"], "sample_id": sample["_id"]}, user
            )
            return analysis, job

        large, large_job = await analysis_and_job("nuvs")
        for _ in range(SMALL_ANALYSES):
            analysis, job = await analysis_and_job("nuvs")
            await finalize_analysis(ctx, job, analysis["_id"], nuvs_results(20_000))
        return {"key": key, "analysis": large, "job": large_job}
    finally:
        await ctx.close()


async def finalize_large(data_path: Path, seeded: dict[str, Any], results: dict[str, Any]) -> float:
    from virtool_api.analyses.lifecycle import finalize_analysis
    from virtool_api.config import Config
    from virtool_api.server.context import create_context

    ctx = await create_context(Config(data_path=data_path, fsync=False))
    try:
        started = time.perf_counter()
        await finalize_analysis(ctx, seeded["job"], seeded["analysis"]["_id"], results)
        return time.perf_counter() - started
    finally:
        await ctx.close()


# ---------------------------------------------------------------------------------------------------------
# Measurements


async def listing_median(url: str, key: str, runs: int) -> float:
    async with aiohttp.ClientSession(headers={"X-API-Key": key}) as session:
        times = []
        for _ in range(runs + 1):
            started = time.perf_counter()
            async with session.get(f"{url}/api/analyses?per_page=25") as response:
                assert response.status == 200, await response.text()
                await response.read()
            times.append(time.perf_counter() - started)
    return statistics.median(times[1:])  # the first warms up


async def concurrent_gets(
    process: subprocess.Popen, url: str, headers: dict[str, str], concurrent: int
) -> tuple[float, float, bytes]:
    """(peak RSS growth in MiB, wall seconds, the body) of `concurrent` GETs of `url` at once."""
    timeout = aiohttp.ClientTimeout(total=600)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:

        async def get() -> bytes:
            async with session.get(url) as response:
                assert response.status == 200, await response.text()
                return await response.read()

        await get()  # warm up: the first request of a process loads code and fills caches
        baseline = peak_rss_mib(process.pid)
        started = time.perf_counter()
        bodies = await asyncio.gather(*(get() for _ in range(concurrent)))
        seconds = time.perf_counter() - started
    assert all(len(body) == len(bodies[0]) for body in bodies)
    return peak_rss_mib(process.pid) - baseline, seconds, bodies[0]


async def run(size: int, concurrent: int, listings: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="virtool-bench-results-"))
    try:
        data_path = root / "data"
        seeded = await seed(data_path)
        process, url = await start_ours(data_path)
        try:
            listing_small = await listing_median(url, seeded["key"], listings)
        finally:
            stop(process)

        results = nuvs_results(size)
        body_size = len(json.dumps({"results": results}))
        finalize_seconds = await finalize_large(data_path, seeded, results)
        del results

        process, url = await start_ours(data_path)
        try:
            listing_large = await listing_median(url, seeded["key"], listings)
            path = f"{url}/api/analyses/{seeded['analysis']['_id']}"
            ours = await concurrent_gets(process, path, {"X-API-Key": seeded["key"]}, concurrent)
            ours_peak = peak_rss_mib(process.pid)
        finally:
            stop(process)

        served = root / "analysis.json"
        served.write_bytes(ours[2])
        process, url = await start_bare(served)
        try:
            bare = await concurrent_gets(process, f"{url}/analysis", {}, concurrent)
            bare_peak = peak_rss_mib(process.pid)
        finally:
            stop(process)

        print(
            f"results: {body_size / MIB:.1f} MiB of JSON ({size / MIB:.0f} MiB asked), finalized in "
            f"{finalize_seconds:.1f} s (service layer); answer: {len(ours[2]) / MIB:.1f} MiB"
        )
        print(
            f"listing GET /api/analyses?per_page=25, median of {listings}: without the large result "
            f"{listing_small * 1000:.1f} ms, with it {listing_large * 1000:.1f} ms "
            f"(ratio {listing_large / listing_small:.2f})"
        )
        print(f"{concurrent} concurrent GETs of the analysis:")
        print(f"  ours: peak RSS +{ours[0]:.1f} MiB (peak {ours_peak:.0f} MiB), {ours[1]:.2f} s")
        print(f"  bare: peak RSS +{bare[0]:.1f} MiB (peak {bare_peak:.0f} MiB), {bare[1]:.2f} s")
        print(f"  ours/bare wall time: {ours[1] / bare[1]:.1f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-bare":
        serve_bare(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=float, default=45)
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--listings", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(run(int(arguments.size_mib * MIB), arguments.concurrent, arguments.listings))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
