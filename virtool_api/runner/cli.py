"""`virtool-api runner`: run jobs. Every option is also a `VIRTOOL_*` variable."""

import asyncio
import os
import signal
from pathlib import Path

import click

from virtool_api.runner.process import RunnerSettings, run_runner
from virtool_api.runner.workflows import WORKFLOWS


def _workflows(_: click.Context, __: click.Parameter, value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    if unknown := [name for name in names if name not in WORKFLOWS]:
        raise click.BadParameter(f"unknown workflows {', '.join(unknown)}; known: {', '.join(WORKFLOWS)}")
    return names


@click.command()
@click.option(
    "--jobs-url",
    envvar="VIRTOOL_JOBS_URL",
    default="http://localhost:9990/api",
    show_default=True,
    show_envvar=True,
    help="The job API to run jobs for.",
)
@click.option(
    "--redis-url",
    envvar="VIRTOOL_REDIS_URL",
    default=None,
    show_envvar=True,
    help="Take jobs from the Redis lists jobs_<workflow>, beside any Virtool runner. Without it, from the "
    "server's own queue (GET /api/queue).",
)
@click.option(
    "--workflows",
    envvar="VIRTOOL_WORKFLOWS",
    default=",".join(WORKFLOWS),
    show_default=True,
    show_envvar=True,
    callback=_workflows,
    help="The workflows to take, comma-separated (those whose tools are missing are refused, saying why).",
)
@click.option(
    "--jobs",
    "slots",
    envvar="VIRTOOL_RUNNER_JOBS",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    show_envvar=True,
    help="How many jobs to run at once.",
)
@click.option(
    "--proc",
    envvar="VIRTOOL_PROC",
    type=click.IntRange(1, 1024),
    default=os.cpu_count() or 1,
    show_default="this machine's CPUs",
    show_envvar=True,
    help="CPUs each job may use (threads given to Bowtie2, SPAdes and HMMER).",
)
@click.option(
    "--mem",
    envvar="VIRTOOL_MEM",
    type=click.IntRange(1, 4096),
    default=8,
    show_default=True,
    show_envvar=True,
    help="Memory each job may use, in GB (given to SPAdes).",
)
@click.option(
    "--work-path",
    envvar="VIRTOOL_WORK_PATH",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("work"),
    show_default=True,
    show_envvar=True,
    help="Where jobs work: each job gets a directory of its own here, removed when the job ends.",
)
def runner(
    jobs_url: str,
    redis_url: str | None,
    workflows: list[str],
    slots: int,
    proc: int,
    mem: int,
    work_path: Path,
) -> None:
    """Run jobs: a client of the job API, like Virtool's runners (stop with SIGTERM or Ctrl-C)."""
    settings = RunnerSettings(
        jobs_url=jobs_url,
        redis_url=redis_url,
        workflows=workflows,
        slots=slots,
        proc=proc,
        mem=mem,
        work_path=work_path,
    )

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_runner(settings, stop)

    asyncio.run(run())
