"""A real server process, for what only a real process shows: its memory, its signals, its shutdown.

`seeded` creates an analysis and its job through the service layer in a temporary data path before the server
starts (the embedded document store is a file under the data path); `jobs_server` runs `virtool-api serve
--only jobs` on it, and `running_server` either API on any data path, without our runner unless asked for.
Both use the embedded stores also when the suite runs against real databases: what these tests measure does
not depend on the stores. The servers are forked from the worker's pre-imported zygote (`forked.py`: real
processes, without the import each would repeat); `serve_command()` is the installed command, for the tests
that exec it. `peak_rss(pid)` is the most memory a server has held.
"""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.factory import Factory
from tests.support.forked import ForkedProcess, virtool_api_process
from tests.support.stores import copy_migrated_sqlite
from virtool_api.config import Config
from virtool_api.server.context import create_context

ServerProcess = subprocess.Popen | ForkedProcess
"""A server or command process: exec'd (`serve_command()`) or forked (`virtool_api_process`)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command() -> list[str]:
    script = Path(sys.executable).parent / "virtool-api"
    return [str(script)] if script.exists() else [sys.executable, "-m", "virtool_api"]


def printed_link(output: Path, process: ServerProcess) -> str:
    """The setup link in a first start's banner (`No administrator exists yet ...`), read from the file its
    standard output goes to."""
    lines: list[str] = []
    for _ in range(300):
        assert process.poll() is None, "the server exited"
        lines = output.read_text().splitlines()
        links = [line.strip() for line in lines if "/setup?token=" in line]
        if links:
            return links[0]
        time.sleep(0.1)
    raise AssertionError(f"no setup link printed: {lines}")


@pytest.fixture
async def seeded(tmp_path: Path, migrated_sqlite: Path) -> AsyncIterator[dict[str, Any]]:
    data_path = tmp_path / "data"
    copy_migrated_sqlite(migrated_sqlite, data_path)
    ctx = await create_context(Config(data_path=data_path))
    try:
        factory = Factory(ctx)
        analysis = await factory.analysis()
        job = await factory.analysis_job(analysis)
    finally:
        await ctx.close()
    yield {"data_path": data_path, "analysis_id": analysis["_id"], "job_id": job["_id"]}
    # pytest keeps recent temporary directories: do not leave gigabytes behind in them.
    shutil.rmtree(data_path, ignore_errors=True)


@contextmanager
def running_jobs_server(data_path: Path, *options: str) -> Iterator[tuple[ServerProcess, str]]:
    """`virtool-api serve --only jobs` on a free port, with `options`; stopped (SIGTERM) on leaving."""
    with running_server("jobs", data_path, *options) as server:
        yield server


def wait_for_port(process: ServerProcess, port: int, timeout: float = 30) -> None:
    """Return once `process` listens on `port`; fail if it exits or takes longer than `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"server exited with {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"server did not listen on {port} within {timeout} s"
            time.sleep(0.1)


def stop(*processes: ServerProcess, timeout: float = 30) -> None:
    """Stop each process still running as an operator would (SIGTERM), all at once; SIGKILL any that has not
    exited `timeout` seconds later."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def peak_rss(pid: int) -> int:
    """`VmHWM` of the process: the most resident memory it has ever had, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc status")


def _serve(only: str, data_path: Path, *options: str) -> tuple[ForkedProcess, int]:
    """Without our runner unless `options` ask for it (`--runner`): a job API on the embedded default starts
    one, which would take the jobs these tests seed and play themselves (and cost a process start)."""
    port = free_port()
    port_option = "--jobs-port" if only == "jobs" else "--port"
    runner = [] if "--runner" in options else ["--no-runner"]
    process = virtool_api_process(
        [
            "--log-level=warning",
            "serve",
            f"--only={only}",
            "--host=127.0.0.1",
            f"{port_option}={port}",
            f"--data-path={data_path}",
            *runner,
            *options,
        ]
    )
    return process, port


@contextmanager
def running_server(only: str, data_path: Path, *options: str) -> Iterator[tuple[ServerProcess, str]]:
    """`virtool-api serve --only {only}` (`jobs` or `public`) on a free port over `data_path`, with `options`;
    stopped (SIGTERM) on leaving."""
    with running_servers([only], data_path, *options) as [server]:
        yield server


@contextmanager
def running_servers(
    apis: list[str], data_path: Path, *options: str
) -> Iterator[list[tuple[ServerProcess, str]]]:
    """A `virtool-api serve --only {api}` process for each of `apis` over `data_path`, started together (each
    takes seconds to import on a busy machine) and stopped together on leaving."""
    started: list[tuple[ForkedProcess, int]] = []
    try:
        for api in apis:
            started.append(_serve(api, data_path, *options))
        for process, port in started:
            wait_for_port(process, port)
        yield [(process, f"http://127.0.0.1:{port}") for process, port in started]
    finally:
        stop(*(process for process, _ in started))


@pytest.fixture
def jobs_server(seeded: dict[str, Any]) -> Iterator[tuple[ServerProcess, str]]:
    with running_jobs_server(seeded["data_path"]) as server:
        yield server
