"""Public API, analyses route table (docs/api.md, "Analyses": get, remove), listings and starting analyses."""

from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import acquire, multipart_file
from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.samples.documents import create_sample
from virtool_api.server.auth import PUBLIC_CREDENTIALS_HINT
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.users.service import user_ref
from virtool_api.utils import random_id, utc_now

UNAUTHORIZED = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": PUBLIC_CREDENTIALS_HINT,
}
PARENT_SAMPLE_MISSING = {"id": "bad_request", "message": "Parent sample does not exist"}
STILL_RUNNING = {"id": "conflict", "message": "Analysis is still running"}

PRIVATE = {"all_read": False, "all_write": False, "group_read": False, "group_write": False}


async def sample_of(ctx, owner: dict[str, Any], ready: bool = True, **fields: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A sample owned by `owner`, readable by everyone unless `fields` say otherwise."""
    extra = {"ready": True, "status": "available"} if ready else {}
    return await create_sample(
        ctx, name=f"Sample {random_id(6)}", user=user_ref(owner), **{**extra, **fields}
    )


@pytest.fixture
async def owner(factory):  # type: ignore[no-untyped-def]
    return await factory.person()


@pytest.fixture
async def stranger(factory):  # type: ignore[no-untyped-def]
    return await factory.person()


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


# Start an analysis


@pytest.fixture
async def reference(public_client, ctx, admin):  # type: ignore[no-untyped-def]
    """A reference with two ready indexes (versions 0 and 1), a newer one still being built, and a ready
    subtraction. Building them is the build-index and create-subtraction jobs' work
    (tests/indexes/test_indexes.py, tests/subtractions/test_subtractions.py); here they are stored as those
    jobs leave them."""
    response = await public_client.post(
        "/api/references", json={"name": "Plant viruses", "data_type": "genome"}, headers=admin[1]
    )
    assert response.status == 201
    created = await response.json()
    owner = {"id": admin[0]["_id"], "handle": admin[0]["handle"]}
    indexes = [
        await insert_with_random_id(
            ctx.db.indexes,
            {"reference": {"id": created["id"]}, "version": version, "ready": ready, "created_at": utc_now()},
        )
        for version, ready in ((0, True), (1, True), (2, False))
    ]
    subtraction = await insert_with_random_id(
        ctx.db.subtractions,
        {"name": "Vitis vinifera", "nickname": "", "ready": True, "created_at": utc_now(), "user": owner},
    )
    return {
        "reference": created,
        "indexes": [{"id": index["_id"], "version": index["version"]} for index in indexes],
        "subtraction": {"id": subtraction["_id"], "name": subtraction["name"]},
    }


async def start(public_client, sample_id: str, headers: dict[str, str], **body: Any):  # type: ignore[no-untyped-def]
    return await public_client.post(f"/api/samples/{sample_id}/analyses", json=body, headers=headers)


async def test_start_analysis(public_client, ctx, reference, owner) -> None:
    sample = await sample_of(ctx, owner[0], **PRIVATE)
    subtraction = reference["subtraction"]
    response = await start(
        public_client,
        sample["_id"],
        owner[1],
        workflow="nuvs",
        ref_id=reference["reference"]["id"],
        subtractions=[subtraction["id"]],
    )
    assert response.status == 201, await response.text()
    body = await response.json()
    assert response.headers["Location"] == f"/api/analyses/{body['id']}"
    assert body["ready"] is False
    assert body["workflow"] == "nuvs"
    assert body["sample"] == {"id": sample["_id"], "name": sample["name"]}
    assert body["index"] == {"id": reference["indexes"][1]["id"], "version": 1}
    assert body["reference"] == {
        "id": reference["reference"]["id"],
        "name": "Plant viruses",
        "data_type": "genome",
    }
    assert body["subtractions"] == [{"id": subtraction["id"], "name": "Vitis vinifera"}]
    assert body["user"] == {"id": owner[0]["_id"], "handle": owner[0]["handle"]}

    job = await ctx.db.jobs.find_one({"_id": body["job"]["id"]})
    assert job["workflow"] == "nuvs"
    assert job["state"] == "waiting"
    assert job["args"] == {
        "analysis_id": body["id"],
        "sample_id": sample["_id"],
        "ref_id": reference["reference"]["id"],
        "index_id": reference["indexes"][1]["id"],
        "subtractions": [subtraction["id"]],
    }
    stored = await ctx.db.analyses.find_one({"_id": body["id"]})
    assert (stored["ready"], stored["job"]) == (False, {"id": job["_id"]})


async def test_started_analysis_is_run_over_the_job_api(
    public_client, jobs_client, ctx, reference, owner
) -> None:
    sample = await sample_of(ctx, owner[0])
    body = await (
        await start(
            public_client,
            sample["_id"],
            owner[1],
            workflow="pathoscope_bowtie",
            ref_id=reference["reference"]["id"],
        )
    ).json()
    headers = await acquire(jobs_client, body["job"]["id"])
    response = await jobs_client.patch(
        f"/api/analyses/{body['id']}", json={"results": {"hits": [1]}}, headers=headers
    )
    assert response.status == 200
    result = await (await public_client.get(f"/api/analyses/{body['id']}", headers=owner[1])).json()
    assert (result["ready"], result["results"]) == (True, {"hits": [1]})


async def test_start_analysis_of_an_unfinalized_sample(public_client, ctx, reference, owner) -> None:
    sample = await sample_of(ctx, owner[0], ready=False)
    response = await start(
        public_client, sample["_id"], owner[1], workflow="nuvs", ref_id=reference["reference"]["id"]
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Sample is not ready"}
    assert await ctx.db.analyses.count_documents({}) == 0
    assert await ctx.db.jobs.count_documents({}) == 0


async def test_start_analysis_unknown_reference(public_client, ctx, owner) -> None:
    sample = await sample_of(ctx, owner[0])
    response = await start(public_client, sample["_id"], owner[1], workflow="nuvs", ref_id="missing")
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Reference does not exist"}


async def test_start_analysis_without_a_ready_index(public_client, ctx, admin, owner) -> None:
    created = await (
        await public_client.post("/api/references", json={"name": "Empty"}, headers=admin[1])
    ).json()
    sample = await sample_of(ctx, owner[0])
    response = await start(public_client, sample["_id"], owner[1], workflow="nuvs", ref_id=created["id"])
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "No ready index"}


async def test_start_analysis_unknown_subtraction(public_client, ctx, reference, owner) -> None:
    sample = await sample_of(ctx, owner[0])
    response = await start(
        public_client,
        sample["_id"],
        owner[1],
        workflow="nuvs",
        ref_id=reference["reference"]["id"],
        subtractions=[reference["subtraction"]["id"], "missing"],
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Subtraction does not exist"}
    assert await ctx.db.analyses.count_documents({}) == 0


async def test_start_analysis_needs_the_write_right(public_client, ctx, reference, owner, stranger) -> None:
    sample = await sample_of(ctx, owner[0])  # readable by all, writable by its owner only
    response = await start(
        public_client, sample["_id"], stranger[1], workflow="nuvs", ref_id=reference["reference"]["id"]
    )
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_start_analysis_of_an_unknown_sample(public_client, reference, owner) -> None:
    response = await start(
        public_client, "missing", owner[1], workflow="nuvs", ref_id=reference["reference"]["id"]
    )
    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_start_analysis_unknown_workflow(public_client, ctx, reference, owner) -> None:
    sample = await sample_of(ctx, owner[0])
    response = await start(
        public_client, sample["_id"], owner[1], workflow="blastn", ref_id=reference["reference"]["id"]
    )
    assert response.status == 422
    body = await response.json()
    assert (body["id"], list(body["errors"])) == ("invalid_input", ["workflow"])


async def test_sample_workflows_follow_its_analyses(
    public_client, jobs_client, ctx, reference, owner
) -> None:
    sample = await sample_of(ctx, owner[0])
    sample_url = f"/api/samples/{sample['_id']}"

    async def shown() -> tuple[dict[str, str], bool | str, bool | str]:
        body = await (await public_client.get(sample_url, headers=owner[1])).json()
        return body["workflows"], body["nuvs"], body["pathoscope"]

    none = {"pathoscope": "none", "nuvs": "none", "aodp": "incompatible"}
    assert await shown() == (none, False, False)

    started = await (
        await start(
            public_client, sample["_id"], owner[1], workflow="nuvs", ref_id=reference["reference"]["id"]
        )
    ).json()
    assert await shown() == ({**none, "nuvs": "pending"}, "ip", False)

    headers = await acquire(jobs_client, started["job"]["id"])
    response = await jobs_client.patch(
        f"/api/analyses/{started['id']}", json={"results": {"hits": []}}, headers=headers
    )
    assert response.status == 200
    assert await shown() == ({**none, "nuvs": "complete"}, True, False)

    response = await public_client.delete(f"/api/analyses/{started['id']}", headers=owner[1])
    assert response.status == 204
    assert await shown() == (none, False, False)


async def test_amplicon_samples_only_take_aodp(public_client, ctx, owner) -> None:
    sample = await sample_of(ctx, owner[0], library_type="amplicon")
    body = await (await public_client.get(f"/api/samples/{sample['_id']}", headers=owner[1])).json()
    assert body["workflows"] == {"pathoscope": "incompatible", "nuvs": "incompatible", "aodp": "none"}


async def test_an_incompatible_workflow_is_refused(public_client, ctx, reference, owner) -> None:
    sample = await sample_of(ctx, owner[0], library_type="amplicon")
    response = await start(
        public_client, sample["_id"], owner[1], workflow="nuvs", ref_id=reference["reference"]["id"]
    )
    assert response.status == 400
    assert await response.json() == {
        "id": "bad_request",
        "message": "Workflow is incompatible with the sample's library type",
    }
    assert await ctx.db.analyses.count_documents({"sample.id": sample["_id"]}) == 0
