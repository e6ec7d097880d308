"""An upload held back mid-stream: `SlowUpload` sends a multipart file's first bytes over a raw connection,
waits until the server is writing the temporary file, and sends the rest on `finish()`, so that a test can
close the file's owner (finalize it, finish its job) while the file is still arriving."""

import asyncio
import json
import time
from typing import Any

from tests.support.sample_jobs import incoming_files

BOUNDARY = "virtoollateboundary"


async def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the upload never started"
        await asyncio.sleep(0.02)


class SlowUpload:
    """A multipart upload whose last bytes are held back until `finish()`."""

    def __init__(self, client: Any, method: str, path: str, auth: dict[str, str], data: bytes) -> None:
        self.client, self.method, self.path, self.auth, self.data = client, method, path, auth, data
        self.head = (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="file"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    async def start(self, ctx: Any) -> "SlowUpload":
        host, port = self.client.server.host, self.client.server.port
        self.reader, self.writer = await asyncio.open_connection(host, port)
        self.writer.write(
            "\r\n".join(
                [
                    f"{self.method} {self.path} HTTP/1.1",
                    f"Host: {host}:{port}",
                    "Connection: close",
                    f"Authorization: {self.auth['Authorization']}",
                    f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
                    f"Content-Length: {len(self.head) + len(self.data) + len(self.tail)}",
                ]
            ).encode()
            + b"\r\n\r\n"
            + self.head
            + self.data[:100]
        )
        await self.writer.drain()
        await wait_for(lambda: len(incoming_files(ctx)) == 1)
        return self

    async def finish(self) -> tuple[int, Any]:
        self.writer.write(self.data[100:] + self.tail)
        await self.writer.drain()
        response = await asyncio.wait_for(self.reader.read(), timeout=15)
        self.writer.close()
        return int(response.split(b" ", 2)[1]), json.loads(response.partition(b"\r\n\r\n")[2])
