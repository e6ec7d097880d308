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

from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from typing import Any

JobStateHandler = Callable[..., Awaitable[None]]
"""`(ctx, job, new_state, error)`: after a job's state change is stored; with `read=` its reads' answer when
it subscribed reads (`Events.job_state_reads`)."""

Steps = Generator[Any, Any, Any]
"""Steps of document-store operations (`storage/steps.py`)."""

JobStateReads = Callable[[dict[str, Any]], Steps | None]
"""`(job) -> steps`: what a handler of a job's state change reads, made from the job as the change left it
(None: nothing for this job). The jobs domain runs them in the transaction that records the change (no round
trip of their own: an analysis job's every report read its analysis and sample in a hop of its own), so they
see the change and nothing the other handlers then do."""

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
    job_state_reads: dict[JobStateHandler, JobStateReads] = field(default_factory=dict)
    """What a handler of `job_state_changed` reads, by handler."""

    def job_state_steps(self, job: dict[str, Any]) -> Steps | None:
        """Every handler's reads for the job's change, one after the other, as steps whose answer is theirs by
        handler; None when no handler reads anything for this job."""
        reading = None  # a loop, not a comprehension: a job's every status post asks (nothing, mostly)
        for handler, reads in self.job_state_reads.items():
            if (steps := reads(job)) is not None:
                reading = reading or {}
                reading[handler] = steps
        return None if reading is None else _answers(reading)

    async def emit_job_state_changed(
        self,
        ctx: Any,
        job: dict[str, Any],
        state: str,
        error: dict[str, Any] | None = None,
        read: dict[JobStateHandler, Any] | None = None,
    ) -> None:
        """`read`: the answers of `job_state_steps`, run with the change; a handler without its own reads."""
        for handler in self.job_state_changed:
            if read is not None and handler in read:
                await handler(ctx, job, state, error, read=read[handler])
            else:
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


def _answers(reading: dict[JobStateHandler, Steps]) -> Steps:
    answers = {}
    for handler, steps in reading.items():
        answers[handler] = yield from steps
    return answers
