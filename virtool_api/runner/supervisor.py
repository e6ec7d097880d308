"""The runner `serve` starts beside itself on the embedded default, so jobs run with nothing else deployed.

It is a separate process (`virtool-api runner`), a client of this server's job API like any other runner:
its tools' CPU and memory, and a crash, never touch the server. It is started once the job API listens,
started again (after 1 s, then up to a minute between tries) if it dies, and stopped first when the server
stops, so that it can still tell the job API which jobs it ended (`terminated`) before the API goes.
Its options come from the environment it inherits (`VIRTOOL_PROC`, `VIRTOOL_MEM`, `VIRTOOL_RUNNER_JOBS`, ...).
"""

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

from virtool_api.options import declared
from virtool_api.runner.settings import RunnerSettings

logger = logging.getLogger("virtool_api.runner")

STOP_TIMEOUT = 30.0
"""Seconds the runner has to end its jobs once asked to stop, before it is killed."""
MAX_BACKOFF = 60.0


def runner_command(main_options: list[str], jobs_url: str, work_path: Path) -> list[str]:
    """`virtool-api [main_options] runner` for the job API at `jobs_url`, working in `work_path`: the flags
    spelled as `RunnerSettings` declares them. Run as `python -m virtool_api.operations.runner_main`, which
    takes the same options without importing the server's modules (half the CPU to start)."""
    jobs_url_flag, work_path_flag = (
        setting.flag for setting in declared(RunnerSettings, ["jobs_url", "work_path"])
    )
    return [
        sys.executable,
        "-m",
        "virtool_api.operations.runner_main",
        *main_options,
        "runner",
        f"{jobs_url_flag}={jobs_url}",
        f"{work_path_flag}={work_path}",
    ]


def jobs_url_for(host: str, port: int) -> str:
    """Where a runner on this machine reaches the job API `serve` listens on."""
    local = host in ("", "0.0.0.0", "::", "localhost")  # noqa: S104 (naming the wildcard, not binding it)
    return f"http://{'127.0.0.1' if local else host}:{port}/api"


async def supervise(command: list[str], stop: asyncio.Event) -> None:
    """Keep the runner process running until `stop` is set; then stop it (SIGTERM, then SIGKILL)."""
    backoff = 1.0
    while not stop.is_set():
        process = await asyncio.create_subprocess_exec(*command, stdin=asyncio.subprocess.DEVNULL)
        logger.info("started the runner (pid %d)", process.pid)
        exited = asyncio.create_task(process.wait())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({exited, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            exited.cancel()
            await _stop(process)
            return
        stopping.cancel()
        logger.warning(
            "the runner exited with status %s; starting it again in %.0f s", process.returncode, backoff
        )
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), backoff)
        backoff = min(backoff * 2, MAX_BACKOFF)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
    except TimeoutError:
        logger.warning("the runner did not stop within %.0f s: killing it", STOP_TIMEOUT)
        process.kill()
        await process.wait()
