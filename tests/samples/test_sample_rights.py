"""The listing filter (`readable_query`) and the rights rule (`sample_rights`) say the same thing.

Every combination of caller, rights flags, group, project and visibility is stored; the samples each caller's
listing filter finds in the store must be exactly those `sample_rights(...).read` allows, except `shared`
samples, which listings show only to those who may read them for another reason.
"""

import itertools

from virtool_api.projects.membership import project_membership
from virtool_api.projects.service import member_project_ids
from virtool_api.samples.rights import readable_by_id_query, readable_query, sample_rights
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now

VISIBILITIES = ("public", "shared", "private", "importing", "awaiting data")


async def test_readable_query_agrees_with_sample_rights(ctx):
    def person(handle, administrator=False, groups=()):
        return {"_id": handle, "handle": handle, "administrator": administrator, "groups": list(groups)}

    owner = person("owner")
    callers = [
        owner,
        person("admin", administrator=True),
        person("grouped", groups=["lab"]),
        person("editor"),
        person("viewer"),
        person("stranger", groups=["other"]),
    ]
    project = await insert_with_random_id(
        ctx.db.projects,
        {
            "name": "Survey",
            "description": "",
            "owner": {"id": "owner", "handle": "owner"},
            "members": [
                {"user_id": "editor", "can_edit_metadata": True, "can_add_files": False},
                {"user_id": "viewer", "can_edit_metadata": False, "can_add_files": False},
            ],
            "created_at": utc_now(),
        },
    )

    samples = []
    combinations = itertools.product(
        [False, True], [False, True], [False, True], [False, True], [None, "lab"], [None, project["_id"]]
    )
    for number, (flags, visibility) in enumerate(itertools.product(combinations, VISIBILITIES)):
        group_read, group_write, all_read, all_write, group, project_id = flags
        document = {
            "_id": f"s{number}",
            "name": f"Sample {number}",
            "user": {"id": "owner", "handle": "owner"},
            "group": group,
            "group_read": group_read,
            "group_write": group_write,
            "all_read": all_read,
            "all_write": all_write,
            "project": project_id,
            "visibility": visibility,
        }
        samples.append(document)
    await ctx.db.samples.insert_many([dict(sample) for sample in samples])
    assert len(samples) == 320

    for caller in callers:
        query = readable_query(caller, await member_project_ids(ctx, caller["_id"]))
        listed = {document["_id"] async for document in ctx.db.samples.find(query, {"_id": 1})}
        assert await ctx.db.samples.count_documents(query) == len(listed)

        expected = set()
        for sample in samples:
            membership = project_membership(project, caller["_id"]) if sample["project"] else None
            if sample["visibility"] == "shared":
                # Shared is "anyone with the id": listed only when readable without it.
                readable = sample_rights(caller, {**sample, "visibility": "private"}, membership).read
            else:
                readable = sample_rights(caller, sample, membership).read
            if readable:
                expected.add(sample["_id"])
        assert listed == expected, caller["_id"]

        # Read by id (One Codex's routes ask the store with the rule in the query): shared samples too.
        by_id = readable_by_id_query(caller, await member_project_ids(ctx, caller["_id"]))
        readable = {document["_id"] async for document in ctx.db.samples.find(by_id, {"_id": 1})}
        assert readable == {
            sample["_id"]
            for sample in samples
            if sample_rights(
                caller, sample, project_membership(project, caller["_id"]) if sample["project"] else None
            ).read
        }, caller["_id"]


def test_shared_sample_is_readable_by_id_but_not_writable():
    stranger = {"_id": "stranger", "handle": "stranger", "groups": []}
    sample = {"user": {"id": "owner"}, "visibility": "shared", "all_read": False, "all_write": False}
    rights = sample_rights(stranger, sample)
    assert (rights.read, rights.write) == (True, False)
    assert readable_query(stranger, []) == {
        "$or": [{"user.id": "stranger"}, {"all_read": True}, {"all_write": True}, {"visibility": "public"}]
    }
