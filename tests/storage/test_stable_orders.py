"""Orders that do not depend on the store: a listing sorted on a field two documents can share breaks the tie
on `_id` (MongoDB returns ties in no particular order, so pages could repeat or skip documents), and lists a
document holds come back in the document's order.
"""

from datetime import UTC, datetime

from virtool_api.storage.mongo import insert_with_random_id


async def test_a_samples_subtractions_come_back_in_the_samples_order(ctx, factory, public_client):
    owner, headers = await factory.person()
    first = await insert_with_random_id(ctx.db.subtractions, {"name": "Arabidopsis thaliana"})
    second = await insert_with_random_id(ctx.db.subtractions, {"name": "Vitis vinifera"})
    sample = await factory.sample(user={"id": owner["_id"], "handle": owner["handle"]})
    url = f"/api/samples/{sample['_id']}"

    # The store holds them first, second; the sample lists them second, first.
    response = await public_client.patch(
        url, json={"subtractions": [second["_id"], first["_id"]]}, headers=headers
    )
    assert response.status == 200, await response.text()
    expected = [second["_id"], first["_id"]]
    assert [subtraction["id"] for subtraction in (await response.json())["subtractions"]] == expected
    body = await (await public_client.get(url, headers=headers)).json()
    assert [subtraction["id"] for subtraction in body["subtractions"]] == expected


async def test_keys_made_at_the_same_instant_are_listed_by_id(ctx, factory, public_client):
    user, headers = await factory.person()
    instant = datetime(2030, 1, 1, tzinfo=UTC)
    # Stored in the opposite of their `_id` order: only a tie-break on `_id` lists them the same way always.
    for key_id in ("zzzzzzzz", "aaaaaaaa"):
        await ctx.db.keys.insert_one(
            {
                "_id": key_id,
                "name": key_id,
                "user": {"id": user["_id"]},
                "hash": key_id,
                "created_at": instant,
            }
        )
    response = await public_client.get("/api/account/keys", headers=headers)
    assert response.status == 200
    assert [key["id"] for key in await response.json()][-2:] == ["aaaaaaaa", "zzzzzzzz"]


async def _page_ids(public_client, url: str, headers: dict[str, str], count: int) -> list[str]:
    """The ids of the listing's first `count` pages of one document each."""
    ids = []
    for page in range(1, count + 1):
        response = await public_client.get(url, params={"page": page, "per_page": 1}, headers=headers)
        assert response.status == 200, await response.text()
        ids += [document["id"] for document in (await response.json())["documents"]]
    return ids


async def test_references_of_the_same_name_page_by_id(ctx, factory, public_client):
    _, headers = await factory.person()
    # Stored in the opposite of their `_id` order: only a tie-break on `_id` pages them the same way always.
    for reference_id in ("zzzzzzzz", "mmmmmmmm", "aaaaaaaa"):
        await ctx.db.references.insert_one(
            {"_id": reference_id, "name": "Plant viruses", "data_type": "genome", "building_index": None}
        )
    assert await _page_ids(public_client, "/api/references", headers, 3) == [
        "aaaaaaaa",
        "mmmmmmmm",
        "zzzzzzzz",
    ]


async def test_subtractions_of_the_same_name_page_by_id(ctx, factory, public_client):
    _, headers = await factory.person()
    for subtraction_id in ("zzzzzzzz", "mmmmmmmm", "aaaaaaaa"):
        await ctx.db.subtractions.insert_one(
            {"_id": subtraction_id, "name": "Vitis vinifera", "created_at": datetime(2030, 1, 1, tzinfo=UTC)}
        )
    assert await _page_ids(public_client, "/api/subtractions", headers, 3) == [
        "aaaaaaaa",
        "mmmmmmmm",
        "zzzzzzzz",
    ]
