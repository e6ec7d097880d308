"""Public API: `GET /events`, the changes the signed-in person may read, as server-sent events
(`text/event-stream`), one stream per page.

Each event is `id: <change id>`, `event: change`, `data: {"resource", "id", "action"}`; the page re-reads
what it shows. A browser that reconnects sends `Last-Event-ID` and gets every change it missed, in order,
before the live ones (`event: reset` instead when they cannot all be had: the page reloads what it shows). A
comment line every 15 s keeps proxies from closing a quiet stream; at that moment the person is read again, so
a change of their rights applies and a removed or deactivated account's stream ends.
"""

import asyncio
import json

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes
from virtool_api.live.service import current_user, may_hear
from virtool_api.storage.changes import Change, Subscription, parse_id

routes = ApiRoutes("events")

HEARTBEAT = 15.0


def _event(change: Change) -> bytes:
    return f"id: {change.id}\nevent: change\ndata: {json.dumps(change.public())}\n\n".encode()


@routes.get("/events", media_type="text/event-stream")
async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: changes to the jobs, samples, analyses, indexes and subtractions one may read."""
    feed = request.app[CONTEXT].changes
    subscription = feed.subscribe()  # before reading the backlog: nothing falls between the two
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",  # nginx: pass events on as they come
        }
    )
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        last = await _send_missed(request, response, request.headers.get("Last-Event-ID"))
        await _send_live(request, response, subscription, last)
    except ConnectionResetError:
        pass  # the page went away
    finally:
        feed.unsubscribe(subscription)
    return response


async def _send_missed(
    request: web.Request, response: web.StreamResponse, last_id: str | None
) -> tuple[int, int] | None:
    """The changes after `last_id` the person may hear (or `reset`); the id of the last one looked at."""
    if not last_id:
        return None
    ctx = request.app[CONTEXT]
    backlog = await ctx.changes.since(last_id)
    if backlog is None:
        await response.write(b"event: reset\ndata: {}\n\n")
        return None
    last = parse_id(last_id)
    for missed in backlog:
        last = parse_id(missed.id)
        if await may_hear(ctx, request[USER], missed):
            await response.write(_event(missed))
    return last


async def _send_live(
    request: web.Request,
    response: web.StreamResponse,
    subscription: Subscription,
    last: tuple[int, int] | None,
) -> None:
    ctx = request.app[CONTEXT]
    user = request[USER]
    while not subscription.overflowed:
        try:
            change = await asyncio.wait_for(subscription.queue.get(), HEARTBEAT)
        except TimeoutError:
            now = await current_user(ctx, user)
            if now is None:
                return  # removed or deactivated meanwhile
            user = now
            await response.write(b": still here\n\n")
            continue
        if change is None:
            return  # the server is stopping
        if last is not None and (parse_id(change.id) or (0, 0)) <= last:
            continue  # sent with the backlog
        if await may_hear(ctx, user, change):
            await response.write(_event(change))
