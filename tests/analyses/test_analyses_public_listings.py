"""Public API, analyses route table (docs/api.md, "Analyses"): the listings of analyses, all of them and a
sample's, showing only what the caller may see."""

import pytest

from tests.support.analysis_samples import PRIVATE, sample_of
from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND

# Listings


@pytest.fixture
async def listed(ctx, factory, owner):  # type: ignore[no-untyped-def]
    """Two analyses anyone may list, one of a private sample, one of a shared (link-only) sample."""
    readable = await sample_of(ctx, owner[0])
    private = await sample_of(ctx, owner[0], **PRIVATE)
    shared = await sample_of(ctx, owner[0], **PRIVATE, visibility="shared")
    return {
        "readable": [await factory.analysis(readable), await factory.analysis(readable, workflow="nuvs")],
        "private": [await factory.analysis(private)],
        "shared": [await factory.analysis(shared)],
    }


async def test_find_analyses_hides_what_the_caller_cannot_list(public_client, listed, stranger) -> None:
    response = await public_client.get("/api/analyses", headers=stranger[1])
    assert response.status == 200
    body = await response.json()
    assert sorted(document["id"] for document in body["documents"]) == sorted(
        analysis["_id"] for analysis in listed["readable"]
    )
    assert (body["found_count"], body["total_count"], body["page"], body["page_count"], body["per_page"]) == (
        2,
        2,
        1,
        1,
        25,
    )
    assert "results" not in body["documents"][0]


async def test_find_analyses_by_the_owner_and_an_administrator(public_client, listed, owner, admin) -> None:
    for headers in (owner[1], admin[1]):
        body = await (await public_client.get("/api/analyses", headers=headers)).json()
        assert (body["found_count"], body["total_count"]) == (4, 4)


async def test_find_analyses_by_a_project_member(public_client, ctx, factory, owner, stranger) -> None:
    await ctx.db.projects.insert_one(
        {"_id": "proj1", "name": "P", "members": [{"user_id": stranger[0]["_id"], "can_see_files": True}]}
    )
    sample = await sample_of(ctx, owner[0], **PRIVATE, project="proj1")
    analysis = await factory.analysis(sample)
    body = await (await public_client.get("/api/analyses", headers=stranger[1])).json()
    assert [document["id"] for document in body["documents"]] == [analysis["_id"]]


async def test_find_analyses_paginates_after_the_rights_filter(public_client, listed, stranger) -> None:
    pages = []
    for page in (1, 2):
        response = await public_client.get(f"/api/analyses?per_page=1&page={page}", headers=stranger[1])
        body = await response.json()
        assert (
            body["found_count"],
            body["total_count"],
            body["page"],
            body["page_count"],
            body["per_page"],
        ) == (
            2,
            2,
            page,
            2,
            1,
        )
        pages.extend(document["id"] for document in body["documents"])
    assert pages == [listed["readable"][1]["_id"], listed["readable"][0]["_id"]]


async def test_find_analyses_filters_by_workflow(public_client, listed, stranger) -> None:
    body = await (await public_client.get("/api/analyses?workflow=nuvs", headers=stranger[1])).json()
    assert [document["id"] for document in body["documents"]] == [listed["readable"][1]["_id"]]
    assert (body["found_count"], body["total_count"]) == (1, 2)


async def test_find_analyses_per_page_limit(public_client, owner) -> None:
    response = await public_client.get("/api/analyses?per_page=101", headers=owner[1])
    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"], list(body["errors"])) == (
        "invalid_query",
        "Invalid query",
        ["per_page"],
    )


async def test_find_sample_analyses(public_client, listed, stranger) -> None:
    sample_id = listed["readable"][0]["sample"]["id"]
    body = await (await public_client.get(f"/api/samples/{sample_id}/analyses", headers=stranger[1])).json()
    assert sorted(document["id"] for document in body["documents"]) == sorted(
        analysis["_id"] for analysis in listed["readable"]
    )
    assert (body["found_count"], body["total_count"]) == (2, 2)


async def test_find_sample_analyses_of_a_shared_sample(public_client, listed, stranger) -> None:
    sample_id = listed["shared"][0]["sample"]["id"]
    body = await (await public_client.get(f"/api/samples/{sample_id}/analyses", headers=stranger[1])).json()
    assert [document["id"] for document in body["documents"]] == [listed["shared"][0]["_id"]]


async def test_find_sample_analyses_insufficient_rights(public_client, listed, stranger) -> None:
    sample_id = listed["private"][0]["sample"]["id"]
    response = await public_client.get(f"/api/samples/{sample_id}/analyses", headers=stranger[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_find_sample_analyses_not_found(public_client, owner) -> None:
    response = await public_client.get("/api/samples/missing/analyses", headers=owner[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND
