"""Public API: samples (`virtool_api/samples/public_api.py`): reading one sample (`GET /api/samples/{id}`)
and listing them (`GET /api/samples`)."""

import pytest

from tests.support.errors import NOT_FOUND, UNAUTHORIZED
from tests.support.reads import QUALITY
from tests.support.samples_helpers import stored_sample
from virtool_api.storage.mongo import insert_with_random_id

# GET /samples/{id}


async def test_get_sample(ctx, factory, public_client):
    owner, headers = await factory.person()
    label = await insert_with_random_id(ctx.db.labels, {"name": "Ill", "color": "#FF0000", "description": ""})
    sample = await stored_sample(ctx, factory, owner, name="Grape 7", labels=[label["_id"]], tags=["t1"])
    response = await public_client.get(f"/api/samples/{sample['_id']}", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["$uri"] == f"/api/samples/{sample['_id']}"
    assert body["id"] == sample["_id"] and body["name"] == "Grape 7"
    assert body["ready"] is True and body["status"] == "available"
    assert body["quality"] == QUALITY
    assert body["labels"] == [{"id": label["_id"], "name": "Ill", "color": "#FF0000", "description": ""}]
    assert body["tags"] == [{"$ref": "/api/tags/t1"}]
    assert body["owner"] == {"id": owner["_id"], "handle": owner["handle"]}
    for key in (
        "created_at",
        "updated_at",
        "error_msg",
        "filename",
        "metadata",
        "size",
        "visibility",
        "project",
    ):
        assert key in body


async def test_get_sample_not_found(factory, public_client):
    _, headers = await factory.person()
    response = await public_client.get("/api/samples/nosuch", headers=headers)
    assert response.status == 404
    assert await response.json() == NOT_FOUND


# GET /samples


async def test_find_samples_counts_only_what_the_caller_may_read(ctx, factory, public_client):
    owner, _ = await factory.person()
    caller, headers = await factory.person()
    for number in range(3):
        await stored_sample(ctx, factory, caller, name=f"Mine {number}")
    await stored_sample(ctx, factory, owner, name="Hidden")
    await stored_sample(ctx, factory, owner, name="Shared", visibility="shared")
    await stored_sample(ctx, factory, owner, name="Public", visibility="public")
    await stored_sample(ctx, factory, owner, name="Everyone's", all_read=True)

    response = await public_client.get("/api/samples?per_page=2&page=2", headers=headers)
    assert response.status == 200
    body = await response.json()
    assert body["total_count"] == 5
    assert body["found_count"] == 5
    assert body["page"] == 2 and body["per_page"] == 2 and body["page_count"] == 3
    assert len(body["documents"]) == 2

    response = await public_client.get("/api/samples?find=mine&per_page=2", headers=headers)
    body = await response.json()
    assert (body["total_count"], body["found_count"], body["page_count"]) == (5, 3, 2)
    assert [document["name"] for document in body["documents"]] == ["Mine 2", "Mine 1"]

    response = await public_client.get("/api/samples?find=hidden", headers=headers)
    assert (await response.json())["found_count"] == 0


async def test_find_samples_newest_first_for_an_administrator(ctx, factory, public_client):
    owner, _ = await factory.person()
    _, headers = await factory.person(administrator=True)
    for name in ("First", "Second", "Third"):
        await stored_sample(ctx, factory, owner, name=name)
    body = await (await public_client.get("/api/samples", headers=headers)).json()
    assert [document["name"] for document in body["documents"]] == ["Third", "Second", "First"]
    assert (body["total_count"], body["found_count"], body["page_count"]) == (3, 3, 1)
    assert "reads" not in body["documents"][0]
    assert body["documents"][0]["owner"] == {"id": owner["_id"], "handle": owner["handle"]}


async def test_find_samples_escapes_regex_characters(ctx, factory, public_client):
    owner, headers = await factory.person()
    await stored_sample(ctx, factory, owner, name="Plot A.1 (north)")
    await stored_sample(ctx, factory, owner, name="Plot AX1 north")
    body = await (await public_client.get("/api/samples?find=a.1 (NORTH", headers=headers)).json()
    assert [document["name"] for document in body["documents"]] == ["Plot A.1 (north)"]
    body = await (await public_client.get("/api/samples?find=.*", headers=headers)).json()
    assert body["found_count"] == 0


async def test_find_samples_filters(ctx, factory, public_client):
    owner, headers = await factory.person()
    await stored_sample(
        ctx, factory, owner, name="Labelled", labels=["l1"], tags=["t1"], project="p1", visibility="public"
    )
    await stored_sample(
        ctx, factory, owner, name="Waiting", ready=False, status="awaiting_data", quality=None
    )

    async def names(query: str) -> list[str]:
        response = await public_client.get(f"/api/samples?{query}", headers=headers)
        assert response.status == 200, await response.text()
        return [document["name"] for document in (await response.json())["documents"]]

    assert await names("label=l1") == ["Labelled"]
    assert await names("tag=t1") == ["Labelled"]
    assert await names("project=p1") == ["Labelled"]
    assert await names("visibility=public") == ["Labelled"]
    assert await names("status=awaiting_data") == ["Waiting"]
    assert await names("ready=false") == ["Waiting"]
    assert await names("ready=true&label=l1") == ["Labelled"]
    assert await names("label=l2") == []


@pytest.mark.parametrize("query", ["per_page=101", "per_page=0", "page=0", "status=lost", "ready=maybe"])
async def test_find_samples_invalid_query(factory, public_client, query):
    _, headers = await factory.person()
    response = await public_client.get(f"/api/samples?{query}", headers=headers)
    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_query", "Invalid query")


async def test_find_samples_anonymous(public_client):
    response = await public_client.get("/api/samples")
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED
