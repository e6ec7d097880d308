"""Indexes over the public API: an administrator builds one (the next version, its otus file and its
build-index job; one build at a time), and lists and reads them (docs/api.md, "Indexes")."""

import asyncio
from datetime import timedelta

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.index_builds import build, conflict
from tests.support.jobs import acquire
from virtool_api.utils import utc_now


async def test_building_an_index_makes_the_next_version_its_otus_file_and_its_job(
    public_client, ctx, admin, reference
):
    index = await build(public_client, admin, reference)

    assert (index["version"], index["ready"], index["has_files"]) == (0, False, False)
    assert index["reference"] == {"id": reference["id"], "name": reference["name"], "data_type": "genome"}
    assert len(index["manifest"]) == 25 and set(index["manifest"].values()) == {0}
    assert [f["name"] for f in index["files"]] == ["otus.json.gz"]
    assert index["files"][0]["type"] == "json"
    assert index["files"][0]["download_url"] == f"/indexes/{index['id']}/files/otus.json.gz"
    assert index["job"]["workflow"] == "build_index" and index["job"]["state"] == "waiting"
    assert (index["modified_otu_count"], index["change_count"]) == (25, 25)
    job = await ctx.db.jobs.find_one({"_id": index["job"]["id"]})
    assert job["args"] == {
        "ref_id": reference["id"],
        "index_id": index["id"],
        "index_version": 0,
        "manifest": index["manifest"],
    }


async def test_a_second_build_waits_for_the_first(public_client, jobs_client, admin, reference):
    first = await build(public_client, admin, reference)

    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 409
    assert await response.json() == conflict("An index is already being built for this reference")

    # Its job fails: the reference may be built again, with the next version.
    auth = await acquire(jobs_client, first["job"]["id"])
    await jobs_client.post(
        f"/api/jobs/{first['job']['id']}/status",
        json={"state": "error", "progress": 10, "error": {"type": "X", "traceback": [], "details": []}},
        headers=auth,
    )
    assert (await build(public_client, admin, reference))["version"] == 1


async def test_racing_builds_one_wins(public_client, ctx, admin, reference):
    responses = await asyncio.gather(
        *(
            public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
            for _ in range(4)
        )
    )
    assert sorted(response.status for response in responses) == [201, 409, 409, 409]
    assert await ctx.db.indexes.count_documents({}) == 1


async def test_build_errors(public_client, ctx, factory, admin):
    _, person = await factory.person()
    empty = await (
        await public_client.post("/api/references", json={"name": "Empty"}, headers=admin[1])
    ).json()

    response = await public_client.post("/api/references/nope/indexes", headers=admin[1])
    assert (response.status, await response.json()) == (404, NOT_FOUND)
    response = await public_client.post(f"/api/references/{empty['id']}/indexes", headers=admin[1])
    assert (response.status, await response.json()) == (
        400,
        {"id": "bad_request", "message": "Reference has no OTUs"},
    )
    response = await public_client.post(f"/api/references/{empty['id']}/indexes", headers=person)
    assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)
    assert await ctx.db.indexes.count_documents({}) == 0
    assert await ctx.db.jobs.count_documents({}) == 0


async def test_list_and_get_indexes(public_client, admin, reference):
    index = await build(public_client, admin, reference)

    listing = await (
        await public_client.get(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    ).json()
    assert [(i["id"], i["version"], i["ready"]) for i in listing["documents"]] == [(index["id"], 0, False)]
    assert listing["documents"][0]["job"]["id"] == index["job"]["id"]

    response = await public_client.get(f"/api/indexes/{index['id']}", headers=admin[1])
    assert response.status == 200
    assert (await response.json())["files"] == index["files"]
    for path in ("/api/indexes/nope", "/api/references/nope/indexes"):
        response = await public_client.get(path, headers=admin[1])
        assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_a_claim_whose_index_is_still_being_created_holds_until_it_is_old(
    public_client, ctx, admin, reference
):
    # Another request has claimed the build and not yet stored its index: a second build waits (409) ...
    claim = {"building_index": "notyetmade", "building_index_claimed_at": utc_now()}
    await ctx.db.references.update_one({"_id": reference["id"]}, {"$set": claim})
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 409
    # ... unless the claim is older than any creation takes: its request died half-way; the build goes on.
    dead = {"building_index_claimed_at": utc_now() - timedelta(minutes=11)}
    await ctx.db.references.update_one({"_id": reference["id"]}, {"$set": dead})
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 201, await response.text()
