"""Threads the event loop hands blocking store calls to (SQLite), one hop there and one back.

`loop.run_in_executor` costs about 60 µs of CPU a call on this machine (a `concurrent.futures.Future` chained
to an asyncio one, a `Condition` per submit, a semaphore to wake a thread), 15 µs here: a plain queue to the
threads, and `call_soon_threadsafe` to settle an asyncio future. A read of a sample makes seven such calls.

As with an executor, a call whose caller was cancelled before a thread took it is not run, and `close()`
waits for every call queued before it.
"""

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
logger = logging.getLogger(__name__)

_Call = tuple[
    asyncio.Future[Any] | None, asyncio.AbstractEventLoop | None, Callable[..., Any], tuple[Any, ...]
]


class Workers:
    def __init__(self, count: int, name: str) -> None:
        self._count = count
        self._name = name
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` on one of the threads; its result or its exception."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._put((future, loop, function, args))
        return await future

    def submit(self, function: Callable[..., Any], *args: Any) -> None:
        """`function(*args)` on one of the threads, with nobody waiting: an exception is logged."""
        self._put((None, None, function, args))

    def _put(self, call: _Call) -> None:
        if len(self._threads) < self._count:
            self._start()
        self._queue.put(call)

    def _start(self) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the {self._name} threads are closed")
            while len(self._threads) < self._count:
                thread = threading.Thread(
                    target=self._work, name=f"{self._name}_{len(self._threads)}", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while (call := self._queue.get()) is not None:
            future, loop, function, args = call
            if future is not None and future.cancelled():
                continue
            try:
                result = function(*args)
            except BaseException as error:
                if future is None or loop is None:
                    logger.exception("%s failed", getattr(function, "__qualname__", function))
                else:
                    _deliver(loop, future, None, error)
                continue
            if future is not None and loop is not None:
                _deliver(loop, future, result, None)

    def close(self) -> None:
        """Wait for the calls queued so far, then stop the threads."""
        with self._lock:
            self._closed = True
            threads, self._threads = self._threads, []
        for _ in threads:
            self._queue.put(None)
        for thread in threads:
            thread.join()


def _deliver(
    loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], result: Any, error: BaseException | None
) -> None:
    try:
        loop.call_soon_threadsafe(_settle, future, result, error)
    except RuntimeError:  # the loop closed meanwhile: nobody is waiting any more
        pass


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
