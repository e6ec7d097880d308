"""What the change feed hears from the domains (`server/subscriptions.py` wires these to `events.py`): a job's
state change is a change of the job and of what it works on (the sample it creates, the analysis it runs, the
index it builds, the subtraction it creates), so a runner's every report reaches the pages that show them."""

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


async def publish_job_change(
    ctx: Context, job: dict[str, Any], state: str, error: dict[str, Any] | None
) -> None:
    await ctx.changes.publish("jobs", job["_id"], "update", {"user_id": (job.get("user") or {}).get("id")})
    args = job.get("args")
    if not args:  # works on nothing else (every case below needs an argument)
        return
    workflow = job.get("workflow")
    if workflow == Workflow.CREATE_SAMPLE and args.get("sample_id"):
        await publish_sample(ctx, args["sample_id"])
    elif workflow == Workflow.BUILD_INDEX and args.get("index_id"):
        await ctx.changes.publish("indexes", args["index_id"], "update", {})
    elif workflow == Workflow.CREATE_SUBTRACTION and args.get("subtraction_id"):
        await ctx.changes.publish("subtractions", args["subtraction_id"], "update", {})
    elif args.get("analysis_id"):
        read = await run_steps(ctx.db, _analysis_and_sample(args["analysis_id"]))
        if read is None:
            return
        analysis, sample_access = read
        audience = {"sample": analysis.get(SAMPLE_ACCESS)}
        await ctx.changes.publish("analyses", analysis["_id"], "update", audience)
        # Its analyses' states show on the sample.
        await ctx.changes.publish("samples", analysis["sample"]["id"], "update", {"sample": sample_access})


def _analysis_and_sample(analysis_id: str) -> Steps[tuple[dict[str, Any], dict[str, Any] | None] | None]:
    """The analysis (its sample's id and its copy of the sample's rights) and its sample's rights fields as
    they are now, in one round trip (a post of an analysis job's runner read them in two)."""
    analysis = yield from analysis_sample_steps(analysis_id)
    if analysis is None:
        return None
    return analysis, (yield from sample_access_steps(analysis["sample"]["id"]))
