"""The caller's rights on stored samples: the rule of `samples/rights.py`, fed with the caller's project
membership. Every public route that touches a sample, or an analysis (which inherits its sample's rights),
goes through here.
"""

from typing import Any

from virtool_api.context import Context
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.projects.membership import project_membership
from virtool_api.projects.service import find_project, member_project_ids, member_project_ids_steps
from virtool_api.samples.rights import (
    ACCESS_FIELDS,
    SampleRights,
    access_of,
    readable_by_id_query,
    readable_query,
    sample_rights,
)
from virtool_api.storage.steps import FindOne, Steps, run_steps


async def stored_sample(ctx: Context, sample_id: str) -> dict[str, Any] | None:
    """The stored sample document, or None; no rights asked (for the domains that follow a sample)."""
    return await ctx.db.samples.find_one({"_id": sample_id})


def stored_sample_steps(sample_id: str) -> Steps[dict[str, Any] | None]:
    """`stored_sample` as steps, to go with others in one round trip (`storage/steps.py`)."""
    return (yield FindOne("samples", {"_id": sample_id}))


def sample_for_rights_steps(user: dict[str, Any], sample_id: str) -> Steps[dict[str, Any] | None]:
    """The stored sample as far as `rights_of(ctx, user, ...)` reads it, or None: for an administrator, whose
    rights no field of the sample decides, only its `_id` (the embedded store answers from the key column,
    without decoding the document: a sixth of an analysis's read); for anyone else the whole document."""
    if user.get("administrator"):
        return (yield FindOne("samples", {"_id": sample_id}, {"_id": 1}))
    return (yield from stored_sample_steps(sample_id))


async def find_sample(ctx: Context, sample_id: str) -> dict[str, Any]:
    """The stored sample document, or 404."""
    document = await stored_sample(ctx, sample_id)
    if document is None:
        raise NotFound()
    return document


async def rights_of(ctx: Context, user: dict[str, Any], sample: dict[str, Any]) -> SampleRights:
    """The caller's rights on a sample document, including those its project's membership grants. Membership
    only adds rights, so the project is read only when it could add one (never for an administrator)."""
    rights = sample_rights(user, sample)
    if not sample.get("project") or (rights.read and rights.write):
        return rights
    membership = project_membership(await find_project(ctx, sample["project"]), user["_id"])
    return sample_rights(user, sample, membership)


async def readable_sample(ctx: Context, user: dict[str, Any], sample_id: str) -> dict[str, Any]:
    """The sample document if the caller may read it: 404 when there is none, 403 when they may not."""
    document = await find_sample(ctx, sample_id)
    await require_read(ctx, user, document)
    return document


async def require_read(ctx: Context, user: dict[str, Any], document: dict[str, Any]) -> None:
    """403 unless the caller may read the stored sample `document`."""
    if not (await rights_of(ctx, user, document)).read:
        raise InsufficientRights()


async def sample_if_readable(ctx: Context, user: dict[str, Any], sample_id: str) -> dict[str, Any] | None:
    """The sample document if the caller may read it; None otherwise, whether or not it exists. The same
    work either way (the caller's projects, then one query with the read rule in it), so the time an answer
    takes tells nothing about which samples exist."""
    member_ids = [] if user.get("administrator") else await member_project_ids(ctx, user["_id"])
    return await ctx.db.samples.find_one({"_id": sample_id, **readable_by_id_query(user, member_ids)})


async def writable_sample(ctx: Context, user: dict[str, Any], sample_id: str) -> dict[str, Any]:
    """The sample document if the caller may change it: 404 when there is none, 403 when they may not."""
    document = await find_sample(ctx, sample_id)
    if not (await rights_of(ctx, user, document)).write:
        raise InsufficientRights()
    return document


async def listing_query(ctx: Context, user: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The samples `user` sees in listings (see `readable_query`: shared-only samples are left out); with
    `prefix`, the documents holding a copy of their sample's access fields under it (analyses)."""
    return await run_steps(ctx.db, listing_query_steps(user, prefix))


def listing_query_steps(user: dict[str, Any], prefix: str = "") -> Steps[dict[str, Any]]:
    """`listing_query` as steps, to go with the listing in one round trip (`storage/steps.py`); none for an
    administrator."""
    if user.get("administrator"):
        return {}
    return readable_query(user, (yield from member_project_ids_steps(user["_id"])), prefix)


ACCESS_PROJECTION = {"user.id": 1, **dict.fromkeys(ACCESS_FIELDS, 1)}


def sample_access_steps(sample_id: str) -> Steps[dict[str, Any] | None]:
    """The sample's rights fields (`rights.access_of`), or None when there is no such sample: the fields
    alone are read (a sample document is tens of fields; the live feed's audience needs these)."""
    document = yield FindOne("samples", {"_id": sample_id}, ACCESS_PROJECTION)
    return None if document is None else access_of(document)
