"""Each analysis keeps a copy of its sample's rights fields (`sample_access`, from
`samples/rights.access_of`), so that the analysis listing is the sample listing's rule applied to that copy:
one filter over the analyses, whose cost does not grow with how many samples the caller may read (before, the
listing gathered every readable sample's id into a `$in`, which MongoDB refuses past ~750k ids).

The copy follows the sample: the samples domain emits `sample_access_changed` after it changes a sample's
group, rights flags, project or visibility, and `sync_sample_access` copies the sample's current fields onto
every analysis of it. Two changes racing could leave the copy of the older one last; so the sync reads the
sample again after writing and writes again until what it wrote is what the sample holds. Whoever writes last
then wrote the sample's final fields: a change landing after that last read is followed by its own sync, which
would come later still. A new analysis is inserted before its creator syncs (`service.start_analysis`), so a
change racing its creation is seen by one of the two.

A group or project deleted leaves its id in the copies (as the samples' own fields go to null): no user is a
member of a deleted group or project, so the filter reads it as it would read null.
"""

from typing import Any

from virtool_api.context import Context
from virtool_api.samples.access import stored_sample
from virtool_api.samples.rights import access_of
from virtool_api.storage.maintenance import is_done, mark_done
from virtool_api.storage.steps import FindOne, Steps

FIELD = "sample_access"
PREFIX = f"{FIELD}."
BACKFILL_MARKER = "analyses.sample_access"
"""`_id` of the `maintenance` document saying every analysis has its copy (written by `backfill`)."""


async def sync_sample_access(ctx: Context, sample_id: str) -> bool:
    """Copy the sample's rights fields onto each of its analyses until the copy is the sample's; False when
    the sample does not exist (any more)."""
    sample = await stored_sample(ctx, sample_id)
    for _ in range(10):
        if sample is None:
            return False
        access = access_of(sample)
        await ctx.db.analyses.update_many({"sample.id": sample_id}, {"$set": {FIELD: access}})
        sample = await stored_sample(ctx, sample_id)
        if sample is not None and access_of(sample) == access:
            return True
    raise RuntimeError(f"the rights of sample {sample_id} kept changing while its analyses followed them")


def analysis_sample_steps(analysis_id: str) -> Steps[dict[str, Any] | None]:
    """The analysis's `_id`, `sample.id` and its copy of the sample's rights fields (nothing more: its
    results can be megabytes), or None when there is no such analysis; steps, to go with the sample's read
    in one round trip (`storage/steps.py`)."""
    return (yield FindOne("analyses", {"_id": analysis_id}, {"sample.id": 1, FIELD: 1}))


async def follow_sample_access(ctx: Context, sample_id: str) -> None:
    """Subscribed to `sample_access_changed`."""
    await sync_sample_access(ctx, sample_id)


async def backfill(ctx: Context) -> int:
    """Give analyses stored before the copy existed their sample's fields; once all have it, a marker in the
    `maintenance` collection saves later starts the search. Returns how many samples' analyses were copied."""
    if await is_done(ctx.db, BACKFILL_MARKER):
        return 0
    missing: Any = ctx.db.analyses.find({FIELD: {"$exists": False}}, {"sample.id": 1})
    sample_ids = sorted({analysis["sample"]["id"] for analysis in await missing.to_list(None)})
    for sample_id in sample_ids:
        await sync_sample_access(ctx, sample_id)
    await mark_done(ctx.db, BACKFILL_MARKER)
    return len(sample_ids)
