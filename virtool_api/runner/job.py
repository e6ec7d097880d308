"""The life of one job in a runner: acquire, keep alive, run the steps, and end it one way or another.

- **Alive**: while it runs, the job is pinged every `ping_interval` seconds (`--ping-interval`, 3 by default)
  and its state read back; a job that has finished meanwhile (cancelled from the page, timed out) answers 409
  "Job is finished", and the work stops: its tools are killed, its unfinalized resource removed, its work
  directory emptied.
- **Complete**: after the last step (which finalizes the resource) the job reports `complete`.
- **Error**: a step that raises reports `error` with the step it failed in, the error, and a tool's last
  lines; then the unfinalized resource is removed.
- **Terminated**: a runner that stops (SIGTERM) reports `terminated` for each job it runs, and cleans up.
A runner killed outright (SIGKILL) reports nothing: its jobs stop being pinged and the server times them out.
"""

import asyncio
import contextlib
import logging
import shutil
import traceback
from pathlib import Path
from typing import Any

from virtool_api.jobs.models import AcquiredJob, JobState
from virtool_api.runner.client import ApiError, JobApi, JobFinished
from virtool_api.runner.settings import PING_INTERVAL
from virtool_api.runner.steps import Resources, WorkflowJob
from virtool_api.runner.tools import ToolFailed

logger = logging.getLogger("virtool_api.runner")

TRACEBACK_LINES = 40


async def acquire(api: JobApi, job_id: str) -> AcquiredJob | None:
    """The job with its key, or None when another runner has it or it is gone (logged)."""
    try:
        return await api.model(AcquiredJob, "PATCH", f"/jobs/{job_id}", {"acquired": True})
    except ApiError as error:
        logger.info("job %s not taken: %s", job_id, error)
        return None


def error_report(error: BaseException) -> dict[str, Any]:
    """The `error` of an `error` status: its type, the traceback's last lines, and details people read (a
    tool's last lines of output)."""
    lines = [line.rstrip() for line in traceback.format_exception(error) for line in line.splitlines()]
    details = [str(error)]
    if isinstance(error, ToolFailed):
        details += error.tail
    return {"type": type(error).__name__, "traceback": lines[-TRACEBACK_LINES:], "details": details}


async def _watch(api: JobApi, job_id: str, interval: float) -> None:
    """Ping the job and read its state every `interval` seconds until it has finished; returns when it has
    (409)."""
    while True:
        await asyncio.sleep(interval)
        try:
            await api.json("PUT", f"/jobs/{job_id}/ping", {})
            await api.json("GET", f"/jobs/{job_id}")
        except JobFinished:
            return
        except ApiError as error:
            logger.warning("job %s: keeping it alive failed: %s", job_id, error)


async def run_job(
    api: JobApi,
    job: AcquiredJob,
    workflow: type[WorkflowJob],
    proc: int,
    mem: int,
    work_path: Path,
    ping_interval: float = PING_INTERVAL,
) -> JobState:
    """Run an acquired job to its end; the state it ended in."""
    work = work_path / job.id
    work.mkdir(parents=True, exist_ok=True)
    job_api = api.with_job(job.id, job.key)
    run = workflow(job_api, job, Resources(proc=proc, mem=mem, work=work))
    work_task = asyncio.create_task(run.run())
    watch_task = asyncio.create_task(_watch(job_api, job.id, ping_interval))
    try:
        await asyncio.wait({work_task, watch_task}, return_when=asyncio.FIRST_COMPLETED)
        if not work_task.done():  # the job finished elsewhere: cancelled or timed out
            work_task.cancel()
            with contextlib.suppress(BaseException):
                await work_task
            logger.info("job %s was stopped from outside; cleaning up", job.id)
            await _clean_up(run)
            return JobState.CANCELLED
        if (error := work_task.exception()) is None:
            try:
                await run.report(JobState.COMPLETE, 100)
            except JobFinished:  # cancelled in the moment after its resource was finalized
                return JobState.CANCELLED
            logger.info("job %s (%s) complete", job.id, job.workflow)
            return JobState.COMPLETE
        if isinstance(error, JobFinished):
            await _clean_up(run)
            return JobState.CANCELLED
        logger.warning("job %s (%s) failed: %s", job.id, job.workflow, error)
        with contextlib.suppress(ApiError):
            await run.report(JobState.ERROR, run.overall(0.0), error_report(error))
        await _clean_up(run)
        return JobState.ERROR
    except asyncio.CancelledError:  # the runner is stopping
        work_task.cancel()
        with contextlib.suppress(BaseException):
            await work_task
        with contextlib.suppress(ApiError):
            await run.report(JobState.TERMINATED, run.overall(0.0))
        await _clean_up(run)
        raise
    finally:
        watch_task.cancel()
        with contextlib.suppress(BaseException):
            await watch_task
        await asyncio.to_thread(shutil.rmtree, work, True)


async def _clean_up(run: WorkflowJob) -> None:
    try:
        await run.clean_up()
    except ApiError as error:
        logger.warning("job %s: removing what it was creating failed: %s", run.job.id, error)
