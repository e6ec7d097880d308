"""Jobs run by our runner's own code inside `dev seed`: the job API served on a loopback port for the length
of the seed, and each job acquired and run as `virtool-api runner` runs it (`runner/job.py`), over HTTP."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiohttp import web

from virtool_api.context import Context
from virtool_api.jobs.models import JobState
from virtool_api.runner.client import JobApi
from virtool_api.runner.job import acquire, run_job
from virtool_api.runner.tools import why_missing
from virtool_api.runner.workflows import WORKFLOWS
from virtool_api.server.app import create_jobs_app

QUIETED = ("virtool_api.requests", "virtool_api.runner")
"""Loggers whose every request and step would bury what the seed prints: only their warnings are shown."""


@asynccontextmanager
async def local_runner(ctx: Context, work_path: Path) -> AsyncIterator["LocalRunner"]:
    """A runner for `ctx`'s jobs, talking to a job API served on 127.0.0.1 for as long as it is used."""
    levels = {name: logging.getLogger(name).level for name in QUIETED}
    for name in QUIETED:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).getEffectiveLevel()))
    server = web.AppRunner(create_jobs_app(ctx, watch_timeouts=False), access_log=None)
    try:
        await server.setup()
        await web.TCPSite(server, "127.0.0.1", 0).start()
        port = server.addresses[0][1]
        async with aiohttp.ClientSession() as session:
            yield LocalRunner(JobApi(session, f"http://127.0.0.1:{port}/api"), work_path)
    finally:
        await server.cleanup()
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


class LocalRunner:
    def __init__(self, api: JobApi, work_path: Path) -> None:
        self.api = api
        self.work_path = work_path

    @staticmethod
    def missing(workflow: str) -> str | None:
        """Why this machine cannot run `workflow` (the tool it lacks, the package that brings it), or None."""
        return why_missing(WORKFLOWS[workflow].tools)

    async def run(self, job_id: str) -> JobState:
        """Acquire the job and run it to its end, as the runner does; the state it ended in."""
        job = await acquire(self.api, job_id)
        if job is None:
            raise RuntimeError(f"job {job_id} could not be acquired")
        return await run_job(self.api, job, WORKFLOWS[job.workflow], 2, 4, self.work_path)
