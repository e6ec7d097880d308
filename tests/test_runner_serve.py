"""`virtool-api serve` with its runner, as `make run` starts it: real processes over one data path. Jobs
created while no runner runs wait in the server's queue, survive a restart, and run once a runner is there."""

import asyncio
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.real_server import free_port, serve_command, wait_for_port
from tests.references_helpers import REFERENCE_EXPORT
from virtool_api.runner.tools import BOWTIE2, why_missing

pytestmark = pytest.mark.skipif(
    why_missing([BOWTIE2]) is not None, reason=f"needs Bowtie2: {why_missing([BOWTIE2])}"
)

WAIT = 180.0


def create_administrator(data_path: Path) -> dict[str, str]:
    result = subprocess.run(
        [*serve_command(), "users", "create", "lab", "--admin", f"--data-path={data_path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {"X-API-Key": result.stdout.strip()}


@contextmanager
def serving(data_path: Path, *options: str) -> Iterator[str]:
    """`virtool-api serve` on free ports over `data_path`; its public API's URL. Stopped with SIGTERM, and it
    must exit cleanly (its runner first)."""
    port, jobs_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            *serve_command(),
            "--log-level=info",
            "serve",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--jobs-port={jobs_port}",
            f"--data-path={data_path}",
            *options,
        ]
    )
    try:
        wait_for_port(process, port)
        wait_for_port(process, jobs_port)
        yield f"http://127.0.0.1:{port}/api"
    finally:
        process.terminate()
        assert process.wait(timeout=90) == 0


async def upload(session: aiohttp.ClientSession, url: str, data: bytes, kind: str, name: str) -> int:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name)
    async with session.post(f"{url}/uploads", params={"name": name, "type": kind}, data=form) as response:
        assert response.status == 201, await response.text()
        return (await response.json())["id"]


async def call(
    session: aiohttp.ClientSession, method: str, url: str, body: Any = None, status: int = 200
) -> Any:
    async with session.request(method, url, json=body) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def eventually(check, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not (result := await check()):
        assert time.monotonic() < deadline, f"not within {WAIT} s: {what}"
        await asyncio.sleep(0.5)
    return result


async def test_a_job_waiting_when_the_server_stops_runs_once_it_is_back_with_its_runner(tmp_path):
    data_path = tmp_path / "data"
    headers = create_administrator(data_path)
    with serving(data_path, "--no-runner") as url:
        async with aiohttp.ClientSession(headers=headers) as session:
            upload_id = await upload(session, url, REFERENCE_EXPORT, "reference", "reference.json.gz")
            reference = await call(session, "POST", f"{url}/references", {"import_from": upload_id}, 201)
            index = await call(session, "POST", f"{url}/references/{reference['id']}/indexes", None, 201)
            await asyncio.sleep(2)
            assert (await call(session, "GET", f"{url}/indexes/{index['id']}"))["job"]["state"] == "waiting"

    with serving(data_path, "--runner") as url:
        async with aiohttp.ClientSession(headers=headers) as session:

            async def built() -> dict[str, Any] | None:
                shown = await call(session, "GET", f"{url}/indexes/{index['id']}")
                return shown if shown["ready"] else None

            shown = await eventually(built, "the index built by the server's runner")
            runners = await call(session, "GET", f"{url}/runners")

    assert shown["job"]["state"] == "complete"
    assert len(runners["runners"]) == 1
    assert "build_index" in runners["runners"][0]["workflows"]
    assert not list((data_path / "work").iterdir())
