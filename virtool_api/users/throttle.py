"""Slowing password guessing: after 10 failed sign-ins within a minute for one handle, or from one address,
further attempts for that handle or from that address get 429 until the oldest failure is a minute old.

Failures are documents in the `sign_in_failures` collection, so every API process behind a load balancer
shares the count and a restart does not reset it. Attempts refused with 429 are not recorded (the collection
holds at most ten recent failures per handle and address) and are never checked against a password, so a
correct guess cannot slip through while throttled. Unknown handles are counted exactly like real ones: the
429 says nothing about which handles exist.
"""

import math
from datetime import timedelta

from virtool_api.context import Context
from virtool_api.errors import TooManyRequests
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now

MAX_FAILURES = 10
WINDOW = timedelta(minutes=1)
THROTTLED = "Too many failed sign-in attempts; try again in a minute"


def _handle_key(handle: str) -> str:
    return handle.casefold()


async def require_not_throttled(ctx: Context, handle: str, address: str) -> None:
    """429 (with `Retry-After`) when the handle or the address has used up its failures in the window."""
    since = utc_now() - WINDOW
    for field, value in (("handle", _handle_key(handle)), ("address", address)):
        query = {field: value, "at": {"$gt": since}}
        if await ctx.db.sign_in_failures.count_documents(query) >= MAX_FAILURES:
            oldest = await ctx.db.sign_in_failures.find(query).sort("at", 1).limit(1).to_list(1)
            wait = (oldest[0]["at"].replace(tzinfo=since.tzinfo) - since).total_seconds() if oldest else 60
            error = TooManyRequests(THROTTLED)
            error.headers = {"Retry-After": str(max(1, math.ceil(wait)))}
            raise error


async def record_failure(ctx: Context, handle: str, address: str) -> None:
    now = utc_now()
    await ctx.db.sign_in_failures.delete_many({"at": {"$lte": now - WINDOW}})
    await insert_with_random_id(
        ctx.db.sign_in_failures, {"handle": _handle_key(handle), "address": address, "at": now}
    )
