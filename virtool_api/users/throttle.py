"""Slowing password guessing: at most 10 password checks a minute for one handle, and 10 from one address,
however many sign-ins arrive at once.

Each handle and each address has ten slots (documents in `sign_in_attempts`, shared by every API process
and kept across restarts). A sign-in takes a free slot of its address and one of its handle, each in one
conditional write, *before* its password is hashed: of any number of concurrent attempts only ten get a
slot, and the rest get 429 without a check, so a correct guess cannot slip through while throttled. A slot
is taken for a minute; a successful sign-in gives its slots back at once, a failed one keeps them until the
minute is up (so ten failures lock the handle or the address out for a minute, as before). Unknown handles
take slots exactly like real ones: the 429 says nothing about which handles exist.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from pymongo.errors import DuplicateKeyError

from virtool_api.context import Context
from virtool_api.errors import TooManyRequests
from virtool_api.utils import utc_now

MAX_CHECKS = 10
WINDOW = timedelta(minutes=1)
THROTTLED = TooManyRequests.declare("Too many failed sign-in attempts; try again in a minute")


@dataclass(frozen=True)
class Attempt:
    """The slots a sign-in holds while its password is checked (and, once it failed, for the minute)."""

    slots: tuple[str, ...]
    until: datetime


def _slot_ids(kind: str, key: str) -> list[str]:
    return [f"{kind}:{key}:{number}" for number in range(MAX_CHECKS)]


async def _take_slot(ctx: Context, kind: str, key: str, now: datetime) -> str | None:
    """A slot of `key` free at `now`, taken until `now + WINDOW` in one conditional write; None when all ten
    are taken. An upsert on a slot that exists but is taken collides on `_id`: the next slot is tried."""
    for slot in _slot_ids(kind, key):
        try:
            await ctx.db.sign_in_attempts.find_one_and_update(
                {"_id": slot, "until": {"$lte": now}}, {"$set": {"until": now + WINDOW}}, upsert=True
            )
        except DuplicateKeyError:
            continue
        return slot
    return None


async def _throttled(ctx: Context, kind: str, key: str, now: datetime) -> TooManyRequests:
    """429 with `Retry-After`: when the first of the key's slots frees."""
    slots = await ctx.db.sign_in_attempts.find({"_id": {"$in": _slot_ids(kind, key)}}).to_list(None)
    frees = min((slot["until"] for slot in slots), default=now + WINDOW)
    wait = (frees.replace(tzinfo=now.tzinfo) - now).total_seconds()
    error = THROTTLED()
    error.headers = {"Retry-After": str(max(1, math.ceil(wait)))}
    return error


async def reserve_check(ctx: Context, handle: str, address: str) -> Attempt:
    """Take a slot of the address and one of the handle before a password is checked; 429 (taking nothing)
    when either has none free."""
    now = utc_now()
    taken: list[str] = []
    for kind, key in (("address", address), ("handle", handle.casefold())):
        slot = await _take_slot(ctx, kind, key, now)
        if slot is None:
            await _release(ctx, taken, now + WINDOW)
            raise await _throttled(ctx, kind, key, now)
        taken.append(slot)
    return Attempt(tuple(taken), now + WINDOW)


async def _release(ctx: Context, slots: list[str] | tuple[str, ...], until: datetime) -> None:
    # Conditional on `until`: a slot that has since expired and been taken by another attempt stays taken.
    for slot in slots:
        await ctx.db.sign_in_attempts.delete_one({"_id": slot, "until": until})


async def succeeded(ctx: Context, attempt: Attempt) -> None:
    """The password was right: its slots are free again at once."""
    await _release(ctx, attempt.slots, attempt.until)


async def failed(ctx: Context, attempt: Attempt) -> None:
    """The password was wrong: its slots stay taken until the minute is up. Slots whose minute is long over
    are removed, so the collection holds only recent attempts."""
    await ctx.db.sign_in_attempts.delete_many({"until": {"$lte": utc_now() - WINDOW}})
