"""Public API, references and subtractions: minimal documents administrators create and analyses name."""

import asyncio

import pytest

INSUFFICIENT_RIGHTS = {"id": "insufficient_rights", "message": "Insufficient rights"}


@pytest.fixture
async def admin(factory):  # type: ignore[no-untyped-def]
    return await factory.person(administrator=True)


@pytest.fixture
async def person(factory):  # type: ignore[no-untyped-def]
    return await factory.person()


async def test_create_reference_and_indexes(public_client, ctx, admin, person) -> None:
    response = await public_client.post(
        "/api/references", json={"name": "Plant viruses", "data_type": "barcode"}, headers=admin[1]
    )
    assert response.status == 201
    reference = await response.json()
    assert (reference["name"], reference["data_type"], reference["latest_index"]) == (
        "Plant viruses",
        "barcode",
        None,
    )

    versions = []
    for _ in range(2):
        response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
        assert response.status == 201
        index = await response.json()
        assert (index["ready"], index["reference"]) == (True, {"id": reference["id"]})
        versions.append(index["version"])
    assert versions == [0, 1]
    assert await ctx.db.indexes.count_documents({"reference.id": reference["id"], "ready": True}) == 2

    body = await (await public_client.get("/api/references", headers=person[1])).json()
    assert [(document["id"], document["latest_index"]) for document in body["documents"]] == [
        (reference["id"], {"id": index["id"], "version": 1})
    ]
    assert (body["found_count"], body["total_count"]) == (1, 1)


async def test_racing_index_creates_get_distinct_versions(public_client, admin) -> None:
    reference = await (
        await public_client.post("/api/references", json={"name": "R"}, headers=admin[1])
    ).json()
    responses = await asyncio.gather(
        *(
            public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
            for _ in range(5)
        )
    )
    assert sorted([(await response.json())["version"] for response in responses]) == [0, 1, 2, 3, 4]


async def test_only_administrators_create(public_client, ctx, admin, person) -> None:
    reference = await (
        await public_client.post("/api/references", json={"name": "R"}, headers=admin[1])
    ).json()
    for path, body in (
        ("/api/references", {"name": "Mine"}),
        (f"/api/references/{reference['id']}/indexes", None),
        ("/api/subtractions", {"name": "Mine"}),
    ):
        response = await public_client.post(path, json=body, headers=person[1])
        assert response.status == 403
        assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.references.count_documents({}) == 1
    assert await ctx.db.indexes.count_documents({}) == 0
    assert await ctx.db.subtractions.count_documents({}) == 0


async def test_index_of_unknown_reference(public_client, admin) -> None:
    response = await public_client.post("/api/references/missing/indexes", headers=admin[1])
    assert response.status == 404
    assert await response.json() == {"id": "not_found", "message": "Not found"}


async def test_create_reference_invalid_input(public_client, admin) -> None:
    response = await public_client.post(
        "/api/references", json={"name": "", "data_type": "protein"}, headers=admin[1]
    )
    assert response.status == 422
    assert sorted((await response.json())["errors"]) == ["data_type", "name"]


async def test_create_and_list_subtractions(public_client, admin, person) -> None:
    response = await public_client.post(
        "/api/subtractions", json={"name": "Vitis vinifera"}, headers=admin[1]
    )
    assert response.status == 201
    subtraction = await response.json()
    assert (subtraction["name"], subtraction["ready"]) == ("Vitis vinifera", True)
    body = await (await public_client.get("/api/subtractions", headers=person[1])).json()
    assert [document["id"] for document in body["documents"]] == [subtraction["id"]]
