"""Passwords: the rules a new one must meet, and argon2id hashes of them (never the password itself).

argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes, 4 lanes) make each guess cost ~50 ms
and 64 MiB, which is what makes a stolen hash expensive to attack. Hashing runs on a thread of its own
(`HASHING_THREADS`), never on the event loop nor on the thread pool that streams files and results: a burst of
sign-ins waits its turn there and slows nothing else. One thread is enough: each hash already works its four
lanes in parallel.
"""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from virtool_api.errors import BadRequest

MIN_LENGTH = 8
MAX_LENGTH = 1024
"""Longer passwords are refused rather than hashed: nobody types one, and it bounds the work per request."""

TOO_SHORT = BadRequest.declare(f"Password must be at least {MIN_LENGTH} characters")
TOO_LONG = BadRequest.declare(f"Password must be at most {MAX_LENGTH} characters")
CONTAINS_HANDLE = BadRequest.declare("Password must not contain the handle")

_hasher = PasswordHasher()

HASHING_THREADS = 1
_hashing = ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="password-hashing")


async def _on_hashing_thread(function: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_hashing, function, *args)


def check_password_rules(handle: str, password: str) -> None:
    """400 unless `password` is 8 to 1024 characters and does not contain `handle` (in any letter case).

    Handles shorter than three characters are only refused as the whole password: "ab" inside a passphrase
    says nothing about the person.
    """
    if len(password) < MIN_LENGTH:
        raise TOO_SHORT
    if len(password) > MAX_LENGTH:
        raise TOO_LONG
    lowered, name = password.casefold(), handle.casefold()
    if lowered == name or (len(name) >= 3 and name in lowered):
        raise CONTAINS_HANDLE


async def hash_password(password: str) -> str:
    """An argon2id hash in PHC format (`$argon2id$v=19$m=65536,t=3,p=4$...`), salt included."""
    return await _on_hashing_thread(_hasher.hash, password)


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash("not anyone's password")


async def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches `stored`. With no stored hash (an unknown handle, a user without a
    password) a dummy hash is checked instead, so the answer takes as long either way and timing tells an
    attacker nothing about which handles exist."""
    if stored is None:
        await _on_hashing_thread(_verify, await _on_hashing_thread(_dummy_hash), password)
        return False
    return await _on_hashing_thread(_verify, stored, password)
