"""Who may hear of a change: the same rules as reading the resource (rights checked per event, per person).

A job's change reaches its owner and administrators; a sample's or an analysis's, whoever may read the sample
(`samples/access.rights_of`, over the sample's rights fields as they were when it changed); an index's, a
subtraction's or a reference's, everyone signed in (as those are readable by all).
"""

from typing import Any

from virtool_api.context import Context
from virtool_api.samples.access import rights_of
from virtool_api.storage.changes import Change
from virtool_api.users.service import find_user

HEARD_BY_ALL = frozenset({"indexes", "subtractions", "references"})


async def may_hear(ctx: Context, user: dict[str, Any], change: Change) -> bool:
    if user.get("administrator"):
        return True
    if change.resource == "jobs":
        return change.audience.get("user_id") == user["_id"]
    if change.resource in ("samples", "analyses"):
        access = change.audience.get("sample")
        return isinstance(access, dict) and (await rights_of(ctx, user, access)).read
    return change.resource in HEARD_BY_ALL


async def current_user(ctx: Context, user: dict[str, Any]) -> dict[str, Any] | None:
    """The person as stored now (their rights may have changed while they listen); None once they are removed
    or deactivated."""
    document = await find_user(ctx, user["_id"])
    if document is None or document.get("active") is False:
        return None
    return document
