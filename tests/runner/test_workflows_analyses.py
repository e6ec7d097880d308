"""Pathoscope and NuVs jobs, end to end, as a Virtool workflow runner (virtool-workflow 7.x) runs them, on a
ready sample, index and subtraction: the job id comes from the real Redis list (BLPOP), then acquire, ping,
downloads, uploads, finalize and `complete`, in the order docs/api.md ("Job API") describes; every JSON answer
passes the runner's models (`runner_models.py`). Each failure path: the `error` status and its clean-up
DELETE.

Needs Redis (`VIRTOOL_TEST_REDIS_URL`); a real Bowtie2 index of the plant-virus reference, which the
analyses then download byte-identical, needs `bowtie2-build` (Debian `bowtie2`).
"""

import pytest

from tests.support.hmm_data import ANNOTATIONS_GZ, PROFILES, install
from tests.support.runner import HAS_BOWTIE2
from tests.support.workflow_runs import ready_world, run_analysis, start_analysis, starts

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`


async def test_pathoscope_downloads_the_built_index_byte_identical(public_client, runner, admin):
    reference, sample, subtraction, index_files = await ready_world(public_client, runner, admin, HAS_BOWTIE2)
    analysis = await start_analysis(public_client, admin, sample, reference, subtraction, "pathoscope_bowtie")
    pathoscope = runner("pathoscope_bowtie")

    await run_analysis(pathoscope, expected_index=index_files)

    index_id = analysis["index"]["id"]
    assert pathoscope.calls[:6] == [
        *starts("pathoscope_bowtie"),
        f"GET /analyses/{analysis['id']}",
        f"GET /samples/{sample['id']}",
        f"GET /samples/{sample['id']}/reads/reads_1.fq.gz",
    ]
    assert pathoscope.calls[6:16] == [
        f"GET /indexes/{index_id}",
        *(
            f"GET /indexes/{index_id}/files/{n}"
            for n in [
                "otus.json.gz",
                "reference.json.gz",
                "reference.fa.gz",
                "reference.1.bt2",
                "reference.2.bt2",
                "reference.3.bt2",
                "reference.4.bt2",
                "reference.rev.1.bt2",
                "reference.rev.2.bt2",
            ]
        ),
    ]
    assert pathoscope.calls[16] == f"GET /subtractions/{subtraction['id']}"
    assert pathoscope.calls[-4:] == [
        "POST /jobs/{id}/status",
        f"POST /analyses/{analysis['id']}/files",
        f"PATCH /analyses/{analysis['id']}",
        "POST /jobs/{id}/status",
    ]
    shown = await (await public_client.get(f"/api/analyses/{analysis['id']}", headers=admin[1])).json()
    assert (shown["ready"], shown["job"]["state"]) == (True, "complete")


async def test_pathoscope_failure(public_client, runner, ctx, admin):
    reference, sample, subtraction, index_files = await ready_world(public_client, runner, admin, real=False)
    analysis = await start_analysis(public_client, admin, sample, reference, subtraction, "pathoscope_bowtie")
    pathoscope = runner("pathoscope_bowtie")

    await run_analysis(pathoscope, expected_index=index_files, fail=True)

    assert pathoscope.calls[-2:] == ["POST /jobs/{id}/status", f"DELETE /analyses/{analysis['id']}"]
    assert await ctx.db.analyses.count_documents({}) == 0


async def test_nuvs(public_client, runner, admin):
    assert (await install(public_client, admin[1], ANNOTATIONS_GZ, PROFILES)).status == 200
    reference, sample, subtraction, index_files = await ready_world(public_client, runner, admin, HAS_BOWTIE2)
    analysis = await start_analysis(public_client, admin, sample, reference, subtraction, "nuvs")
    nuvs = runner("nuvs")

    await run_analysis(nuvs, expected_index=index_files, nuvs=True)

    assert ["GET /hmms/files/annotations.json.gz", "GET /hmms/files/profiles.hmm"] == [
        call for call in nuvs.calls if call.startswith("GET /hmms")
    ]
    shown = await (await public_client.get(f"/api/analyses/{analysis['id']}", headers=admin[1])).json()
    assert (shown["ready"], shown["workflow"]) == (True, "nuvs")


async def test_nuvs_failure(public_client, runner, ctx, admin):
    assert (await install(public_client, admin[1], ANNOTATIONS_GZ, PROFILES)).status == 200
    reference, sample, subtraction, index_files = await ready_world(public_client, runner, admin, real=False)
    analysis = await start_analysis(public_client, admin, sample, reference, subtraction, "nuvs")
    nuvs = runner("nuvs")

    await run_analysis(nuvs, expected_index=index_files, nuvs=True, fail=True)

    assert nuvs.calls[-2:] == ["POST /jobs/{id}/status", f"DELETE /analyses/{analysis['id']}"]
    assert await ctx.db.analyses.count_documents({}) == 0
