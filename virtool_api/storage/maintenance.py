"""The `maintenance` collection: one marker per one-off data migration done at start-up (a backfill), so that
later starts skip the search for documents still missing a field. Each marker's `_id` names its backfill."""

from typing import Any

from pymongo.errors import DuplicateKeyError

from virtool_api.utils import utc_now


async def is_done(db: Any, marker: str) -> bool:
    return await db.maintenance.find_one({"_id": marker}) is not None


async def mark_done(db: Any, marker: str) -> None:
    """Record the backfill as done; a marker another process recorded first is kept."""
    try:
        await db.maintenance.insert_one({"_id": marker, "done_at": utc_now()})
    except DuplicateKeyError:
        pass  # another process finished the same backfill
