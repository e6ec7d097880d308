"""The runner process: takes jobs from its source and runs up to `slots` of them at once.

At start it checks the tools of each workflow it was asked to take and refuses only those whose tool is
missing (logging the package that brings it). Every `REPORT_INTERVAL` seconds it tells the server it is
alive, which workflows it takes and refuses, and which jobs it runs (`PUT /runners/{id}`), so the web client
can say when jobs wait with no runner to take them. On SIGTERM or SIGINT it stops taking jobs and ends those
it runs as `terminated` (see `job.py`).
"""

import asyncio
import contextlib
import logging
import os
import shutil
import socket
from importlib.metadata import version
from pathlib import Path

import aiohttp

from virtool_api.runner.client import ApiError, JobApi
from virtool_api.runner.job import acquire, run_job
from virtool_api.runner.settings import RunnerSettings
from virtool_api.runner.sources import JobSource, RedisLists, ServerQueue
from virtool_api.runner.steps import WorkflowJob
from virtool_api.runner.tools import why_missing
from virtool_api.runner.workflows import WORKFLOWS

logger = logging.getLogger("virtool_api.runner")

REPORT_INTERVAL = 10.0


def choose_workflows(asked: list[str]) -> tuple[dict[str, type[WorkflowJob]], dict[str, str]]:
    """The workflows this machine can run, and why it refuses the others it was asked to take."""
    taken: dict[str, type[WorkflowJob]] = {}
    refused: dict[str, str] = {}
    for name in asked:
        workflow = WORKFLOWS[name]
        if problem := why_missing(workflow.tools):
            refused[name] = problem
        else:
            taken[name] = workflow
    return taken, refused


class Runner:
    def __init__(self, settings: RunnerSettings, session: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.api = JobApi(session, settings.jobs_url)
        self.workflows, self.refused = choose_workflows(settings.workflows)
        self.source: JobSource = (
            RedisLists(settings.redis_url, list(self.workflows))
            if settings.redis_url
            else ServerQueue(self.api, list(self.workflows))
        )
        self.running: dict[str, asyncio.Task[None]] = {}

    async def report(self) -> None:
        body = {
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "version": version("virtool-api"),
            "workflows": list(self.workflows),
            "refused": self.refused,
            "slots": self.settings.slots,
            "running": list(self.running),
            "source": self.source.name,
        }
        await self.api.json("PUT", f"/runners/{self.settings.runner_id}", body)

    async def _report_forever(self) -> None:
        while True:
            try:
                await self.report()
            except ApiError as error:
                logger.warning("could not report to the server: %s", error)
            await asyncio.sleep(REPORT_INTERVAL)

    async def _run(self, job_id: str, slot: asyncio.Semaphore) -> None:
        try:
            job = await acquire(self.api, job_id)
            if job is None:
                return
            workflow = self.workflows.get(job.workflow)
            if workflow is None:  # only from a source that offers other workflows: never ours
                logger.error("job %s is a %s job, which this runner does not take", job_id, job.workflow)
                return
            logger.info("job %s (%s) acquired", job.id, job.workflow)
            settings = self.settings
            resources = (settings.proc, settings.mem, settings.work_path, settings.ping_interval)
            await run_job(self.api, job, workflow, *resources)
        except Exception:
            logger.exception("job %s: the runner failed", job_id)
        finally:
            self.running.pop(job_id, None)
            slot.release()

    async def serve(self, stop: asyncio.Event) -> None:
        """Take and run jobs until `stop` is set; then end the running ones as `terminated`."""
        for name, problem in self.refused.items():
            logger.warning("not taking %s jobs: %s", name, problem)
        if not self.workflows:
            logger.error("this runner can take no workflow: see the warnings above")
        logger.info(
            "runner %s takes %s from %s (%d at once, %d CPUs and %d GB each)",
            self.settings.runner_id,
            ", ".join(self.workflows) or "nothing",
            "Redis" if self.settings.redis_url else self.settings.jobs_url,
            self.settings.slots,
            self.settings.proc,
            self.settings.mem,
        )
        reporting = asyncio.create_task(self._report_forever())
        slot = asyncio.Semaphore(self.settings.slots)
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set() and self.workflows:
                await slot.acquire()
                asking = asyncio.create_task(self._next_job())
                await asyncio.wait({asking, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if stop.is_set():
                    asking.cancel()
                    slot.release()
                    break
                if (job_id := asking.result()) is None:
                    slot.release()
                    continue
                self.running[job_id] = asyncio.create_task(self._run(job_id, slot))
            await stop.wait()
        finally:
            for task in list(self.running.values()):
                task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.gather(*self.running.values(), return_exceptions=True)
            reporting.cancel()
            stopping.cancel()
            await self.source.close()

    async def _next_job(self) -> str | None:
        try:
            return await self.source.next_job()
        except (ApiError, OSError, aiohttp.ClientError) as error:
            logger.warning("could not ask for a job: %s", error)
            await asyncio.sleep(5)
            return None


def empty_work_path(path: Path) -> None:
    """A runner owns its work path: what is there at start was left by a runner that was killed."""
    path.mkdir(parents=True, exist_ok=True)
    for leftover in path.iterdir():
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)


async def run_runner(settings: RunnerSettings, stop: asyncio.Event) -> None:
    """Run jobs until `stop` is set. One runner per work path: it empties it first."""
    empty_work_path(settings.work_path)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, sock_connect=30)) as session:
        await Runner(settings, session).serve(stop)
