"""Our runner's `create_sample`: uploads become a sample with its reads and their quality measured as FastQC
measures it; reads it cannot read fail the job, saying why, and remove the sample."""

import gzip

from tests.support.references_helpers import DEMO_DATA, upload
from tests.support.runner_world import job_end, our_runner
from virtool_api.runner.quality import read_quality

READS = (DEMO_DATA / "reads-tmv-grapevine.fq.gz").read_bytes()


async def create(public_client, headers, *files: tuple[bytes, str]) -> dict:
    uploads = [await upload(public_client, headers, data, "reads", name) for data, name in files]
    response = await public_client.post(
        "/api/samples", json={"name": "Vine 7", "files": uploads}, headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def test_a_sample_gets_its_reads_and_their_quality(public_client, jobs_client, ctx, admin, tmp_path):
    sample = await create(public_client, admin[1], (READS, "vine7.fq.gz"))

    async with our_runner(jobs_client, tmp_path / "work"):
        job = await job_end(public_client, admin[1], sample["job"]["id"])

    assert job["state"] == "complete", job["status"][-1]
    shown = await (await public_client.get(f"/api/samples/{sample['id']}", headers=admin[1])).json()
    assert (shown["ready"], shown["status"], shown["paired"]) == (True, "available", False)
    (tmp_path / "reads.fq.gz").write_bytes(READS)
    assert shown["quality"] == read_quality([tmp_path / "reads.fq.gz"])
    assert shown["quality"]["count"] == 5000
    assert [read["name"] for read in shown["reads"]] == ["reads_1.fq.gz"]
    stored = ctx.config.data_path / "samples" / sample["id"] / "reads_1.fq.gz"
    assert stored.read_bytes() == READS  # uploaded gzip-compressed: stored as it came


async def test_a_pair_of_files_makes_a_paired_sample(public_client, jobs_client, ctx, admin, tmp_path):
    records = gzip.decompress(READS).split(b"\n")
    left = b"\n".join(records[: 4 * 2500]) + b"\n"
    right = b"\n".join(records[4 * 2500 :])
    sample = await create(
        public_client,
        admin[1],
        (gzip.compress(left), "vine_R1.fq.gz"),
        (gzip.compress(right), "vine_R2.fq.gz"),
    )

    async with our_runner(jobs_client, tmp_path / "work"):
        job = await job_end(public_client, admin[1], sample["job"]["id"])

    assert job["state"] == "complete", job["status"][-1]
    shown = await (await public_client.get(f"/api/samples/{sample['id']}", headers=admin[1])).json()
    assert shown["paired"] is True
    assert [read["name"] for read in shown["reads"]] == ["reads_1.fq.gz", "reads_2.fq.gz"]
    directory = ctx.config.data_path / "samples" / sample["id"]
    assert gzip.decompress((directory / "reads_1.fq.gz").read_bytes()) == left
    assert gzip.decompress((directory / "reads_2.fq.gz").read_bytes()) == right
    assert shown["quality"]["count"] == 5000


async def test_reads_that_cannot_be_read_fail_the_job_and_remove_the_sample(
    public_client, jobs_client, ctx, admin, tmp_path
):
    broken = gzip.compress(b"@r1\nACGT\n+\nIII\n")  # a quality string shorter than its sequence
    sample = await create(public_client, admin[1], (broken, "broken.fq.gz"))

    async with our_runner(jobs_client, tmp_path / "work"):
        job = await job_end(public_client, admin[1], sample["job"]["id"])

    assert job["state"] == "error"
    failed = job["status"][-1]
    assert failed["step_name"] == "Measure read quality"
    assert failed["error"]["type"] == "ReadQualityError"
    assert "broken" in failed["error"]["details"][0] or "reads_1" in failed["error"]["details"][0]
    assert await ctx.db.samples.count_documents({"_id": sample["id"]}) == 0
