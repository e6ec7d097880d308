"""JSON answers with one member streamed: a document whose largest field is written piece by piece.

An analysis's `results` may be tens of MiB; building the whole answer in memory held several copies of it per
request. Here the small fields are serialized at once and the large one is copied through from its source
(`analyses/stored_results.py`), with chunked transfer encoding; aiohttp waits for the client to take each
piece (backpressure), so a slow client holds one piece, not the document. Without the member (`null`) the
answer is one body of known length: no generator, no chunks.
"""

import json
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing

from aiohttp import web
from aiohttp.payload import AsyncIterablePayload


def json_with_streamed_member(
    head: bytes,
    name: str,
    member: AsyncGenerator[bytes, None] | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """`head` (a JSON object's text, not `{}`) with `name` added last: the member's JSON text, or `null`
    without a member."""
    opening = head.rstrip()[:-1] + b"," + json.dumps(name).encode() + b":"
    if member is None:
        return web.Response(
            body=opening + b"null}", status=status, content_type="application/json", headers=headers
        )

    async def body() -> AsyncIterator[bytes]:
        # The member's source (an open file) is closed however the answer ends, a client going away included.
        async with aclosing(member) as pieces:
            yield opening
            async for piece in pieces:
                yield piece
            yield b"}"

    return web.Response(
        body=AsyncIterablePayload(body()), status=status, content_type="application/json", headers=headers
    )
