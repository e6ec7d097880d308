"""What a sample shows of its analyses, and which workflows its library type allows."""

from typing import Any

from virtool_api.context import Context
from virtool_api.jobs.models import Workflow
from virtool_api.samples.rights import access_of

_WORKFLOW_FAMILIES = {
    "pathoscope": (Workflow.PATHOSCOPE,),
    "nuvs": (Workflow.NUVS,),
    "aodp": (Workflow.AODP,),
}


def workflow_compatible(library_type: str, workflow: str) -> bool:
    """AODP analyses amplicon libraries only; Pathoscope and NuVs anything but amplicon libraries."""
    return (library_type == "amplicon") == (workflow == Workflow.AODP)


def workflow_fields(library_type: str, analyses: list[dict[str, Any]]) -> dict[str, Any]:
    """What a sample shows of its analyses: `workflows.{pathoscope,nuvs,aodp}` and Virtool's older
    `pathoscope`/`nuvs` flags.

    A family is `complete` with a finished analysis, `pending` with one in progress, `incompatible` when the
    library type cannot be analysed so (AODP needs amplicon libraries, the others cannot use them), else
    `none`; the flags say `true`, `"ip"` or `false`.
    """
    workflows: dict[str, str] = {}
    for family, names in _WORKFLOW_FAMILIES.items():
        of_family = [analysis for analysis in analyses if analysis.get("workflow") in names]
        if any(analysis.get("ready") for analysis in of_family):
            workflows[family] = "complete"
        elif of_family:
            workflows[family] = "pending"
        elif not workflow_compatible(library_type, names[0]):
            workflows[family] = "incompatible"
        else:
            workflows[family] = "none"
    flags = {
        family: {"complete": True, "pending": "ip"}.get(workflows[family], False)
        for family in ("pathoscope", "nuvs")
    }
    return {"workflows": workflows, **flags}


async def show_analyses(ctx: Context, sample: dict[str, Any], analyses: list[dict[str, Any]]) -> None:
    """Store what the sample shows of its analyses (`workflow_fields` of their `workflow` and `ready`), and
    tell the pages that follow the sample live. The analyses domain calls this after one is started,
    finalized or removed."""
    fields = workflow_fields(sample.get("library_type", "normal"), analyses)
    await ctx.db.samples.update_one({"_id": sample["_id"]}, {"$set": fields})
    await ctx.changes.publish("samples", sample["_id"], "update", {"sample": access_of(sample)})
