"""An analysis's results live in a file of their own (`virtool_api/analyses/stored_results.py`), not in
its document: results past MongoDB's 16 MiB are stored and served intact, listings never carry them, finalize
stays one conditional update whose losers leave no file, and removing an analysis removes its file.
"""

import asyncio
import gzip
import json
import shutil
import tempfile
from dataclasses import replace
from typing import Any

import pytest

from tests.support.analysis_jobs import running_analysis, running_nuvs
from tests.support.errors import NOT_FOUND
from tests.support.fake_ncbi import fake_ncbi  # noqa: F401  (a fixture)
from tests.support.jobs import acquire
from tests.support.stored import results_dir, stored_results
from tests.support.workflow_results import PATHOSCOPE_RESULTS, large_nuvs_results
from virtool_api.storage.limits import FIELD_BYTES

MIB = 1024 * 1024


@pytest.fixture
def config(config, fake_ncbi):  # noqa: F811
    return replace(config, blast_backend="ncbi", blast_ncbi_url=fake_ncbi.url, blast_min_request_interval=0)


async def finalize(jobs_client, analysis_id: str, auth, results):  # type: ignore[no-untyped-def]
    return await jobs_client.patch(f"/api/analyses/{analysis_id}", json={"results": results}, headers=auth)


async def test_results_go_to_a_file_and_the_document_points_at_it(jobs_client, public_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await finalize(jobs_client, analysis["_id"], auth, PATHOSCOPE_RESULTS)

    assert response.status == 200
    assert (await response.json())["results"] == PATHOSCOPE_RESULTS
    document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
    assert document["results"] is None
    files = list(results_dir(ctx, analysis["_id"]).iterdir())
    assert [path.name for path in files] == [document["results_file"]["name"]]
    text = gzip.decompress(files[0].read_bytes())
    assert json.loads(text) == PATHOSCOPE_RESULTS
    assert document["results_file"]["size"] == len(text)
    _, admin = await factory.person(administrator=True)
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert (await response.json())["results"] == PATHOSCOPE_RESULTS


async def test_results_past_a_documents_16_mib_are_stored_and_served_intact(
    jobs_client, public_client, factory, ctx
):
    analysis, auth = await running_nuvs(factory, jobs_client)
    results = large_nuvs_results(FIELD_BYTES + 4 * MIB)

    response = await finalize(jobs_client, analysis["_id"], auth, results)

    assert response.status == 200, await response.text()
    shown = {"hits": [{**hit, "blast": None} for hit in results["hits"]]}
    assert (await response.json())["results"] == shown
    assert await stored_results(ctx, analysis["_id"]) == results
    _, admin = await factory.person(administrator=True)
    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)
    assert (await response.json())["results"] == shown
    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}", headers=auth)
    assert (await response.json())["results"] == shown


async def test_listings_never_carry_results(jobs_client, public_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await finalize(jobs_client, analysis["_id"], auth, PATHOSCOPE_RESULTS)
    _, admin = await factory.person(administrator=True)

    for path in ("/api/analyses", f"/api/samples/{analysis['sample']['id']}/analyses"):
        (listed,) = (await (await public_client.get(path, headers=admin)).json())["documents"]
        assert listed["id"] == analysis["_id"]
        assert "results" not in listed and "results_file" not in listed


async def test_racing_finalizes_leave_only_the_winners_file(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    responses = await asyncio.gather(
        *(finalize(jobs_client, analysis["_id"], auth, {"attempt": n, "hits": [{"n": n}]}) for n in range(5))
    )

    assert sorted(response.status for response in responses) == [200, 409, 409, 409, 409]
    (winner,) = [await response.json() for response in responses if response.status == 200]
    document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
    assert [path.name for path in results_dir(ctx, analysis["_id"]).iterdir()] == [
        document["results_file"]["name"]
    ]
    assert await stored_results(ctx, analysis["_id"]) == winner["results"]


async def test_a_finalize_racing_the_analysis_removal_leaves_no_file_behind(jobs_client, factory, ctx):
    for _ in range(3):
        analysis, _, auth = await running_analysis(factory, jobs_client)

        finalized, removed = await asyncio.gather(
            finalize(jobs_client, analysis["_id"], auth, large_nuvs_results(2 * MIB) | {"workflow": "any"}),
            jobs_client.delete(f"/api/analyses/{analysis['_id']}", headers=auth),
        )

        document = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
        directory = results_dir(ctx, analysis["_id"])
        left = [path.name for path in directory.iterdir()] if directory.exists() else []
        if document is None:
            assert (finalized.status, removed.status) == (404, 204)
            assert left == []
        else:
            assert (finalized.status, removed.status) == (200, 409)
            assert left == [document["results_file"]["name"]]


async def test_a_removal_between_the_directory_and_the_file_is_a_404(jobs_client, factory, ctx, monkeypatch):
    """The removal wins at the one moment the loop above rarely meets: after finalize made the results
    directory, before it made its temporary file there. Finalize answers 404, not a 500, and leaves
    nothing."""
    analysis, _, auth = await running_analysis(factory, jobs_client)
    directory = results_dir(ctx, analysis["_id"])
    make_temporary = tempfile.mkstemp

    def removed_first(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if kwargs.get("dir") == directory:
            shutil.rmtree(directory)
        return make_temporary(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", removed_first)
    response = await finalize(jobs_client, analysis["_id"], auth, PATHOSCOPE_RESULTS)

    assert response.status == 404
    assert await response.json() == NOT_FOUND
    assert not directory.exists()
    assert "results_file" not in await ctx.db.analyses.find_one({"_id": analysis["_id"]})


async def test_removing_an_analysis_removes_its_results_file(jobs_client, public_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await finalize(jobs_client, analysis["_id"], auth, PATHOSCOPE_RESULTS)
    _, admin = await factory.person(administrator=True)
    assert results_dir(ctx, analysis["_id"]).exists()

    response = await public_client.delete(f"/api/analyses/{analysis['_id']}", headers=admin)

    assert response.status == 204
    assert not results_dir(ctx, analysis["_id"]).exists()


async def test_removing_a_sample_removes_its_analyses_results_files(jobs_client, public_client, factory, ctx):
    analysis, job, auth = await running_analysis(factory, jobs_client)
    await finalize(jobs_client, analysis["_id"], auth, PATHOSCOPE_RESULTS)
    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status", json={"state": "complete", "progress": 100}, headers=auth
    )
    assert response.status == 201
    _, admin = await factory.person(administrator=True)

    response = await public_client.delete(f"/api/samples/{analysis['sample']['id']}", headers=admin)

    assert response.status == 204
    assert not results_dir(ctx, analysis["_id"]).exists()


async def test_a_missing_results_file_is_404_and_says_so(jobs_client, public_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await finalize(jobs_client, analysis["_id"], auth, PATHOSCOPE_RESULTS)
    for path in results_dir(ctx, analysis["_id"]).iterdir():
        path.unlink()
    _, admin = await factory.person(administrator=True)

    for client, headers in ((public_client, admin), (jobs_client, auth)):
        response = await client.get(f"/api/analyses/{analysis['_id']}", headers=headers)
        assert response.status == 404
        assert await response.json() == {
            "id": "not_found",
            "message": "Results file not found at expected location",
        }


async def test_results_a_document_still_holds_are_served_as_before(public_client, factory, ctx):
    """Analyses finalized before results had files keep them inline; they are shown the same way."""
    sample = await factory.sample(ready=True)
    analysis = await factory.analysis(sample, workflow="nuvs")
    inline = {"hits": [{"sequence": "ACGT", "index": 4, "orfs": []}], "note": "kept"}
    await ctx.db.analyses.update_one({"_id": analysis["_id"]}, {"$set": {"ready": True, "results": inline}})
    _, admin = await factory.person(administrator=True)

    response = await public_client.get(f"/api/analyses/{analysis['_id']}", headers=admin)

    assert (await response.json())["results"] == {
        "hits": [{"sequence": "ACGT", "index": 4, "orfs": [], "blast": None}],
        "note": "kept",
    }


async def test_blast_reads_a_contig_from_the_stored_results(
    jobs_client,
    public_client,
    factory,
    ctx,
    fake_ncbi,  # noqa: F811
):
    owner, headers = await factory.person()
    sample = await factory.sample(ready=True, user={"id": owner["_id"], "handle": owner["handle"]})
    analysis = await factory.analysis(sample, workflow="nuvs")
    auth = await acquire(jobs_client, (await factory.analysis_job(analysis))["_id"])
    results = large_nuvs_results(MIB)
    results["hits"][7]["sequence"] = "GATTACA" * 60
    assert (await finalize(jobs_client, analysis["_id"], auth, results)).status == 200

    response = await public_client.put(f"/api/analyses/{analysis['_id']}/7/blast", json={}, headers=headers)

    assert response.status == 200, await response.text()
    record = await response.json()
    assert record["sequence_index"] == 7
    assert [request["QUERY"] for request in fake_ncbi.requests if request.get("CMD") == "Put"] == [
        "GATTACA" * 60
    ]
    shown = (await (await public_client.get(f"/api/analyses/{analysis['_id']}", headers=headers)).json())[
        "results"
    ]
    assert shown["hits"][7]["blast"]["id"] == record["id"]
    assert [hit["blast"] for position, hit in enumerate(shown["hits"]) if position != 7] == [None] * (
        len(results["hits"]) - 1
    )
    response = await public_client.put(
        f"/api/analyses/{analysis['_id']}/{len(results['hits'])}/blast", json={}, headers=headers
    )
    assert (response.status, (await response.json())["message"]) == (404, "Sequence not found")
