"""Streamed JSON imports (a reference export, HMM annotations) within bounds: what a file may hold, checked on
the decompressed bytes before the parser sees them, and work that stops when its caller is gone.

`ijson`'s C backend (yajl) keeps a prefix string per open container, so its memory grows with the square of
the nesting depth; it lexes a string that spans its reads again from the start at each read, so its time
grows with the square of a string's length; and whatever is built from its events (an OTU, a cluster) grows
with the keys and values in it. `BoundedJSONStream` sits between the decompressed file and the parser and
hands the parser a chunk only once it has scanned it, in bounded memory, for the limits of `ImportLimits`
(documented once, in docs/operating.md, "Limits"): a hostile file is refused after reading at most one chunk
past the limit it breaks.
"""

import asyncio
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

MIB = 1024 * 1024
GIB = 1024 * MIB
READ_SIZE = 256 * 1024
"""Bytes the parser asks for at a time (the quadratic cost of a long string is in these reads)."""


@dataclass(frozen=True)
class ImportLimits:
    size: int = GIB
    """Decompressed bytes in the whole file."""
    depth: int = 10
    """Lists and objects inside one another (a reference export needs 7, HMM annotations 4)."""
    token: int = 4 * MIB
    """Bytes in one string (a sequence included), or in anything else between two brackets or quotes."""
    members: int = 100_000
    """Keys in one object, elements in one list (OTUs in an export, clusters in HMM annotations)."""
    item_size: int = 16 * MIB
    """Bytes in one element of the list being imported (an OTU, a cluster), which is held in memory whole."""
    item_values: int = 100_000
    """Values (lists, objects, strings, numbers) in one such element."""


IMPORT_LIMITS = ImportLimits()


class LimitExceeded(Exception):
    """The file breaks a limit; the message says which, e.g. "is nested deeper than 10 levels"."""


class ImportStopped(Exception):
    """Reading stopped because its caller was cancelled (its client went away, or the server is stopping)."""


_OUTSIDE_STRINGS = re.compile(rb'["\[\]{}]')
_STRING_BODY = re.compile(rb'[^"\\]*+(?:\\.[^"\\]*+)*+', re.DOTALL)


class BoundedJSONStream:
    """A binary file over `raw` (decompressed JSON) for `ijson`: each chunk is scanned before it is returned,
    raising `LimitExceeded` at the first limit broken, and `ImportStopped` once `stop` is set.

    `item_depth` is the nesting at which the elements of the imported list open (3 for `{"otus": [{...}]}`,
    2 for `[{...}]`): their bytes and values are bounded. The scan follows strings (escapes included) and
    counts brackets and commas; the parser still decides what is valid JSON.
    """

    def __init__(
        self,
        raw: Any,
        item_depth: int,
        stop: threading.Event | None = None,
        limits: ImportLimits = IMPORT_LIMITS,
    ) -> None:
        self._raw = raw
        self._item_depth = item_depth
        self._stop = stop
        self._limits = limits
        self._offset = 0  # decompressed bytes scanned before the current chunk
        self._members: list[int] = []  # commas seen in each open container
        self._in_string = False
        self._escaped = False  # the chunk ended with a backslash inside a string
        self._run = 0  # bytes of the current string, or since the last bracket or quote outside one
        self._item_start = -1
        self._item_values = 0

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if self._stop is not None and self._stop.is_set():
            raise ImportStopped()
        chunk = self._raw.read(size if size > 0 else READ_SIZE)
        if chunk:
            self._scan(chunk)
            self._offset += len(chunk)
            if self._offset > self._limits.size:
                raise LimitExceeded(f"is larger than {_size(self._limits.size)} decompressed")
            if self._item_start >= 0 and self._offset - self._item_start > self._limits.item_size:
                raise LimitExceeded(f"has an element larger than {_size(self._limits.item_size)}")
        return chunk

    def _scan(self, chunk: bytes) -> None:
        position, end = 0, len(chunk)
        while position < end:
            if self._in_string:
                position = self._string(chunk, position)
                continue
            found = _OUTSIDE_STRINGS.search(chunk, position)
            stop = found.start() if found else end
            if stop > position:
                self._between(chunk, position, stop)
            if found is None:
                return
            self._structure(chunk[stop], self._offset + stop)
            position = stop + 1

    def _string(self, chunk: bytes, position: int) -> int:
        """Scan from inside a string to its closing quote (or the chunk's end); the position after."""
        if self._escaped:
            self._escaped = False
            position += 1
            self._run += 1
        stop = _STRING_BODY.match(chunk, position).end()  # type: ignore[union-attr]
        self._run += stop - position
        if self._run > self._limits.token:
            raise LimitExceeded(f"has a string longer than {_size(self._limits.token)}")
        if stop == len(chunk):
            return stop
        if chunk[stop] == 0x5C:  # a backslash ending the chunk escapes the next chunk's first byte
            self._escaped = True
            self._run += 1
        else:  # the closing quote
            self._in_string = False
            self._run = 0
        return stop + 1

    def _between(self, chunk: bytes, start: int, stop: int) -> None:
        """Bytes outside strings between two brackets or quotes: commas, colons, numbers, literals, spaces."""
        self._run += stop - start
        if self._run > self._limits.token:
            raise LimitExceeded(f"has a value longer than {_size(self._limits.token)}")
        if self._members and (commas := chunk.count(b",", start, stop)):
            self._members[-1] += commas
            if self._members[-1] >= self._limits.members:
                raise LimitExceeded(f"has a list or object of more than {self._limits.members:,} members")
            self._count_values(commas)

    def _structure(self, byte: int, offset: int) -> None:
        self._run = 0
        if byte == 0x22:  # "
            self._in_string = True
        elif byte in b"[{":
            self._members.append(0)
            if len(self._members) > self._limits.depth:
                raise LimitExceeded(f"is nested deeper than {self._limits.depth} levels")
            if len(self._members) == self._item_depth:
                self._item_start, self._item_values = offset, 0
            self._count_values(1)
        elif self._members:  # ] or }; one too many is the parser's to refuse
            self._members.pop()
            if len(self._members) < self._item_depth:
                self._item_start = -1

    def _count_values(self, count: int) -> None:
        if self._item_start >= 0:
            self._item_values += count
            if self._item_values > self._limits.item_values:
                raise LimitExceeded(f"has an element of more than {self._limits.item_values:,} values")


def _size(size: int) -> str:
    for unit, name in ((GIB, "GiB"), (MIB, "MiB")):
        if size % unit == 0:
            return f"{size // unit} {name}"
    return f"{size:,} bytes"


async def in_stoppable_thread(stop: threading.Event, function: Callable[[], T]) -> T:
    """`function()` on a worker thread. If the caller is cancelled meanwhile (its client went away, the
    server is stopping), `stop` is set, so that reading through a `BoundedJSONStream` given it ends at its
    next chunk, and the cancellation goes on once the thread has ended: nothing works on for a caller gone.
    """
    future = asyncio.get_running_loop().run_in_executor(None, function)
    try:
        return await asyncio.shield(future)
    except asyncio.CancelledError:
        stop.set()
        await asyncio.wait([future])
        raise
