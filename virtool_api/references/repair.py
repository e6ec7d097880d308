"""What an interrupted reference import leaves, removed (run by every public API process at start-up and
every minute, `server/repairs.py`).

An import stores its reference hidden (`importing`), then its OTUs in batches, each renewing
`importing.heartbeat_at`, and makes the reference visible last (`service.import_reference`). A process killed
half-way leaves a hidden reference and some of its OTUs: nobody can read them (`otus.VISIBLE`), and once the
heartbeat is `--creation-timeout` old the import is taken for abandoned and removed. Taking it is one
conditional write (`importing.abandoned`), which the importer's own next heartbeat checks: an import that was
only slow stops (409) rather than finishing with OTUs a repair removed.
"""

from datetime import timedelta

from virtool_api.context import Context
from virtool_api.references.service import remove_imported
from virtool_api.storage.mongo import missing_ids
from virtool_api.utils import utc_now


async def repair_interrupted_imports(ctx: Context, older_than: float) -> int:
    """Remove every import whose heartbeat is older than `older_than` seconds (or that a repair took before it
    was cut short itself); how many."""
    cutoff = utc_now() - timedelta(seconds=older_than)
    removed = 0
    while taken := await ctx.db.references.find_one_and_update(
        {"$or": [{"importing.heartbeat_at": {"$lt": cutoff}}, {"importing.abandoned": True}]},
        {"$set": {"importing.abandoned": True}},
        {"_id": 1},
    ):
        await remove_imported(ctx, taken["_id"])
        removed += 1
    return removed


async def remove_orphan_otus(ctx: Context) -> int:
    """Remove OTUs whose reference does not exist: what an import killed before this version made its
    references hidden left behind. Reads every OTU's reference id: run at start-up only."""
    reference_ids = await ctx.db.otus.distinct("reference.id")
    orphaned = await missing_ids(ctx.db.references, reference_ids)
    for reference_id in orphaned:
        await ctx.db.otus.delete_many({"reference.id": reference_id})
    return len(orphaned)
