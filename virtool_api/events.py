"""Domain events: how a domain tells the domains above it that something happened, without importing them.

Domains import one way only, lower before higher:

    users, settings, projects, labels, tags < jobs < uploads, hmms < samples < subtractions < references
        < indexes < analyses < blast

When a change in a lower domain must be followed by a higher one (a job's state changes, so the sample it is
importing follows; a sample is removed, so its analyses go with it), the lower domain emits an event here and
the higher one has subscribed to it. `virtool_api/server/subscriptions.py` is the one list of who listens to
what.

Handlers run in the order they subscribed, awaited one after the other by the emitter, inside the request that
caused the change: when the emitter returns, every follower has done its part.

Each domain writes its own documents only (`tests/test_data_ownership.py`): when a label is removed, the
samples domain takes it off the samples that carry it (`label_removed`); the labels domain never writes them.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

JobStateHandler = Callable[[Any, dict[str, Any], str, dict[str, Any] | None], Awaitable[None]]
"""`(ctx, job, new_state, error)`: after a job's state change is stored."""

RemovalHandler = Callable[[Any, str], Awaitable[None]]
"""`(ctx, removed_id)`: after a document is deleted, to remove what belonged to it."""

SampleHandler = Callable[[Any, str], Awaitable[None]]
"""`(ctx, sample_id)`: after a sample's rights fields (`samples/rights.access_of`) changed."""


@dataclass
class Events:
    job_state_changed: list[JobStateHandler] = field(default_factory=list)
    sample_removed: list[RemovalHandler] = field(default_factory=list)
    sample_access_changed: list[SampleHandler] = field(default_factory=list)
    project_removed: list[RemovalHandler] = field(default_factory=list)
    group_removed: list[RemovalHandler] = field(default_factory=list)
    label_removed: list[RemovalHandler] = field(default_factory=list)
    tag_removed: list[RemovalHandler] = field(default_factory=list)

    async def emit_job_state_changed(
        self, ctx: Any, job: dict[str, Any], state: str, error: dict[str, Any] | None = None
    ) -> None:
        for handler in self.job_state_changed:
            await handler(ctx, job, state, error)

    async def emit_sample_removed(self, ctx: Any, sample_id: str) -> None:
        for handler in self.sample_removed:
            await handler(ctx, sample_id)

    async def emit_sample_access_changed(self, ctx: Any, sample_id: str) -> None:
        for handler in self.sample_access_changed:
            await handler(ctx, sample_id)

    async def emit_project_removed(self, ctx: Any, project_id: str) -> None:
        for handler in self.project_removed:
            await handler(ctx, project_id)

    async def emit_group_removed(self, ctx: Any, group_id: str) -> None:
        for handler in self.group_removed:
            await handler(ctx, group_id)

    async def emit_label_removed(self, ctx: Any, label_id: str) -> None:
        for handler in self.label_removed:
            await handler(ctx, label_id)

    async def emit_tag_removed(self, ctx: Any, tag_id: str) -> None:
        for handler in self.tag_removed:
            await handler(ctx, tag_id)
