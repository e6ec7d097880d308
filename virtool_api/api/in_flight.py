"""Requests being handled, so a stopping server can let them finish, and stops within its timeout whatever
they are doing.

aiohttp's own graceful shutdown marks every connection closing and from then on drops the bytes that still
arrive, so a handler still reading an upload could never complete (it waits out the timeout and is
cancelled). The server therefore stops listening first, waits here until the handlers it is running are done
(or the grace period ends), and only then lets aiohttp close the connections.

`--shutdown-timeout` bounds the whole stop: requests get it less `cleanup_reserve` to finish; those still
running are then cancelled (work they left on a thread stops at its next read, see
`storage/streamed_json.py`), and a watchdog ends the process at the timeout if anything still runs (exit
status 1): a stopping server never hangs.
"""

import asyncio
import logging
import os
import threading
from collections.abc import Awaitable, Callable

from aiohttp import web

logger = logging.getLogger(__name__)


class InFlight:
    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._handlers: set[asyncio.Task] = set()

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        self.count += 1
        if self.count == 1:
            self._idle.clear()
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        try:
            return await handler(request)
        finally:
            self._handlers.discard(task)  # type: ignore[arg-type]
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    async def wait_idle(self) -> None:
        """Until no handler is running."""
        await self._idle.wait()

    def cancel(self) -> None:
        """Cancel every handler still running (the grace period is over)."""
        for task in self._handlers:
            task.cancel()


IN_FLIGHT: web.AppKey[InFlight] = web.AppKey("in_flight", InFlight)


def cleanup_reserve(timeout: float) -> float:
    """What of `--shutdown-timeout` is kept for cancelling what still runs, closing connections and stores."""
    return min(5.0, timeout / 4)


async def drain(sites: list[web.TCPSite], apps: list[web.Application], budget: float) -> None:
    """Stop listening, let the requests being handled finish (uploads included) for `budget` seconds less the
    reserve, then cancel those still running and give them a moment to clean up."""
    for site in sites:
        await site.stop()
    busy = sum(app[IN_FLIGHT].count for app in apps)
    logger.info("shutting down: no new connections; finishing %d in-flight requests", busy)
    reserve = cleanup_reserve(budget)
    try:
        async with asyncio.timeout(budget - reserve):
            for app in apps:
                await app[IN_FLIGHT].wait_idle()
    except TimeoutError:
        still = sum(app[IN_FLIGHT].count for app in apps)
        logger.warning("%d requests still running after %.0f s: stopping them", still, budget - reserve)
        for app in apps:
            app[IN_FLIGHT].cancel()
        try:
            async with asyncio.timeout(reserve / 2):
                for app in apps:
                    await app[IN_FLIGHT].wait_idle()
        except TimeoutError:
            logger.warning("requests still running after being stopped: closing their connections")


def exit_by(timeout: float) -> None:
    """End the process `timeout` seconds from now if it is still stopping then (a thread that does not stop,
    a store that does not answer): a daemon timer, so a process that stops in time never waits for it."""

    def force() -> None:
        logger.error("still stopping after %.0f s (--shutdown-timeout): exiting now", timeout)
        logging.shutdown()
        os._exit(1)

    timer = threading.Timer(timeout, force)
    timer.daemon = True
    timer.start()
