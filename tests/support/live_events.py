"""Reading a server-sent event stream (`GET /api/events`) in tests, as a browser's EventSource would."""

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import aiohttp

WAIT = 30.0
"""Seconds an event may take to arrive: a state the stream must reach, not a speed measured (two test workers
share two cores)."""


@dataclass
class Event:
    id: str | None
    event: str
    data: Any


class EventStream:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.last_id: str | None = None

    async def next(self, timeout: float = WAIT) -> Event:
        """The next event (comments and the `retry` field skipped)."""
        async with asyncio.timeout(timeout):
            fields: dict[str, str] = {}
            while True:
                raw = await self.response.content.readline()
                if not raw:
                    raise EOFError("the stream ended")
                line = raw.decode().rstrip("\n")
                if line == "":
                    if "data" in fields or "event" in fields:
                        if "id" in fields:
                            self.last_id = fields["id"]
                        return Event(
                            fields.get("id"), fields.get("event", "message"), json.loads(fields["data"])
                        )
                    fields = {}
                    continue
                if line.startswith(":"):
                    continue
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")

    async def until(self, predicate: Any, timeout: float = WAIT) -> tuple[Event, list[Event]]:
        """The first event `predicate` accepts, and every event before it."""
        seen: list[Event] = []
        async with asyncio.timeout(timeout):
            while True:
                event = await self.next(timeout)
                if predicate(event):
                    return event, seen
                seen.append(event)


def about(resource: str, resource_id: str) -> Any:
    """An event predicate: a change of that resource."""
    return lambda event: (
        event.event == "change"
        and event.data
        == {
            "resource": resource,
            "id": resource_id,
            "action": event.data.get("action"),
        }
    )
