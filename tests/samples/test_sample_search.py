"""`GET /api/samples?find=`: names containing the text, case-insensitively, through `lower_name`
(`virtool_api/samples/search.py`), kept with every rename and given by a start-up repair to samples stored
before it existed."""

from typing import Any

from virtool_api.samples.search import BACKFILL_MARKER
from virtool_api.server.repairs import run_repairs


async def found(client: Any, headers: dict[str, str], find: str) -> list[str]:
    response = await client.get("/api/samples", params={"find": find}, headers=headers)
    assert response.status == 200, await response.text()
    return sorted(sample["name"] for sample in (await response.json())["documents"])


async def test_find_matches_any_case_anywhere_in_the_name(ctx, factory, public_client):
    _, headers = await factory.person(administrator=True)
    for name in ("Tomato Leaf 1", "green TOMATO", "Potato", "Érable tomatillo"):
        await factory.sample(name=name)
    assert await found(public_client, headers, "tomat") == [
        "Tomato Leaf 1",
        "green TOMATO",
        "Érable tomatillo",
    ]
    assert await found(public_client, headers, "ÉRABLE") == ["Érable tomatillo"]
    assert await found(public_client, headers, "leaf 1") == ["Tomato Leaf 1"]


async def test_a_renamed_sample_is_found_by_its_new_name_only(ctx, factory, public_client):
    owner, headers = await factory.person()
    sample = await factory.sample(name="Old name", user={"id": owner["_id"], "handle": owner["handle"]})
    response = await public_client.patch(
        f"/api/samples/{sample['_id']}", json={"name": "Fresh"}, headers=headers
    )
    assert response.status == 200, await response.text()
    assert await found(public_client, headers, "old") == []
    assert await found(public_client, headers, "FRESH") == ["Fresh"]


async def test_samples_stored_before_lower_name_are_given_it_at_start_up(ctx, factory, public_client):
    _, headers = await factory.person(administrator=True)
    sample = await factory.sample(name="Grapevine North")
    await ctx.db.samples.update_one({"_id": sample["_id"]}, {"$unset": {"lower_name": ""}})
    await ctx.db.maintenance.delete_one({"_id": BACKFILL_MARKER})
    assert await found(public_client, headers, "grapevine") == []

    await run_repairs(ctx)

    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["lower_name"] == "grapevine north"
    assert await found(public_client, headers, "grapevine") == ["Grapevine North"]
    assert await ctx.db.maintenance.find_one({"_id": BACKFILL_MARKER}) is not None
