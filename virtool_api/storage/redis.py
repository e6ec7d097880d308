"""Redis, where workflow runners wait for jobs: the asyncio client of the `redis` package.

Optional: without a URL the server keeps working and new jobs wait in the document store (see
`jobs/handoff.py`). Timeouts are short so that a Redis that is down delays a request by little: the job is
stored first and handed off later.
"""

from typing import Any

CONNECT_TIMEOUT = 2.0
COMMAND_TIMEOUT = 5.0


def connect(redis_url: str | None) -> Any:
    """A client for `redis_url`, or None. Connecting is lazy: a Redis that is down fails the first command."""
    if not redis_url:
        return None
    # Here, not at the top: only a server given a Redis URL needs the client (see NOT_AT_TOP).
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Redis.from_url(
        redis_url,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=COMMAND_TIMEOUT,
        # One attempt: the caller has its own way to try again (the hand-off loop).
        retry=Retry(NoBackoff(), 0),
    )
