"""What the change feed hears from the domains (`server/subscriptions.py` wires these to `events.py`): a job's
state change is a change of the job and of what it works on (the sample it creates, the analysis it runs, the
index it builds, the subtraction it creates), so a runner's every report reaches the pages that show them."""

from typing import Any

from virtool_api.analyses.documents import find_analysis
from virtool_api.analyses.sample_access import FIELD as SAMPLE_ACCESS
from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.jobs.models import Workflow
from virtool_api.samples.access import find_sample
from virtool_api.samples.rights import access_of


async def publish_sample(ctx: Context, sample_id: str, action: str = "update") -> None:
    """A sample changed: heard by whoever may read it (nobody but administrators once it is removed)."""
    audience: dict[str, Any]
    try:
        audience = {"sample": access_of(await find_sample(ctx, sample_id))}
    except NotFound:
        audience = {"sample": None}
    await ctx.changes.publish("samples", sample_id, action, audience)


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
        try:
            analysis = await find_analysis(ctx, args["analysis_id"])
        except NotFound:
            return
        audience = {"sample": analysis.get(SAMPLE_ACCESS)}
        await ctx.changes.publish("analyses", analysis["_id"], "update", audience)
        await publish_sample(ctx, analysis["sample"]["id"])  # its analyses' states show on the sample
