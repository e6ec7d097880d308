"""Who may read and who may write a sample: one function, one truth table
(tests/samples/test_sample_rights.py).

Analyses inherit their sample's rights; every public route — listings and file downloads included — asks here.

Read: an administrator, the owner, anyone when `all_read`, a member of the sample's group when
`group_read`, a member of the sample's project, or anyone when the visibility is `public` or `shared`.
Write: an administrator, the owner, anyone when `all_write`, a group member when `group_write`, or a project
member with `can_edit_metadata`. Whoever may write may read.

`shared` means "anyone with the id", not "listed": listings (`readable_query`) leave shared samples out unless
the caller may read them for another reason. `readable_query` is the same rule as `sample_rights(...).read`,
written as a document-store filter; the truth-table test checks that the two agree.

A document that inherits its sample's rights (an analysis) keeps a copy of the fields the rule reads
(`access_of`), so that its listing is the same filter over the copy (`readable_query(..., prefix=...)`)
instead of a list of every readable sample's id.
"""

from dataclasses import dataclass
from typing import Any

LINK_VISIBILITIES = ("public", "shared")


@dataclass(frozen=True)
class SampleRights:
    read: bool
    write: bool


def sample_rights(
    user: dict[str, Any], sample: dict[str, Any], membership: dict[str, Any] | None = None
) -> SampleRights:
    """What `user` may do with `sample`; `membership` is their entry in the sample's project, if any."""
    if user.get("administrator"):
        return SampleRights(read=True, write=True)
    owner = sample.get("user", {}).get("id") == user["_id"]
    in_group = sample.get("group") is not None and sample.get("group") in user.get("groups", [])
    in_project = membership is not None
    write = (
        owner
        or bool(sample.get("all_write"))
        or (in_group and bool(sample.get("group_write")))
        or (membership is not None and bool(membership.get("can_edit_metadata")))
    )
    read = (
        write
        or bool(sample.get("all_read"))
        or (in_group and bool(sample.get("group_read")))
        or in_project
        or sample.get("visibility") in LINK_VISIBILITIES
    )
    return SampleRights(read=read, write=write)


ACCESS_FIELDS = ("group", "group_read", "group_write", "all_read", "all_write", "project", "visibility")
"""Besides the owner (`user.id`), every field of a sample the rules above read."""


def access_of(sample: dict[str, Any]) -> dict[str, Any]:
    """The part of a sample the rights rule reads: what documents inheriting its rights keep a copy of."""
    return {"user": {"id": sample["user"]["id"]}, **{field: sample.get(field) for field in ACCESS_FIELDS}}


def readable_by_id_query(user: dict[str, Any], member_project_ids: list[str]) -> dict[str, Any]:
    """`sample_rights(...).read` as a filter: `readable_query` and, since anyone with its id may read one,
    `shared` samples. Asked together with an `_id`, the store itself says "no" for a sample the caller may
    not read exactly as for one that does not exist."""
    query = readable_query(user, member_project_ids)
    if not query:
        return {}
    return {"$or": [*query["$or"], {"visibility": "shared"}]}


def readable_query(user: dict[str, Any], member_project_ids: list[str], prefix: str = "") -> dict[str, Any]:
    """A filter matching the samples `user` may see in listings (shared-only samples excluded); with `prefix`
    (`"sample_access."`), the same filter over a copy of a sample's `access_of` held under that key."""
    if user.get("administrator"):
        return {}
    clauses: list[dict[str, Any]] = [
        {f"{prefix}user.id": user["_id"]},
        {f"{prefix}all_read": True},
        {f"{prefix}all_write": True},
        {f"{prefix}visibility": "public"},
    ]
    if user.get("groups"):
        clauses.append({f"{prefix}group": {"$in": user["groups"]}, f"{prefix}group_read": True})
        clauses.append({f"{prefix}group": {"$in": user["groups"]}, f"{prefix}group_write": True})
    if member_project_ids:
        clauses.append({f"{prefix}project": {"$in": member_project_ids}})
    return {"$or": clauses}
