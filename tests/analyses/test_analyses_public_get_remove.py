"""Public API, analyses route table (docs/api.md, "Analyses"): getting and removing an analysis, and
downloading its files. Listings: test_analyses_public_listings.py; starting an analysis:
test_analyses_public_start.py."""

from typing import Any

import pytest
from sqlalchemy import select

from tests.support.analysis_samples import PRIVATE, sample_of
from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND, UNAUTHORIZED
from tests.support.jobs import acquire
from tests.support.reads import multipart_file
from virtool_api.analyses.tables import AnalysisFile

PARENT_SAMPLE_MISSING = {"id": "bad_request", "message": "Parent sample does not exist"}
STILL_RUNNING = {"id": "conflict", "message": "Analysis is still running"}


@pytest.fixture
async def private_analysis(ctx, factory, owner):  # type: ignore[no-untyped-def]
    """A finalized analysis of a sample only its owner may see."""
    sample = await sample_of(ctx, owner[0], **PRIVATE)
    return await factory.analysis(sample)


@pytest.fixture
async def readable_analysis(ctx, factory, owner):  # type: ignore[no-untyped-def]
    """An analysis of a sample everyone may read (`all_read`) but only its owner may change."""
    sample = await sample_of(ctx, owner[0])
    return await factory.analysis(sample)


async def finalize(ctx, analysis: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    await ctx.db.analyses.update_one(
        {"_id": analysis["_id"]}, {"$set": {"ready": True, "results": {"hits": []}}}
    )


# Get


async def test_get_analysis(public_client, ctx, private_analysis, owner) -> None:
    await finalize(ctx, private_analysis)
    response = await public_client.get(f"/api/analyses/{private_analysis['_id']}", headers=owner[1])
    assert response.status == 200
    body = await response.json()
    assert body["id"] == private_analysis["_id"]
    assert body["ready"] is True
    assert body["workflow"] == "pathoscope_bowtie"
    assert body["sample"] == private_analysis["sample"]
    assert body["index"] == private_analysis["index"]
    assert body["subtractions"] == private_analysis["subtractions"]
    assert body["results"] == {"hits": []}
    assert body["files"] == []
    assert body["created_at"].endswith("Z")


async def test_get_analysis_not_found(public_client, owner) -> None:
    response = await public_client.get("/api/analyses/missing", headers=owner[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_get_analysis_parent_sample_missing(public_client, ctx, private_analysis, owner) -> None:
    await ctx.db.samples.delete_one({"_id": private_analysis["sample"]["id"]})
    response = await public_client.get(f"/api/analyses/{private_analysis['_id']}", headers=owner[1])
    assert response.status == 400
    assert await response.json() == PARENT_SAMPLE_MISSING


async def test_get_analysis_insufficient_rights(public_client, private_analysis, stranger) -> None:
    response = await public_client.get(f"/api/analyses/{private_analysis['_id']}", headers=stranger[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_get_analysis_by_a_reader(public_client, readable_analysis, stranger) -> None:
    response = await public_client.get(f"/api/analyses/{readable_analysis['_id']}", headers=stranger[1])
    assert response.status == 200
    assert (await response.json())["id"] == readable_analysis["_id"]


async def test_get_analysis_of_a_shared_sample_by_id(public_client, ctx, factory, owner, stranger) -> None:
    sample = await sample_of(ctx, owner[0], **PRIVATE, visibility="shared")
    analysis = await factory.analysis(sample)
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=stranger[1])
    assert response.status == 200


async def test_get_analysis_by_an_administrator(public_client, private_analysis, admin) -> None:
    response = await public_client.get(f"/api/analyses/{private_analysis['_id']}", headers=admin[1])
    assert response.status == 200


async def test_get_analysis_requires_authorization(public_client, private_analysis) -> None:
    response = await public_client.get(f"/api/analyses/{private_analysis['_id']}")
    assert response.status == 401
    assert await response.json() == UNAUTHORIZED


# Remove


async def analysis_with_a_file(ctx, jobs_client, factory, analysis: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Run the analysis's job to the end over the job API: one result file, finalized, complete."""
    job = await factory.analysis_job(analysis)
    headers = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/analyses/{analysis['_id']}/files",
        params={"name": "results.json"},
        data=multipart_file(b'{"hits": []}'),
        headers=headers,
    )
    assert response.status == 201, await response.text()
    uploaded = await response.json()
    response = await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}", json={"results": {"hits": []}}, headers=headers
    )
    assert response.status == 200
    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status", json={"state": "complete", "progress": 100}, headers=headers
    )
    assert response.status == 201
    return uploaded


async def test_remove_analysis(public_client, jobs_client, ctx, factory, private_analysis, owner) -> None:
    uploaded = await analysis_with_a_file(ctx, jobs_client, factory, private_analysis)
    path = ctx.files.analysis_file_path(uploaded["name_on_disk"])
    assert path.is_file()

    response = await public_client.delete(f"/api/analyses/{private_analysis['_id']}", headers=owner[1])

    assert response.status == 204
    assert await ctx.db.analyses.find_one({"_id": private_analysis["_id"]}) is None
    assert not path.exists()
    async with ctx.sessions() as session:
        assert (
            await session.scalars(
                select(AnalysisFile).where(AnalysisFile.analysis == private_analysis["_id"])
            )
        ).all() == []


async def test_remove_analysis_not_found(public_client, owner) -> None:
    response = await public_client.delete("/api/analyses/missing", headers=owner[1])
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_remove_analysis_parent_sample_missing(public_client, ctx, private_analysis, owner) -> None:
    await ctx.db.samples.delete_one({"_id": private_analysis["sample"]["id"]})
    response = await public_client.delete(f"/api/analyses/{private_analysis['_id']}", headers=owner[1])
    assert response.status == 400
    assert await response.json() == PARENT_SAMPLE_MISSING


async def test_remove_analysis_insufficient_rights(public_client, ctx, private_analysis, stranger) -> None:
    response = await public_client.delete(f"/api/analyses/{private_analysis['_id']}", headers=stranger[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.analyses.find_one({"_id": private_analysis["_id"]}) is not None


async def test_reader_cannot_remove_analysis(public_client, ctx, readable_analysis, stranger) -> None:
    response = await public_client.delete(f"/api/analyses/{readable_analysis['_id']}", headers=stranger[1])
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.analyses.find_one({"_id": readable_analysis["_id"]}) is not None


async def test_remove_analysis_still_running(public_client, ctx, factory, private_analysis, owner) -> None:
    await factory.analysis_job(private_analysis)
    response = await public_client.delete(f"/api/analyses/{private_analysis['_id']}", headers=owner[1])
    assert response.status == 409
    assert await response.json() == STILL_RUNNING
    assert await ctx.db.analyses.find_one({"_id": private_analysis["_id"]}) is not None


async def test_remove_analysis_once_its_job_is_cancelled(
    public_client, jobs_client, ctx, factory, private_analysis, admin, owner
) -> None:
    """Cancel the job first, as the spec says; the job's key then cannot write to the analysis."""
    job = await factory.analysis_job(private_analysis)
    job_headers = await acquire(jobs_client, job["_id"])
    response = await public_client.put(f"/api/jobs/{job['_id']}/cancel", headers=admin[1])
    assert response.status == 200

    response = await public_client.delete(f"/api/analyses/{private_analysis['_id']}", headers=owner[1])
    assert response.status == 204
    response = await jobs_client.patch(
        f"/api/analyses/{private_analysis['_id']}", json={"results": {}}, headers=job_headers
    )
    assert response.status == 409


async def test_remove_unfinalized_analysis_without_a_job(public_client, ctx, private_analysis, owner) -> None:
    response = await public_client.delete(f"/api/analyses/{private_analysis['_id']}", headers=owner[1])
    assert response.status == 204


# Files


async def test_download_analysis_file(
    public_client, jobs_client, ctx, factory, readable_analysis, stranger
) -> None:
    uploaded = await analysis_with_a_file(ctx, jobs_client, factory, readable_analysis)
    response = await public_client.get(
        f"/api/analyses/{readable_analysis['_id']}/files/{uploaded['id']}", headers=stranger[1]
    )
    assert response.status == 200
    assert await response.read() == b'{"hits": []}'
    assert 'filename="results.json"' in response.headers["Content-Disposition"]


async def test_download_analysis_file_insufficient_rights(
    public_client, jobs_client, ctx, factory, private_analysis, stranger
) -> None:
    uploaded = await analysis_with_a_file(ctx, jobs_client, factory, private_analysis)
    response = await public_client.get(
        f"/api/analyses/{private_analysis['_id']}/files/{uploaded['id']}", headers=stranger[1]
    )
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_download_analysis_file_not_found(public_client, private_analysis, owner) -> None:
    for file_id in ("999", "abc"):
        response = await public_client.get(
            f"/api/analyses/{private_analysis['_id']}/files/{file_id}", headers=owner[1]
        )
        assert response.status == 404
        assert await response.json() == NOT_FOUND
