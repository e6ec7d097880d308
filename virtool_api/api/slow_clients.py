"""Connections from clients too slow to serve are closed, so a few hundred sockets cannot hold the server.

Three timeouts, each counted only while the server waits on the client:

- **idle**: a connection with no request in progress and none begun is closed this many seconds after it
  opened or after its last response ended (aiohttp's keep-alive timer).
- **header**: once the first byte of a request arrives, its request line and headers must be complete within
  this many seconds; otherwise the client gets `408 Request Timeout` and the connection is closed.
- **body**: while a handler runs and the request body is not complete, the connection is closed when no
  byte of it has arrived for this many seconds. Time the server spends not reading (writing to disk,
  waiting for a store: the socket is paused) never counts, so a long upload that keeps sending, however
  slowly, is never cut. Closing the connection makes the handler's next read fail, which is the aborted
  upload path: the temporary file goes and nothing is recorded.

Answers being written to a slow reader are not timed: a download to a slow network may take hours.

aiohttp has the idle timer but neither of the others, so `TimedAppRunner` serves connections with a
`RequestHandler` subclass that notes when bytes arrive, and sweeps its connections a few times a second.

The same subclass answers the requests aiohttp refuses before any route sees them (a request line or header
longer than 8190 bytes, a malformed request line) with the JSON error body every other answer has, `400
{"id": "bad_request", "message": "Malformed request: ..."}`, and logs one line instead of a traceback.
"""

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import LineTooLong
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

from virtool_api.config import ClientTimeouts
from virtool_api.errors import BadRequest

logger = logging.getLogger(__name__)

_TIMEOUT_BODY = json.dumps({"id": "request_timeout", "message": "Request headers not received in time"})
REQUEST_TIMEOUT_RESPONSE = (
    "HTTP/1.1 408 Request Timeout\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    f"Content-Length: {len(_TIMEOUT_BODY)}\r\n"
    "Connection: close\r\n\r\n"
    f"{_TIMEOUT_BODY}"
).encode()


MALFORMED_REQUEST = BadRequest.declare("Malformed request: {reason}")


class _TimedRequestHandler(RequestHandler):
    """aiohttp's protocol, noting when the current request began arriving and when its last byte came."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_started_at: float | None = None
        self.last_received = self._loop.time()

    def data_received(self, data: bytes) -> None:
        if data:
            now = self._loop.time()
            self.last_received = now
            if self.head_started_at is None and not self._request_in_progress and not self._messages:
                self.head_started_at = now
        super().data_received(data)
        if self._messages:
            self.head_started_at = None  # the head is complete: the request is queued

    def resume_reading(self, resume_parser: bool = True) -> None:
        # Time spent paused was the server's, not the client's.
        self.last_received = self._loop.time()
        super().resume_reading(resume_parser)

    async def finish_response(self, *args: Any, **kwargs: Any) -> Any:
        self.head_started_at = None
        return await super().finish_response(*args, **kwargs)

    def enforce(self, now: float, timeouts: ClientTimeouts) -> None:
        """Close this connection if the client has kept the server waiting past a timeout."""
        if self.transport is None or self._force_close:
            return
        request = self._current_request
        if request is not None:
            if request.content.is_eof() or self._reading_paused:
                return
            if now - self.last_received > timeouts.body:
                logger.info(
                    "closed the connection from %s: no request body bytes for %.0f s (%s %s)",
                    self._peer(),
                    timeouts.body,
                    request.method,
                    request.path,
                )
                self.force_close()
            return
        if self._messages or self.head_started_at is None:
            return
        if now - self.head_started_at > timeouts.header:
            logger.info(
                "closed the connection from %s: request headers not complete after %.0f s",
                self._peer(),
                timeouts.header,
            )
            self.transport.write(REQUEST_TIMEOUT_RESPONSE)
            self.force_close()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if status >= 500:
            return super().handle_error(request, status, exc, message)
        reason = (
            f"the request line or a header is longer than {self.max_line_size} bytes"
            if isinstance(exc, LineTooLong)
            else "the request is not valid HTTP"
        )
        logger.info("refused a malformed request from %s: %s", request.remote, reason)
        if request.writer.output_size > 0:
            raise ConnectionError("an answer was already being sent")
        response = web.json_response(MALFORMED_REQUEST.format(reason=reason).body(), status=status)
        response.force_close()
        return response

    def _peer(self) -> str:
        peer = self.transport.get_extra_info("peername") if self.transport is not None else None
        return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else "a client"


class _TimedServer(web.Server):
    def __init__(self, template: web.Server, timeouts: ClientTimeouts) -> None:
        super().__init__(
            template.request_handler,
            request_factory=template.request_factory,
            handler_cancellation=template.handler_cancellation,
            loop=template._loop,
            **template._kwargs,
        )
        self.timeouts = timeouts

    def __call__(self) -> RequestHandler:
        return _TimedRequestHandler(self, loop=self._loop, **self._kwargs)

    async def sweep(self) -> None:
        while True:
            await asyncio.sleep(self.timeouts.sweep_interval)
            now = self._loop.time()
            for handler in self.connections:
                if isinstance(handler, _TimedRequestHandler):
                    handler.enforce(now, self.timeouts)


class TimedAppRunner(web.AppRunner):
    """An `AppRunner` whose connections are held to `timeouts` (see the module's docstring)."""

    def __init__(self, app: web.Application, timeouts: ClientTimeouts, **kwargs: Any) -> None:
        super().__init__(app, keepalive_timeout=timeouts.idle, **kwargs)
        self.timeouts = timeouts
        self._sweeper: asyncio.Task[None] | None = None

    async def _make_server(self) -> web.Server:
        server = _TimedServer(await super()._make_server(), self.timeouts)
        self._sweeper = asyncio.create_task(server.sweep())
        return server

    async def _cleanup_server(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await super()._cleanup_server()
