"""Public API: samples (`virtool_api/samples/public_api.py`): removing a sample, `DELETE /api/samples/{id}`,
with its analyses, files and records."""

from sqlalchemy import select

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, multipart_file
from tests.support.samples_helpers import create, stored_sample, upload
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.samples.files import store_reads
from virtool_api.samples.tables import SampleReads
from virtool_api.uploads.tables import Upload


async def test_remove_sample_with_analyses_files_and_records(ctx, factory, public_client, jobs_client):
    owner, headers = await factory.person()
    sample = await stored_sample(ctx, factory, owner)

    async def chunks():
        yield FASTQ_GZ

    await store_reads(ctx, sample["_id"], "reads_1.fq.gz", chunks())
    analysis = await factory.analysis(sample)
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/analyses/{analysis['_id']}/files?name=results.fa&format=fasta",
        data=multipart_file(b">a\nACGT\n"),
        headers=auth,
    )
    assert response.status == 201
    analysis_file = ctx.files.analysis_file_path((await response.json())["name_on_disk"])
    assert analysis_file.is_file() and ctx.files.sample_dir(sample["_id"]).is_dir()

    response = await public_client.delete(f"/api/samples/{sample['_id']}", headers=headers)
    assert response.status == 204
    assert await response.read() == b""
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await ctx.db.analyses.count_documents({"sample.id": sample["_id"]}) == 0
    async with ctx.sessions() as session:
        assert (await session.scalars(select(SampleReads))).all() == []
        assert (await session.scalars(select(AnalysisFile))).all() == []
    assert not analysis_file.exists()
    assert not ctx.files.sample_dir(sample["_id"]).exists()


async def test_remove_sample_being_created_is_409(ctx, factory, public_client):
    _, headers = await factory.person()
    body = await (await create(public_client, headers)).json()
    response = await public_client.delete(f"/api/samples/{body['id']}", headers=headers)
    assert response.status == 409
    # It names the job and how to cancel it; once cancelled, the sample can go.
    job_id = body["job"]["id"]
    assert await response.json() == {
        "id": "conflict",
        "message": "Sample is still being created",
        "job": {"id": job_id, "state": "waiting"},
        "hint": f"Its create_sample job {job_id} is waiting: cancel it first "
        f"(PUT /api/jobs/{job_id}/cancel), then remove the sample.",
    }
    assert await ctx.db.samples.find_one({"_id": body["id"]}) is not None
    assert (await public_client.put(f"/api/jobs/{job_id}/cancel", headers=headers)).status == 200
    assert (await public_client.delete(f"/api/samples/{body['id']}", headers=headers)).status == 204


async def test_remove_sample_whose_creation_failed_releases_its_uploads(
    ctx, factory, public_client, jobs_client
):
    _, headers = await factory.person()
    uploaded = await upload(public_client, headers)
    body = await (await create(public_client, headers, files=[uploaded["id"]])).json()
    auth = await acquire(jobs_client, body["job"]["id"])
    response = await jobs_client.post(
        f"/api/jobs/{body['job']['id']}/status",
        json={"state": "error", "progress": 10, "error": {"type": "ValueError", "details": ["bad reads"]}},
        headers=auth,
    )
    assert response.status == 201, await response.text()

    response = await public_client.delete(f"/api/samples/{body['id']}", headers=headers)
    assert response.status == 204
    async with ctx.sessions() as session:
        assert (await session.get(Upload, uploaded["id"])).reserved is False


async def test_remove_sample_rights(ctx, factory, public_client):
    owner, _ = await factory.person()
    _, stranger = await factory.person()
    sample = await stored_sample(ctx, factory, owner, all_read=True)
    response = await public_client.delete(f"/api/samples/{sample['_id']}", headers=stranger)
    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    response = await public_client.delete("/api/samples/nosuch", headers=stranger)
    assert response.status == 404
    assert await response.json() == NOT_FOUND
