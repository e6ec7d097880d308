"""`virtool-api runner`: run jobs. Every option is also a `VIRTOOL_*` variable."""

import asyncio
import signal
from typing import Any

import click

from virtool_api.options import click_options
from virtool_api.runner.process import run_runner
from virtool_api.runner.settings import RunnerSettings


@click.command()
@click_options(RunnerSettings)
def runner(**given: Any) -> None:
    """Run jobs: a client of the job API, like Virtool's runners (stop with SIGTERM or Ctrl-C)."""
    settings = RunnerSettings(**given)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await run_runner(settings, stop)

    asyncio.run(run())
