"""Slow clients are timed out by a real server process, over real sockets; slow but steady uploads are not.

The server runs with short timeouts (header 1 s, body 1.5 s, idle 2.5 s) so each case takes a few seconds.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp.payload import AsyncIterablePayload

from tests.support.jobs import acquire
from tests.support.real_server import running_jobs_server

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`

HEADER, BODY, IDLE = 1.0, 1.5, 2.5
SLACK = 3.0
"""How much later than its timeout a close may come on a busy machine (the sweep runs every 0.25 s)."""


@pytest.fixture
def server(seeded: dict[str, Any]) -> Iterator[str]:
    options = (f"--header-timeout={HEADER}", f"--body-timeout={BODY}", f"--idle-timeout={IDLE}")
    with running_jobs_server(seeded["data_path"], *options) as (_, url):
        yield url


async def connect(url: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    address = urlsplit(url)
    return await asyncio.open_connection(address.hostname, address.port)


async def read_until_closed(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    try:
        while chunk := await asyncio.wait_for(reader.read(65536), HEADER + BODY + IDLE + 2 * SLACK):
            received += chunk
    except ConnectionResetError:
        pass
    return received


async def read_response(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in lines if line.lower().startswith(b"content-length"))
    return head + await reader.readexactly(length)


def incoming_files(seeded: dict[str, Any]) -> list[str]:
    return [path.name for path in seeded["data_path"].rglob(".incoming-*")]


async def test_a_client_dripping_headers_gets_408_after_the_header_timeout(server):
    reader, writer = await connect(server)
    started = time.monotonic()
    writer.write(b"GET /api/health HTTP/1.1\r\nHost: test\r\n")

    async def drip() -> None:
        try:
            while True:
                await asyncio.sleep(0.2)
                writer.write(b"X-Slow: 1\r\n")
                await writer.drain()
        except ConnectionError:
            return

    dripping = asyncio.create_task(drip())
    try:
        answer = await read_until_closed(reader)
    finally:
        dripping.cancel()
        writer.close()
    elapsed = time.monotonic() - started

    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer
    assert answer.endswith(b'{"id": "request_timeout", "message": "Request headers not received in time"}')
    assert HEADER <= elapsed < HEADER + SLACK
    assert elapsed < IDLE, "cut by the header timeout, not the idle one"


async def test_idle_keep_alive_connections_are_closed(server):
    """A used keep-alive connection and fifty that never sent a byte: all closed after the idle timeout."""
    reader, writer = await connect(server)
    writer.write(b"GET /api/health HTTP/1.1\r\nHost: test\r\n\r\n")
    assert (await read_response(reader)).startswith(b"HTTP/1.1 200 OK")
    silent = [await connect(server) for _ in range(50)]
    started = time.monotonic()

    assert await read_until_closed(reader) == b""
    for silent_reader, _ in silent:
        assert await read_until_closed(silent_reader) == b""
    elapsed = time.monotonic() - started

    assert IDLE - 0.5 <= elapsed < IDLE + SLACK
    for _, silent_writer in [(reader, writer), *silent]:
        silent_writer.close()


async def test_a_body_that_stops_arriving_is_cut_and_leaves_nothing(server, seeded):
    async with aiohttp.ClientSession(base_url=server) as session:
        auth = await acquire(session, seeded["job_id"])
    reader, writer = await connect(server)
    boundary = "slowboundary"
    start = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.bam"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"\x00" * 4096
    head = (
        f"POST /api/analyses/{seeded['analysis_id']}/files?name=stalled.bam&format=bam HTTP/1.1\r\n"
        f"Host: test\r\nAuthorization: {auth['Authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 10000000\r\n\r\n"
    ).encode()
    writer.write(head + start)
    await writer.drain()
    started = time.monotonic()

    answer = await read_until_closed(reader)
    elapsed = time.monotonic() - started
    writer.close()

    assert answer == b"", answer
    assert BODY - 0.2 <= elapsed < BODY + SLACK
    async with aiohttp.ClientSession(base_url=server) as session:
        response = await session.get(f"/api/analyses/{seeded['analysis_id']}", headers=auth)
        assert response.status == 200
        assert (await response.json())["files"] == []
    assert incoming_files(seeded) == []
    assert list((seeded["data_path"] / "analyses").iterdir()) == []


async def upload(url: str, seeded: dict[str, Any], name: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
    form = aiohttp.MultipartWriter("form-data")
    payload = AsyncIterablePayload(chunks, content_type="application/octet-stream")
    payload.set_content_disposition("form-data", name="file", filename=name)
    form.append_payload(payload)
    async with aiohttp.ClientSession(base_url=url) as session:
        auth = await acquire(session, seeded["job_id"])
        response = await session.post(
            f"/api/analyses/{seeded['analysis_id']}/files", params={"name": name}, data=form, headers=auth
        )
        assert response.status == 201, await response.text()
        return await response.json()


async def test_a_slow_but_steady_upload_completes(server, seeded):
    """Three times longer than the body timeout in all, but never silent for as long as it."""

    async def steady() -> AsyncIterator[bytes]:
        for _ in range(16):
            yield b"ACGT" * 256
            await asyncio.sleep(BODY / 5)

    started = time.monotonic()
    uploaded = await upload(server, seeded, "steady.fa", steady())

    assert time.monotonic() - started > 3 * BODY
    assert uploaded["size"] == 16 * 1024
    assert (seeded["data_path"] / "analyses" / uploaded["name_on_disk"]).read_bytes() == b"ACGT" * 256 * 16


async def test_a_fast_upload_the_server_reads_slower_than_it_arrives_completes(server, seeded):
    """While the server is busy writing, its socket is paused: that time is the server's, not the client's."""

    async def fast() -> AsyncIterator[bytes]:
        for _ in range(256):
            yield b"\xab" * (256 * 1024)

    uploaded = await upload(server, seeded, "fast.bam", fast())

    assert uploaded["size"] == 64 * 1024 * 1024
    assert incoming_files(seeded) == []


async def test_a_request_aiohttp_refuses_before_routing_gets_a_json_error(server):
    """A request line past 8190 bytes never reaches a route: it still gets the API's JSON error body."""
    reader, writer = await connect(server)
    writer.write(b"GET /api/health?pad=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: test\r\n\r\n")

    answer = await read_until_closed(reader)
    writer.close()

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].endswith(b" 400 Bad Request"), head
    assert b"Content-Type: application/json" in head
    assert json.loads(body) == {
        "id": "bad_request",
        "message": "Malformed request: the request line or a header is longer than 8190 bytes",
    }
