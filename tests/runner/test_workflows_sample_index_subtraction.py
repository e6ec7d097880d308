"""Sample, index and subtraction jobs, end to end, as a Virtool workflow runner (virtool-workflow 7.x) runs
them: the job id comes from the real Redis list (BLPOP), then acquire, ping, downloads, uploads, finalize and
`complete`, in the order docs/api.md ("Job API") describes; every JSON answer passes the runner's models
(`runner_models.py`). Each failure path: the `error` status and its clean-up DELETE.

Needs Redis (`VIRTOOL_TEST_REDIS_URL`); build-index needs `bowtie2-build` (Debian `bowtie2`) to build a real
Bowtie2 index of the plant-virus reference.
"""

import subprocess

import pytest

from tests.support.runner import HAS_BOWTIE2, NEEDS_BOWTIE2
from tests.support.workflow_runs import (
    create_sample,
    create_subtraction,
    run_build_index,
    run_create_sample,
    run_create_subtraction,
    start_index_build,
    starts,
)

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`


# create-sample


async def test_create_sample(public_client, runner, ctx, admin):
    sample = await create_sample(public_client, admin)
    create = runner("create_sample")

    await run_create_sample(create)

    sid, upload_id = sample["id"], sample["job"]["id"]
    job = await ctx.db.jobs.find_one({"_id": sample["job"]["id"]})
    assert create.calls == [
        *starts("create_sample"),
        f"GET /samples/{sid}",
        f"GET /uploads/{job['args']['files'][0]['id']}",
        "POST /jobs/{id}/status",
        f"PUT /samples/{sid}/reads/reads_1.fq.gz",
        f"POST /samples/{sid}/artifacts",
        f"PATCH /samples/{sid}",
        "POST /jobs/{id}/status",
    ]
    shown = await (await public_client.get(f"/api/samples/{sid}", headers=admin[1])).json()
    assert (shown["ready"], shown["status"], shown["job"]["state"]) == (True, "available", "complete")
    assert upload_id


async def test_create_sample_failure(public_client, runner, ctx, admin):
    sample = await create_sample(public_client, admin)
    create = runner("create_sample")

    await run_create_sample(create, fail=True)

    assert create.calls[-2:] == ["POST /jobs/{id}/status", f"DELETE /samples/{sample['id']}"]
    assert await ctx.db.samples.count_documents({}) == 0
    assert (await ctx.db.jobs.find_one({"_id": sample["job"]["id"]}))["state"] == "error"


# build-index


@pytest.mark.skipif(not HAS_BOWTIE2, reason=NEEDS_BOWTIE2)
async def test_build_index_builds_a_real_bowtie2_index_of_the_plant_virus_reference(
    public_client, runner, ctx, admin, tmp_path
):
    reference = await start_index_build(public_client, admin)
    build = runner("build_index")

    files = await run_build_index(build)

    index_id = build.job.args["index_id"]
    uploads = [f"PUT /indexes/{index_id}/files/{name}" for name in files if name != "otus.json.gz"]
    assert build.calls == [
        *starts("build_index"),
        f"GET /indexes/{index_id}",
        f"GET /indexes/{index_id}/files/otus.json.gz",
        "POST /jobs/{id}/status",
        *uploads,
        f"PATCH /indexes/{index_id}",
        "POST /jobs/{id}/status",
    ]
    shown = await (await public_client.get(f"/api/references/{reference['id']}", headers=admin[1])).json()
    assert shown["latest_index"] == {"id": index_id, "version": 0}
    # What is stored is a Bowtie2 index bowtie2-inspect reads: 120 sequences of the reference.
    directory = ctx.config.data_path / "indexes" / index_id
    names = subprocess.run(
        ["bowtie2-inspect", "-n", str(directory / "reference")], check=True, capture_output=True, text=True
    ).stdout.split()
    assert len(names) == 120


async def test_build_index_failure(public_client, runner, ctx, admin):
    reference = await start_index_build(public_client, admin)
    build = runner("build_index")

    await run_build_index(build, fail=True)

    assert build.calls[-2:] == ["POST /jobs/{id}/status", f"DELETE /indexes/{build.job.args['index_id']}"]
    assert await ctx.db.indexes.count_documents({}) == 0
    # The reference can be built again at once.
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 201


# create-subtraction


async def test_create_subtraction(public_client, runner, admin):
    subtraction = await create_subtraction(public_client, admin)
    create = runner("create_subtraction")

    await run_create_subtraction(create, real=HAS_BOWTIE2)

    sid = subtraction["id"]
    assert create.calls[:6] == [
        *starts("create_subtraction"),
        f"GET /subtractions/{sid}",
        f"GET /uploads/{subtraction['file']['id']}",
        "POST /jobs/{id}/status",
    ]
    assert create.calls[6:] == [
        *(
            f"PUT /subtractions/{sid}/files/{name}"
            for name in [
                "subtraction.fa.gz",
                "subtraction.1.bt2",
                "subtraction.2.bt2",
                "subtraction.3.bt2",
                "subtraction.4.bt2",
                "subtraction.rev.1.bt2",
                "subtraction.rev.2.bt2",
            ]
        ),
        f"PATCH /subtractions/{sid}",
        "POST /jobs/{id}/status",
    ]
    shown = await (await public_client.get(f"/api/subtractions/{sid}", headers=admin[1])).json()
    assert (shown["ready"], shown["count"], shown["job"]["state"]) == (True, 2, "complete")


async def test_create_subtraction_failure(public_client, runner, ctx, admin):
    subtraction = await create_subtraction(public_client, admin)
    create = runner("create_subtraction")

    await run_create_subtraction(create, fail=True)

    assert create.calls[-2:] == ["POST /jobs/{id}/status", f"DELETE /subtractions/{subtraction['id']}"]
    assert await ctx.db.subtractions.count_documents({}) == 0
