"""What the change feed hears from the domains (`server/subscriptions.py` wires these to `events.py`): a job's
state change is a change of the job and of what it works on (the sample it creates, the analysis it runs, the
index it builds, the subtraction it creates), so a runner's every report reaches the pages that show them."""

from collections.abc import Callable
from typing import Any

from virtool_api.analyses.sample_access import FIELD as SAMPLE_ACCESS
from virtool_api.analyses.sample_access import analysis_sample_steps
from virtool_api.context import Context
from virtool_api.jobs.models import Workflow
from virtool_api.samples.access import sample_access_steps
from virtool_api.storage.steps import Steps, run_steps


async def publish_sample(ctx: Context, sample_id: str, action: str = "update") -> None:
    """A sample changed: heard by whoever may read it (nobody but administrators once it is removed)."""
    access = await run_steps(ctx.db, sample_access_steps(sample_id))
    await ctx.changes.publish("samples", sample_id, action, {"sample": access})


async def publish_removed_sample(ctx: Context, sample_id: str) -> None:
    await publish_sample(ctx, sample_id, "delete")


UNREAD: Any = object()
"""`publish_job_change`'s `read` when its reads were not run with the change: it reads itself."""


async def publish_job_change(
    ctx: Context, job: dict[str, Any], state: str, error: dict[str, Any] | None, read: Any = UNREAD
) -> None:
    """`read`: what `job_change_steps` read with the change (the jobs domain runs it in the change's
    transaction, `events.Events.job_state_reads`)."""
    await ctx.changes.publish("jobs", job["_id"], "update", {"user_id": (job.get("user") or {}).get("id")})
    target = _target(job)
    if target is None:
        return
    resource, resource_id = target
    if resource not in _READ:
        await ctx.changes.publish(resource, resource_id, "update", {})
        return
    if read is UNREAD:
        read = await run_steps(ctx.db, _READ[resource](resource_id))
    if resource == "samples":
        await ctx.changes.publish("samples", resource_id, "update", {"sample": read})
    elif read is not None:
        analysis, sample_access = read
        audience = {"sample": analysis.get(SAMPLE_ACCESS)}
        await ctx.changes.publish("analyses", analysis["_id"], "update", audience)
        # Its analyses' states show on the sample.
        await ctx.changes.publish("samples", analysis["sample"]["id"], "update", {"sample": sample_access})


def job_change_steps(job: dict[str, Any]) -> Steps[Any] | None:
    """What `publish_job_change` reads for a job's change, as steps: a create-sample job's sample's rights
    fields; an analysis job's analysis and the analysis's sample (`_analysis_and_sample`); None for other
    jobs."""
    target = _target(job)
    if target is None or target[0] not in _READ:
        return None
    return _READ[target[0]](target[1])


def _target(job: dict[str, Any]) -> tuple[str, str] | None:
    """What else a job's change is a change of: the sample it creates, the index it builds, the subtraction it
    creates or the analysis it runs, as `(resource, id)`; None when it works on nothing else."""
    args = job.get("args")
    if not args:  # works on nothing else (every case below needs an argument)
        return None
    workflow = job.get("workflow")
    if workflow == Workflow.CREATE_SAMPLE and args.get("sample_id"):
        return "samples", args["sample_id"]
    if workflow == Workflow.BUILD_INDEX and args.get("index_id"):
        return "indexes", args["index_id"]
    if workflow == Workflow.CREATE_SUBTRACTION and args.get("subtraction_id"):
        return "subtractions", args["subtraction_id"]
    if args.get("analysis_id"):
        return "analyses", args["analysis_id"]
    return None


def _analysis_and_sample(analysis_id: str) -> Steps[tuple[dict[str, Any], dict[str, Any] | None] | None]:
    """The analysis (its sample's id and its copy of the sample's rights) and its sample's rights fields as
    they are now, in one round trip (a post of an analysis job's runner read them in two)."""
    analysis = yield from analysis_sample_steps(analysis_id)
    if analysis is None:
        return None
    return analysis, (yield from sample_access_steps(analysis["sample"]["id"]))


_READ: dict[str, Callable[[str], Steps[Any]]] = {
    "samples": sample_access_steps,
    "analyses": _analysis_and_sample,
}
"""What a job's change reads of what it works on, by resource: the audience of the change published."""
