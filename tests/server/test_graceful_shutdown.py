"""Stopping the server (SIGTERM, as docker and systemd do) lets in-flight requests finish, then exits."""

import asyncio
import signal
import socket
from urllib.parse import urlsplit

import aiohttp
from aiohttp.payload import AsyncIterablePayload

from tests.support.jobs import acquire


async def test_sigterm_lets_an_in_flight_upload_finish_then_exits(seeded, jobs_server):
    process, url = jobs_server
    first_half_sent = asyncio.Event()

    async def slow_chunks():
        yield b"a" * 4096
        first_half_sent.set()
        await asyncio.sleep(1.5)  # the server is told to stop meanwhile
        yield b"b" * 4096

    form = aiohttp.MultipartWriter("form-data")
    payload = AsyncIterablePayload(slow_chunks(), content_type="application/octet-stream")
    payload.set_content_disposition("form-data", name="file", filename="late.bam")
    form.append_payload(payload)

    async with aiohttp.ClientSession(base_url=url) as session:
        auth = await acquire(session, seeded["job_id"])
        upload = asyncio.create_task(
            session.post(
                f"/api/analyses/{seeded['analysis_id']}/files?name=late.bam&format=bam",
                data=form,
                headers=auth,
            )
        )
        await first_half_sent.wait()
        await asyncio.sleep(0.3)
        process.send_signal(signal.SIGTERM)

        response = await upload
        assert response.status == 201, await response.text()
        body = await response.json()

    assert await asyncio.to_thread(process.wait, 30) == 0
    stored = seeded["data_path"] / "analyses" / body["name_on_disk"]
    assert stored.read_bytes() == b"a" * 4096 + b"b" * 4096
    address = urlsplit(url)
    try:
        socket.create_connection((address.hostname, address.port), timeout=1).close()
        raise AssertionError("the stopped server still accepts connections")
    except OSError:
        pass
