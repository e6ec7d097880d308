"""Public API (docs/api.md, "Analyses"): starting an analysis of a sample, and the sample's workflows that
follow its analyses."""

from typing import Any

import pytest

from tests.support.analysis_samples import PRIVATE, sample_of
from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.jobs import acquire
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.utils import utc_now

# Start an analysis


@pytest.fixture
async def reference(public_client, ctx, admin):  # type: ignore[no-untyped-def]
    """A reference with two ready indexes (versions 0 and 1), a newer one still being built, and a ready
    subtraction. Building them is the build-index and create-subtraction jobs' work
    (tests/indexes/test_indexes_job_api.py, tests/subtractions/test_subtractions.py); here they are stored as
    those jobs leave them."""
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
