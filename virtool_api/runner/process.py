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
import uuid
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import aiohttp
import click

from virtool_api.options import setting
from virtool_api.runner.client import ApiError, JobApi
from virtool_api.runner.job import PING_INTERVAL, acquire, run_job
from virtool_api.runner.sources import JobSource, RedisLists, ServerQueue
from virtool_api.runner.steps import WorkflowJob
from virtool_api.runner.tools import why_missing
from virtool_api.runner.workflows import WORKFLOWS

logger = logging.getLogger("virtool_api.runner")

REPORT_INTERVAL = 10.0


def _workflows(_: click.Context, __: click.Parameter, value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if unknown := [name for name in names if name not in WORKFLOWS]:
        raise click.BadParameter(f"unknown workflows {', '.join(unknown)}; known: {', '.join(WORKFLOWS)}")
    return names


@dataclass
class RunnerSettings:
    """What `virtool-api runner` runs with. Each setting is declared once, here (see virtool_api/options.py):
    the command's options and the configuration table in docs/operating.md are made from these fields."""

    jobs_url: str = setting(
        "http://localhost:9990/api", help="The job API to run jobs for.", doc="the job API a runner works for"
    )
    redis_url: str | None = setting(
        None,
        help="Take jobs from the Redis lists jobs_<workflow>, beside any Virtool runner. Without it, from "
        "the server's own queue (GET /api/queue).",
        doc="take jobs from the Redis lists `jobs_<workflow>` (the server's `--redis-url`), beside any "
        "Virtool runner",
        doc_default="none: from the server's own queue (`GET /api/queue`)",
    )
    workflows: list[str] = setting(
        factory=lambda: list(WORKFLOWS),
        callback=_workflows,
        help="The workflows to take, comma-separated (those whose tools are missing are refused, saying "
        "why).",
        doc="comma-separated workflows a runner takes; those whose tools are missing are refused, saying "
        "which package brings them",
        doc_default="all five",
    )
    slots: int = setting(
        1,
        flag="--jobs",
        env="VIRTOOL_RUNNER_JOBS",
        type=click.IntRange(1, 256),
        help="How many jobs to run at once.",
        doc="jobs a runner runs at once",
    )
    proc: int = setting(
        factory=lambda: os.cpu_count() or 1,
        type=click.IntRange(1, 1024),
        show_default="this machine's CPUs",
        help="CPUs each job may use (threads given to Bowtie2, SPAdes and HMMER).",
        doc="CPUs each job may use (threads given to Bowtie2, SPAdes and HMMER)",
        doc_default="the machine's CPUs",
    )
    mem: int = setting(
        8,
        type=click.IntRange(1, 4096),
        help="Memory each job may use, in GB (given to SPAdes).",
        doc="memory each job may use, in GB (given to SPAdes)",
    )
    ping_interval: float = setting(
        PING_INTERVAL,
        type=click.FloatRange(min=0.1),
        help="Seconds between pings of each running job (a job cancelled from the page stops at its next).",
        doc="seconds between pings of each job a runner runs (the server times out a job not pinged for five "
        "minutes); a job cancelled from the page stops at its next ping",
    )
    work_path: Path = setting(
        Path("work"),
        type=click.Path(file_okay=False, path_type=Path),
        help="Where jobs work: each job gets a directory of its own here, removed when the job ends.",
        doc="where jobs work, one directory each, removed when the job ends; a runner empties it when it "
        "starts (one runner per work path)",
        doc_default="`work` (`{data path}/work` when `serve` starts it)",
    )
    runner_id: str = field(default_factory=lambda: f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:8]}")


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
