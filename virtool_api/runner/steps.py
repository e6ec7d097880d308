"""A workflow is a class whose steps are its methods marked `@step`, run in the order they are written.

Before each step the runner reports it (`running`, the step's title as `step_name`, the method's docstring as
`step_description`, its name as `stage`, and the share of steps done as `progress`); a long step reports
progress within itself with `self.progress(fraction)`, sent at most every `PROGRESS_INTERVAL` seconds.
A workflow's `clean_up` removes what it was creating, when it fails or is cancelled.
"""

import asyncio
import contextlib
import inspect
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from virtool_api.jobs.models import AcquiredJob, JobState, Workflow
from virtool_api.runner.client import JobApi
from virtool_api.runner.tools import Tool, run_tool

PROGRESS_INTERVAL = 2.0
F = TypeVar("F", bound=Callable[..., Awaitable[None]])
T = TypeVar("T")


class JobStopped(Exception):
    """Raised in a step's thread to stop it: its job was cancelled or its runner is stopping."""


def step(title: str) -> Callable[[F], F]:
    """Mark a method as a step called `title` (what people see: "Map reads to the default isolates")."""

    def mark(method: F) -> F:
        method.step_title = title  # type: ignore[attr-defined]
        return method

    return mark


@dataclass(frozen=True)
class Resources:
    """What one job may use: `proc` CPUs and `mem` GB of memory, and a work directory of its own."""

    proc: int
    mem: int
    work: Path


class WorkflowJob:
    """One run of a workflow: the job, its API (with the job's key), its resources, and its steps."""

    workflow: ClassVar[Workflow]
    tools: ClassVar[Sequence[Tool]] = ()

    def __init__(self, api: JobApi, job: AcquiredJob, resources: Resources) -> None:
        self.api = api
        self.job = job
        self.args: dict[str, Any] = job.args
        self.proc = resources.proc
        self.mem = resources.mem
        self.work = resources.work
        self._step_index = 0
        self._step_count = len(self.steps())
        self._reported_at = 0.0
        self.current: Callable[[], Awaitable[None]] | None = None

    @classmethod
    def steps(cls) -> list[str]:
        """The names of the step methods in the order they are written, a base class's first."""
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            names += [name for name, member in vars(klass).items() if hasattr(member, "step_title")]
        return list(dict.fromkeys(names))

    async def run(self) -> None:
        """Every step in order, each reported before it starts."""
        for index, name in enumerate(self.steps()):
            self._step_index = index
            method = getattr(self, name)
            self.current = method
            await self.report(JobState.RUNNING, self.overall(0.0))
            await method()
        self.current = None

    def overall(self, fraction: float) -> int:
        """The job's progress (0-99) with the current step `fraction` done."""
        done = (self._step_index + max(0.0, min(fraction, 1.0))) / max(self._step_count, 1)
        return min(99, int(100 * done))

    def step_fields(self) -> dict[str, str | None]:
        """`stage`, `step_name` and `step_description` of the step running now (or last run)."""
        method = self.current
        if method is None:
            return {"stage": None, "step_name": None, "step_description": None}
        doc = inspect.getdoc(method) or ""
        return {
            "stage": method.__name__,
            "step_name": method.step_title,  # type: ignore[attr-defined]
            "step_description": doc.splitlines()[0] if doc else None,
        }

    async def report(self, state: JobState, progress: int, error: dict[str, Any] | None = None) -> None:
        body = {"state": state.value, "progress": progress, **self.step_fields(), "error": error}
        self._reported_at = time.monotonic()
        await self.api.json("POST", f"/jobs/{self.job.id}/status", body)

    async def progress(self, fraction: float) -> None:
        """Report how far the current step is (0 to 1); sent at most every `PROGRESS_INTERVAL` seconds."""
        if time.monotonic() - self._reported_at >= PROGRESS_INTERVAL:
            await self.report(JobState.RUNNING, self.overall(fraction))

    async def in_thread(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking `work(*args, progress=...)` in a thread, reporting its progress; when the job is
        cancelled, `work` is stopped at its next call of `progress` (which raises) before this returns."""
        fraction = 0.0
        stopping = threading.Event()

        def progress(value: float) -> None:
            nonlocal fraction
            if stopping.is_set():
                raise JobStopped()
            fraction = value

        task = asyncio.ensure_future(asyncio.to_thread(work, *args, progress=progress))
        try:
            while not task.done():
                await asyncio.wait({task}, timeout=PROGRESS_INTERVAL)
                await self.progress(fraction)
            return task.result()
        except asyncio.CancelledError:
            stopping.set()
            with contextlib.suppress(BaseException):
                await task
            raise

    async def tool(self, *args: str | Path, stdout: Path | None = None) -> list[str]:
        """Run a tool in the job's work directory (killed if the job is cancelled)."""
        return await run_tool(args, cwd=self.work, stdout=stdout)

    async def clean_up(self) -> None:
        """Remove the unfinalized resource the job was creating (the job API allows this even after the job
        has finished). Each workflow says what that is."""
