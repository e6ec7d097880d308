"""Eight concurrent GETs of a 45 MiB result from a real job API process, without it holding copies in memory.

Results stored in the analysis document were read, parsed and serialized whole on every GET: eight concurrent
GETs of a 45 MiB result took the server from 279 to 924 MiB. They now stream from their file
(`virtool_api/analyses/stored_results.py`). The analysis is finalized through the service layer before the
server starts, so the server's peak memory (`VmHWM`) holds only what serving costs.
"""

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.factory import Factory
from tests.support.jobs import acquire
from tests.support.real_server import peak_rss, running_jobs_server
from tests.support.stores import copy_migrated_sqlite
from tests.support.workflow_results import large_nuvs_results
from virtool_api.analyses.lifecycle import finalize_analysis
from virtool_api.config import Config
from virtool_api.server.context import create_context

MIB = 1024 * 1024
RESULTS_SIZE = 45 * MIB
CONCURRENT_GETS = 8
RSS_GROWTH_LIMIT = 50 * MIB


@pytest.fixture
async def finalized(tmp_path: Path, migrated_sqlite: Path) -> AsyncIterator[dict[str, Any]]:
    """A NuVs analysis with ~45 MiB of results, its job, and the results as sent."""
    data_path = tmp_path / "data"
    copy_migrated_sqlite(migrated_sqlite, data_path)
    results = large_nuvs_results(RESULTS_SIZE)
    ctx = await create_context(Config(data_path=data_path))
    try:
        factory = Factory(ctx)
        analysis = await factory.analysis(await factory.sample(ready=True), workflow="nuvs")
        job = await factory.analysis_job(analysis)
        await finalize_analysis(ctx, job, analysis["_id"], results)
    finally:
        await ctx.close()
    yield {"data_path": data_path, "analysis_id": analysis["_id"], "job_id": job["_id"], "results": results}
    shutil.rmtree(data_path, ignore_errors=True)


async def test_concurrent_gets_of_a_45_mib_result_do_not_grow_server_memory(finalized):
    with running_jobs_server(finalized["data_path"]) as (process, url):
        async with aiohttp.ClientSession(base_url=url, timeout=aiohttp.ClientTimeout(total=300)) as session:
            auth = await acquire(session, finalized["job_id"])
            path = f"/api/analyses/{finalized['analysis_id']}"
            baseline = peak_rss(process.pid)

            async def get() -> bytes:
                async with session.get(path, headers=auth) as response:
                    assert response.status == 200
                    return await response.read()

            bodies = await asyncio.gather(*(get() for _ in range(CONCURRENT_GETS)))
            growth = peak_rss(process.pid) - baseline

    assert growth < RSS_GROWTH_LIMIT, f"peak RSS grew by {growth / MIB:.1f} MiB"
    assert all(body == bodies[0] for body in bodies)
    assert len(bodies[0]) > RESULTS_SIZE
    sent = finalized["results"]["hits"]
    shown = json.loads(bodies[0])["results"]["hits"]
    assert len(shown) == len(sent)
    assert shown[-1] == {**sent[-1], "blast": None}
