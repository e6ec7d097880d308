"""The analysis listing shows exactly the analyses of the samples the caller may list, through each analysis's
copy of its sample's rights fields (`analyses/sample_access.py`), and the copy follows every change of them.
"""

import asyncio
import itertools
from typing import Any

from virtool_api.analyses.sample_access import BACKFILL_MARKER
from virtool_api.analyses.service import find_analyses, readable_analyses_filter
from virtool_api.projects.membership import project_membership
from virtool_api.samples.rights import access_of, sample_rights
from virtool_api.server.repairs import run_repairs
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now

VISIBILITIES = ("public", "shared", "private", "importing", "awaiting data")


async def listed_sample_ids(ctx: Any, caller: dict[str, Any]) -> set[str]:
    """The sample ids of every analysis in the caller's listing, page by page, as a client would read it."""
    listed: list[str] = []
    page = 1
    while True:
        result = await find_analyses(ctx, caller, page, 100)
        listed.extend(analysis.sample.id for analysis in result.documents)
        if page >= result.page_count:
            break
        page += 1
    assert len(listed) == len(set(listed)) == result.found_count == result.total_count
    return set(listed)


def person(handle: str, administrator: bool = False, groups: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"_id": handle, "handle": handle, "administrator": administrator, "groups": list(groups)}


async def test_the_listing_agrees_with_the_per_sample_rule(ctx):
    """Every combination of rights flags, group, project and visibility, for six kinds of caller."""
    callers = [
        person("owner"),
        person("admin", administrator=True),
        person("grouped", groups=("lab",)),
        person("editor"),
        person("viewer"),
        person("stranger", groups=("other",)),
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
    samples, analyses = [], []
    combinations = itertools.product(
        [False, True], [False, True], [False, True], [False, True], [None, "lab"], [None, project["_id"]]
    )
    for number, (flags, visibility) in enumerate(itertools.product(combinations, VISIBILITIES)):
        group_read, group_write, all_read, all_write, group, project_id = flags
        sample = {
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
        samples.append(sample)
        # What `create_analysis` stores, in one bulk insert (the embedded store inserts one at a time slowly).
        analyses.append(
            {
                "_id": f"a{number}",
                "created_at": utc_now(),
                "workflow": "nuvs",
                "ready": True,
                "sample": {"id": sample["_id"], "name": sample["name"]},
                "sample_access": access_of(sample),
                "index": {"id": "index", "version": 0},
                "reference": {"id": "ref", "name": "Plant viruses", "data_type": "genome"},
                "subtractions": [],
                "user": {"id": "owner", "handle": "owner"},
                "job": None,
            }
        )
    await ctx.db.samples.insert_many([dict(sample) for sample in samples])
    await ctx.db.analyses.insert_many(analyses)
    assert len(samples) == 320

    for caller in callers:
        expected = set()
        for sample in samples:
            membership = project_membership(project, caller["_id"]) if sample["project"] else None
            # Shared is "anyone with the id": listed only when readable without it, as for samples.
            shown = {**sample, "visibility": "private"} if sample["visibility"] == "shared" else sample
            if sample_rights(caller, shown, membership).read:
                expected.add(sample["_id"])
        assert await listed_sample_ids(ctx, caller) == expected, caller["_id"]


async def test_the_listing_filter_does_not_grow_with_the_readable_samples(ctx, factory):
    """The filter is the rule, not a list of ids: the same for a caller who may read no sample as for one who
    may read hundreds (MongoDB refuses a `$in` of every id past ~750k; bench/analysis_listing.py times it)."""
    owner = person("owner", groups=("lab",))
    before = await readable_analyses_filter(ctx, owner)
    template = await factory.sample(user={"id": "owner", "handle": "owner"})
    await ctx.db.samples.insert_many(
        [{**template, "_id": f"s{number}", "name": f"Sample {number}"} for number in range(500)]
    )
    assert await readable_analyses_filter(ctx, owner) == before
    assert "s1" not in repr(before)


async def ready_reference(ctx: Any) -> str:
    reference = await insert_with_random_id(
        ctx.db.references, {"name": "Plant viruses", "data_type": "genome"}
    )
    await insert_with_random_id(
        ctx.db.indexes, {"reference": {"id": reference["_id"]}, "version": 0, "ready": True}
    )
    return reference["_id"]


async def start_analysis(public_client: Any, sample_id: str, ref_id: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = await public_client.post(
        f"/api/samples/{sample_id}/analyses", json={"workflow": "nuvs", "ref_id": ref_id}, headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def listed_by(public_client: Any, headers: dict[str, str]) -> list[str]:
    response = await public_client.get("/api/analyses", headers=headers)
    assert response.status == 200
    return [analysis["id"] for analysis in (await response.json())["documents"]]


async def test_the_listing_follows_changes_of_the_samples_rights(ctx, factory, public_client):
    owner, owners = await factory.person()
    group = await insert_with_random_id(ctx.db.groups, {"name": "Lab", "restrict_sharing": False})
    _, strangers = await factory.person()
    _, members = await factory.person(groups=[group["_id"]])
    sample = await factory.sample(
        ready=True,
        user={"id": owner["_id"], "handle": owner["handle"]},
        all_read=False,
        group_read=False,
        visibility="private",
    )
    analysis = await start_analysis(public_client, sample["_id"], await ready_reference(ctx), owners)
    url = f"/api/samples/{sample['_id']}"

    assert await listed_by(public_client, owners) == [analysis["id"]]
    assert await listed_by(public_client, strangers) == []
    assert await listed_by(public_client, members) == []

    # Public: everyone lists it.
    assert (await public_client.patch(url, json={"visibility": "public"}, headers=owners)).status == 200
    assert await listed_by(public_client, strangers) == [analysis["id"]]
    assert (await public_client.patch(url, json={"visibility": "private"}, headers=owners)).status == 200
    assert await listed_by(public_client, strangers) == []

    # Its group may read it: the group's members list it, no one else.
    rights = {"group": group["_id"], "group_read": True}
    assert (await public_client.patch(f"{url}/rights", json=rights, headers=owners)).status == 200
    assert await listed_by(public_client, members) == [analysis["id"]]
    assert await listed_by(public_client, strangers) == []

    # Everyone may read it.
    assert (await public_client.patch(f"{url}/rights", json={"all_read": True}, headers=owners)).status == 200
    assert await listed_by(public_client, strangers) == [analysis["id"]]
    stored = await ctx.db.analyses.find_one({"_id": analysis["id"]})
    assert stored["sample_access"] == access_of(await ctx.db.samples.find_one({"_id": sample["_id"]}))


async def test_rights_changes_racing_analysis_starts_leave_every_copy_current(ctx, factory, public_client):
    owner, owners = await factory.person()
    ref_id = await ready_reference(ctx)
    sample = await factory.sample(ready=True, user={"id": owner["_id"], "handle": owner["handle"]})
    url = f"/api/samples/{sample['_id']}"

    async def toggle(value: bool) -> None:
        response = await public_client.patch(f"{url}/rights", json={"all_read": value}, headers=owners)
        assert response.status == 200

    for round_number in range(8):
        await asyncio.gather(
            start_analysis(public_client, sample["_id"], ref_id, owners),
            toggle(round_number % 2 == 0),
            start_analysis(public_client, sample["_id"], ref_id, owners),
            toggle(round_number % 2 == 1),
        )
        current = access_of(await ctx.db.samples.find_one({"_id": sample["_id"]}))
        copies = await ctx.db.analyses.find({"sample.id": sample["_id"]}).to_list(None)
        assert len(copies) == 2 * (round_number + 1)
        assert all(analysis["sample_access"] == current for analysis in copies)


async def test_analyses_stored_before_the_copy_existed_get_it_at_start_up(ctx, factory, public_client):
    owner, owners = await factory.person()
    sample = await factory.sample(ready=True, user={"id": owner["_id"], "handle": owner["handle"]})
    analysis = await factory.analysis(sample)
    await ctx.db.analyses.update_one({"_id": analysis["_id"]}, {"$unset": {"sample_access": ""}})
    await ctx.db.maintenance.delete_many({})
    assert await listed_by(public_client, owners) == []  # as an upgraded server would show it, unrepaired

    await run_repairs(ctx)

    assert await listed_by(public_client, owners) == [analysis["_id"]]
    assert (await ctx.db.analyses.find_one({"_id": analysis["_id"]}))["sample_access"] == access_of(sample)
    assert await ctx.db.maintenance.find_one({"_id": BACKFILL_MARKER}) is not None
