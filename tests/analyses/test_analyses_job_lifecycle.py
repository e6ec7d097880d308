"""Job API, analyses route table: what an analysis job does with its analysis, getting, finalizing and
removing it (docs/api.md, "Job API"). Its files: test_analyses_job_files.py."""

import asyncio

from tests.support.analysis_jobs import (
    FILE_FIELDS,
    file_rows,
    files_on_disk,
    post_status,
    running_analysis,
    upload,
)
from tests.support.errors import (
    ANALYSIS_FINALIZED,
    INSUFFICIENT_RIGHTS,
    JOB_FINISHED,
    JOB_UNAUTHORIZED,
    NOT_FOUND,
)
from tests.support.stored import stored_results

ALREADY_FINALIZED = {"id": "conflict", "message": "There is already a result for this analysis"}

ANALYSIS_FIELDS = {
    "id",
    "created_at",
    "index",
    "reference",
    "ready",
    "sample",
    "subtractions",
    "user",
    "workflow",
    "files",
}


# Get


async def test_get_analysis(jobs_client, factory):
    analysis, job, auth = await running_analysis(factory, jobs_client)

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}", headers=auth)

    assert response.status == 200
    body = await response.json()
    assert ANALYSIS_FIELDS <= body.keys()
    assert body["id"] == analysis["_id"]
    assert body["created_at"].endswith("Z")
    assert body["ready"] is False
    assert body["workflow"] == "pathoscope_bowtie"
    assert body["files"] == []
    assert body["index"] == {"id": analysis["index"]["id"], "version": 3}
    assert body["reference"] == {
        "id": analysis["reference"]["id"],
        "name": "Plant viruses",
        "data_type": "genome",
    }
    assert body["sample"]["id"] == analysis["sample"]["id"]
    assert body["subtractions"] == [{"id": analysis["subtractions"][0]["id"], "name": "Arabidopsis thaliana"}]
    assert body["user"].keys() >= {"id", "handle"}
    # The job summary runners require (`runner_models.py`), never a bare id.
    assert body["job"] == {
        "id": job["_id"],
        "created_at": body["job"]["created_at"],
        "progress": 0,
        "stage": None,
        "state": "preparing",
        "user": job["user"],
        "workflow": "pathoscope_bowtie",
    }
    assert body["job"]["created_at"].endswith("Z")


async def test_get_analysis_lists_its_files(jobs_client, factory):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    uploaded = await (await upload(jobs_client, analysis["_id"], auth)).json()

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}", headers=auth)

    files = (await response.json())["files"]
    assert files == [uploaded]
    assert FILE_FIELDS <= files[0].keys()


async def test_get_analysis_not_in_job_args_is_403(jobs_client, factory):
    _, _, auth = await running_analysis(factory, jobs_client)
    other = await factory.analysis()

    response = await jobs_client.get(f"/api/analyses/{other['_id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_get_deleted_analysis_is_404(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await ctx.db.analyses.delete_one({"_id": analysis["_id"]})

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_get_analysis_without_authorization_is_401(jobs_client, factory):
    analysis, _, _ = await running_analysis(factory, jobs_client)

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}")

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED


# Finalize


async def test_finalize(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    uploaded = await (await upload(jobs_client, analysis["_id"], auth)).json()

    response = await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}", json={"results": {"hits": [{"otu": "abc"}]}}, headers=auth
    )

    assert response.status == 200
    body = await response.json()
    assert ANALYSIS_FIELDS <= body.keys()
    assert body["id"] == analysis["_id"]
    assert body["ready"] is True
    assert body["results"] == {"hits": [{"otu": "abc"}]}
    assert body["files"] == [uploaded]
    document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
    assert document["ready"] is True
    assert await stored_results(ctx, analysis["_id"]) == {"hits": [{"otu": "abc"}]}


async def test_finalize_twice_is_409(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await jobs_client.patch(f"/api/analyses/{analysis['_id']}", json={"results": {"first": 1}}, headers=auth)

    response = await jobs_client.patch(
        f"/api/analyses/{analysis['_id']}", json={"results": {"second": 2}}, headers=auth
    )

    assert response.status == 409
    assert await response.json() == ALREADY_FINALIZED
    assert await stored_results(ctx, analysis["_id"]) == {"first": 1}


async def test_concurrent_finalizes_have_exactly_one_winner(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    responses = await asyncio.gather(
        *(
            jobs_client.patch(
                f"/api/analyses/{analysis['_id']}", json={"results": {"attempt": n}}, headers=auth
            )
            for n in range(5)
        )
    )

    assert sorted(response.status for response in responses) == [200, 409, 409, 409, 409]
    (winner,) = [response for response in responses if response.status == 200]
    for response in responses:
        if response is not winner:
            assert await response.json() == ALREADY_FINALIZED
    winning_results = (await winner.json())["results"]
    document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
    assert document["ready"] is True
    assert await stored_results(ctx, analysis["_id"]) == winning_results


async def test_finalize_analysis_not_in_job_args_is_403(jobs_client, factory, ctx):
    _, _, auth = await running_analysis(factory, jobs_client)
    other = await factory.analysis()

    response = await jobs_client.patch(f"/api/analyses/{other['_id']}", json={"results": {}}, headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await ctx.db.analyses.find_one({"_id": other["_id"]}))["ready"] is False


async def test_finalize_deleted_analysis_is_404(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await ctx.db.analyses.delete_one({"_id": analysis["_id"]})

    response = await jobs_client.patch(f"/api/analyses/{analysis['_id']}", json={"results": {}}, headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND
    assert await ctx.db.analyses.find_one({"_id": analysis["_id"]}) is None


async def test_finalize_without_results_is_422(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await jobs_client.patch(f"/api/analyses/{analysis['_id']}", json={}, headers=auth)

    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_input", "Invalid input")
    assert "results" in body["errors"]
    assert (await ctx.db.analyses.find_one({"_id": analysis["_id"]}))["ready"] is False


async def test_finalize_after_job_complete_is_409(jobs_client, factory, ctx):
    analysis, job, auth = await running_analysis(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, state="complete")

    response = await jobs_client.patch(f"/api/analyses/{analysis['_id']}", json={"results": {}}, headers=auth)

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert (await ctx.db.analyses.find_one({"_id": analysis["_id"]}))["ready"] is False


# Remove


async def test_remove_analysis(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    uploaded = await (await upload(jobs_client, analysis["_id"], auth)).json()
    assert files_on_disk(ctx) == [uploaded["name_on_disk"]]

    response = await jobs_client.delete(f"/api/analyses/{analysis['_id']}", headers=auth)

    assert response.status == 204
    assert await response.read() == b""
    assert await ctx.db.analyses.find_one({"_id": analysis["_id"]}) is None
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []


async def test_remove_finalized_analysis_is_409(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    uploaded = await (await upload(jobs_client, analysis["_id"], auth)).json()
    await jobs_client.patch(f"/api/analyses/{analysis['_id']}", json={"results": {}}, headers=auth)

    response = await jobs_client.delete(f"/api/analyses/{analysis['_id']}", headers=auth)

    assert response.status == 409
    assert await response.json() == ANALYSIS_FINALIZED
    assert (await ctx.db.analyses.find_one({"_id": analysis["_id"]}))["ready"] is True
    assert len(await file_rows(ctx, analysis["_id"])) == 1
    assert files_on_disk(ctx) == [uploaded["name_on_disk"]]


async def test_remove_analysis_not_in_job_args_is_403(jobs_client, factory, ctx):
    _, _, auth = await running_analysis(factory, jobs_client)
    other = await factory.analysis()

    response = await jobs_client.delete(f"/api/analyses/{other['_id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.analyses.find_one({"_id": other["_id"]}) is not None


async def test_remove_deleted_analysis_is_404(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await ctx.db.analyses.delete_one({"_id": analysis["_id"]})

    response = await jobs_client.delete(f"/api/analyses/{analysis['_id']}", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_remove_after_job_error(jobs_client, factory, ctx):
    analysis, job, auth = await running_analysis(factory, jobs_client)
    await upload(jobs_client, analysis["_id"], auth)
    await post_status(
        jobs_client,
        job["_id"],
        auth,
        state="error",
        progress=30,
        error={"type": "RuntimeError", "traceback": ["..."], "details": ["bowtie2 failed"]},
    )

    response = await jobs_client.delete(f"/api/analyses/{analysis['_id']}", headers=auth)

    assert response.status == 204
    assert await ctx.db.analyses.find_one({"_id": analysis["_id"]}) is None
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []


async def test_remove_without_authorization_is_401(jobs_client, factory, ctx):
    analysis, _, _ = await running_analysis(factory, jobs_client)

    response = await jobs_client.delete(f"/api/analyses/{analysis['_id']}")

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED
    assert await ctx.db.analyses.find_one({"_id": analysis["_id"]}) is not None
