"""Finding samples by name: `find` matches the sample names containing it, case-insensitively.

Each sample keeps its name lower-cased (`lower_name`, written with the name), and `find` is lower-cased
too: a search is then a plain-text, case-sensitive `$regex` on `lower_name`, which the document stores answer
from the `lower_name` index (MongoDB matches an unanchored regex against the index's keys without reading the
documents; our embedded store tests the key bytes in SQL). A case-insensitive regex on `name` could use no
index in either. "Case-insensitively" means as Python's `str.lower` folds case, the same on every store.
"""

import re
from typing import Any

from virtool_api.context import Context
from virtool_api.storage.maintenance import is_done, mark_done

BACKFILL_MARKER = "samples_lower_name"


def search_fields(name: str) -> dict[str, Any]:
    """What a sample stores beside its name for searching, on creation and on every rename."""
    return {"lower_name": name.lower()}


def name_filter(find: str) -> dict[str, Any]:
    """The samples whose name contains `find`, case-insensitively."""
    return {"lower_name": {"$regex": re.escape(find.lower())}}


async def backfill(ctx: Context) -> int:
    """Give samples stored before `lower_name` existed their lowered name; once all have it, a marker in the
    `maintenance` collection saves later starts the search. Returns how many were given one.

    Each is a conditional update on the name it read, so a rename meanwhile (which writes `lower_name`
    itself) is never overwritten.
    """
    if await is_done(ctx.db, BACKFILL_MARKER):
        return 0
    given = 0
    async for sample in ctx.db.samples.find({"lower_name": None}, {"name": 1}):
        result = await ctx.db.samples.update_one(
            {"_id": sample["_id"], "name": sample["name"]}, {"$set": search_fields(sample["name"])}
        )
        given += result.modified_count
    await mark_done(ctx.db, BACKFILL_MARKER)
    return given
