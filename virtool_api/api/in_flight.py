"""Requests being handled, so a stopping server can let them finish.

aiohttp's own graceful shutdown marks every connection closing and from then on drops the bytes that still
arrive, so a handler still reading an upload could never complete (it waits out the timeout and is
cancelled). The server therefore stops listening first, waits here until the handlers it is running are done
(or the grace period ends), and only then lets aiohttp close the connections.
"""

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web


class InFlight:
    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(request)
        finally:
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Until no handler is running."""
        await self._idle.wait()


IN_FLIGHT: web.AppKey[InFlight] = web.AppKey("in_flight", InFlight)
