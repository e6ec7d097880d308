"""Real public API processes for the import tests: an administrator on an embedded data path, and a server
run under a memory limit (`RLIMIT_AS`), so that an import that regresses fails its test instead of taking
the machine down. The test reads the server's peak memory (`VmHWM`) and, when it asks, its log."""

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest

from tests.support.factory import Factory
from tests.support.forked import ForkedProcess, virtool_api_process
from tests.support.real_server import free_port, stop, wait_for_port
from tests.support.stores import copy_migrated_sqlite
from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.server.context import create_context

MIB = 1024 * 1024
ADDRESS_SPACE = 2048 * MIB
"""The server's address-space limit: idle, it maps ~700 MiB (thread stacks and malloc arenas reserved, not
used), so this leaves room to work and none for the 23 GB the deepest export used to take."""


async def open_stores(data_path: Path) -> Context:
    return await create_context(Config(data_path=data_path))


@pytest.fixture
async def administrator(tmp_path: Path, migrated_sqlite: Path) -> dict[str, Any]:
    """An embedded data path with an administrator, and the headers that act as them."""
    data_path = tmp_path / "data"
    copy_migrated_sqlite(migrated_sqlite, data_path)
    ctx = await open_stores(data_path)
    try:
        _, headers = await Factory(ctx).person(administrator=True)
    finally:
        await ctx.close()
    return {"data_path": data_path, "headers": headers}


@contextmanager
def limited_server(
    data_path: Path, *options: str, log: IO[bytes] | None = None, stall_at: str | None = None
) -> Iterator[tuple[ForkedProcess, str]]:
    """`virtool-api serve --only public` on a free port under the memory limit; `(process, base URL)`.
    With `log`, it logs at `info` there; with `stall_at`, the thread reaching that stall point blocks."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("VIRTOOL_TEST_")}
    if stall_at:
        environment["VIRTOOL_TEST_STALL_AT"] = stall_at
    process = virtool_api_process(
        [
            f"--log-level={'info' if log else 'warning'}",
            "serve",
            "--only=public",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--data-path={data_path}",
            *options,
        ],
        env=environment,
        stderr=log,
        limits={resource.RLIMIT_AS: (ADDRESS_SPACE, ADDRESS_SPACE)},
    )
    try:
        wait_for_port(process, port, timeout=60)
        yield process, f"http://127.0.0.1:{port}/api"
    finally:
        stop(process)


async def upload(session: aiohttp.ClientSession, base: str, data: bytes, upload_type: str) -> int:
    form = aiohttp.FormData()
    form.add_field("file", data, filename="file.gz", content_type="application/octet-stream")
    params = {"name": "file.gz", "type": upload_type}
    response = await session.post(f"{base}/uploads", params=params, data=form)
    assert response.status == 201, await response.text()
    return (await response.json())["id"]
