"""Small domain-free helpers: ids, timestamps, store URLs fit for logs, pausing the garbage collector."""

import gc
import re
import secrets
import string
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

ID_ALPHABET = string.ascii_lowercase + string.digits


def random_id(length: int = 8) -> str:
    """A short random id like the spec's `xzcvmafq`."""
    return "".join(secrets.choice(ID_ALPHABET) for _ in range(length))


MAX_RECORD_ID = 2**31 - 1
"""SQL row ids are 32-bit integers (PostgreSQL `integer`); a larger number can name no row."""


def record_id(text: str) -> int | None:
    """A SQL row id from a URL segment, or None when it cannot be one: ASCII digits only (`str.isdigit` alone
    also accepts superscripts and full-width digits)."""
    if text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) <= MAX_RECORD_ID:
        return int(text)
    return None


def collection_paused() -> "_CollectionPaused":
    """Python's cyclic garbage collector paused while a tree of new containers is built (a JSON body parsed,
    validated, dumped). Such a tree holds no cycle for it to find, yet every few hundred new containers start
    a collection, and every so often one through everything the process holds: a sample quality of half a
    million rows spent two thirds of its time there. What else is freed meanwhile is collected afterwards."""
    return _CollectionPaused()


class _CollectionPaused:
    """`collection_paused()`: a class rather than a `contextmanager` generator, a third of the time (0.6
    against 1.8 µs; every request with a JSON body passes here twice, parsed then validated)."""

    __slots__ = ("_was_enabled",)

    def __enter__(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self._was_enabled:
            gc.enable()


@contextmanager
def start_up() -> Iterator[None]:
    """A process's start: the collector paused while the modules are imported (and a server's apps built),
    then what they made frozen (`gc.freeze`). Those 200,000 objects live as long as the process and hold
    almost no garbage (a few thousand objects), yet the collections that their making started, and every full
    one after, went through all of them: 0.09 s of a server's 1 s of CPU to start."""
    with collection_paused():
        yield
    gc.freeze()


_last_now = datetime.min.replace(tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def utc_now() -> datetime:
    """Now, in UTC, truncated to milliseconds: the precision MongoDB keeps, so we return what we store.

    Strictly increasing within a process (a millisecond later than the previous call when the clock has not
    moved on), so documents created one after another sort newest-first in the order they were made.
    """
    global _last_now
    now = datetime.now(UTC)
    now -= now.microsecond % 1000 * _MICROSECOND  # `replace(microsecond=...)` parses keywords: twice as long
    if now <= _last_now:
        now = _last_now + timedelta(milliseconds=1)
    _last_now = now
    return now


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)


def as_utc(value: datetime) -> datetime:
    """Stores hand back naive datetimes (MongoDB, SQLite); every one of ours is UTC.

    By arithmetic from the epoch rather than `replace(tzinfo=UTC)`, whose keyword parsing takes five times as
    long (every timestamp of every response passes here)."""
    if value.tzinfo is None:
        return _EPOCH + (value - _NAIVE_EPOCH)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


_TWO_DIGITS = [f"{n:02d}" for n in range(100)]
_MINUTE_SECOND = [f"{minute:02d}:{second:02d}" for minute in range(60) for second in range(60)]
_WHOLE_MILLISECONDS = [f".{n:03d}000Z" for n in range(1000)]
"""The pieces of a timestamp, written once: stores keep milliseconds, so a fraction is nearly always one of
these."""


def iso_timestamp(value: datetime) -> str:
    """`2018-02-07T00:25:53.786000Z`, the spec's style (naive means UTC).

    Put together from pieces written once (`isoformat` formats through `PyUnicode_FromFormat`, about half of
    this function's time; every timestamp of every response passes here), but for years before 1000, which
    `strftime` writes without leading zeros."""
    zone = value.tzinfo
    if zone is not UTC and zone is not None:
        value = value.astimezone(UTC)
    year = value.year
    if year < 1000:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    micro = value.microsecond
    fraction = _WHOLE_MILLISECONDS[micro // 1000] if micro % 1000 == 0 else f".{micro:06d}Z"
    return (
        f"{year}-{_TWO_DIGITS[value.month]}-{_TWO_DIGITS[value.day]}T{_TWO_DIGITS[value.hour]}:"
        f"{_MINUTE_SECOND[value.minute * 60 + value.second]}{fraction}"
    )


def mask_url(url: str) -> str:
    """The URL with its password (in the user info or a `password=` parameter) replaced by `***`."""
    url = re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)
    return re.sub(r"((?:^|[?&])password=)[^&]*", r"\1***", url, flags=re.IGNORECASE)
