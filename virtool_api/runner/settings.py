"""What `virtool-api runner` runs with (`RunnerSettings`), in a module of its own: the server builds the
command line of the runner it starts from these declarations (`supervisor.py`) without importing the
workflows and their libraries (numpy among them: 0.2 s of CPU at every server process's start)."""

import os
import socket
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import click

from virtool_api.jobs.models import Workflow
from virtool_api.options import setting

RUNNER_WORKFLOWS = (
    Workflow.CREATE_SAMPLE,
    Workflow.BUILD_INDEX,
    Workflow.CREATE_SUBTRACTION,
    Workflow.PATHOSCOPE,
    Workflow.NUVS,
)
"""The workflows our runner runs (`runner/workflows/`: `tests/runner/test_runner_settings.py` holds them
equal)."""

PING_INTERVAL = 3.0
"""Seconds between a running job's pings, by default (`virtool-api runner --ping-interval`)."""


def _workflows(_: click.Context, __: click.Parameter, value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if unknown := [name for name in names if name not in RUNNER_WORKFLOWS]:
        known = ", ".join(RUNNER_WORKFLOWS)
        raise click.BadParameter(f"unknown workflows {', '.join(unknown)}; known: {known}")
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
        factory=lambda: [workflow.value for workflow in RUNNER_WORKFLOWS],
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
