"""A file still streaming when its analysis or sample is finalized, or when its job finishes, is refused when
it arrives (409) and leaves nothing: no record, no file, no temporary.

Each upload is sent over a raw connection in two parts: the first bytes, then (once the server is writing the
temporary file) the change that closes the owner, then the rest.
"""

from typing import Any

from sqlalchemy import select

from tests.support.errors import ANALYSIS_FINALIZED, JOB_FINISHED, SAMPLE_FINALIZED
from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, QUALITY
from tests.support.sample_jobs import incoming_files
from tests.support.slow_uploads import SlowUpload
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.errors import Conflict
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.storage.placement import record_then_place
from virtool_api.utils import utc_now

FASTA = b">contig_1\nACGTACGTACGT\n" * 50


async def analysis_file_rows(ctx: Any, analysis_id: str) -> list[AnalysisFile]:
    async with ctx.sessions() as session:
        return list(
            (await session.scalars(select(AnalysisFile).where(AnalysisFile.analysis == analysis_id))).all()
        )


async def sample_rows(ctx: Any, sample_id: str) -> list[Any]:
    async with ctx.sessions() as session:
        reads = (await session.scalars(select(SampleReads).where(SampleReads.sample == sample_id))).all()
        artifacts = (
            await session.scalars(select(SampleArtifact).where(SampleArtifact.sample == sample_id))
        ).all()
    return [*reads, *artifacts]


def analysis_files_on_disk(ctx: Any) -> list[str]:
    """Analysis files in the data directory (results files live in `analyses/results/`)."""
    return sorted(path.name for path in (ctx.config.data_path / "analyses").iterdir() if path.is_file())


async def running_analysis(factory: Any, jobs_client: Any) -> tuple[dict[str, Any], dict[str, Any], Any]:
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    return analysis, job, await acquire(jobs_client, job["_id"])


async def running_import(factory: Any, jobs_client: Any) -> tuple[dict[str, Any], dict[str, Any], Any]:
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    return sample, job, await acquire(jobs_client, job["_id"])


async def report(jobs_client: Any, job_id: str, auth: Any, state: str) -> None:
    body: dict[str, Any] = {"state": state, "progress": 100}
    if state == "error":
        body["error"] = {"type": "Boom", "traceback": [], "details": []}
    response = await jobs_client.post(f"/api/jobs/{job_id}/status", json=body, headers=auth)
    assert response.status == 201, await response.text()


# Analysis files


async def test_a_file_arriving_after_its_analysis_is_finalized_is_refused(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    url = f"/api/analyses/{analysis['_id']}"
    upload = await SlowUpload(jobs_client, "POST", f"{url}/files?name=late.fa", auth, FASTA).start(ctx)

    response = await jobs_client.patch(url, json={"results": {"hits": []}}, headers=auth)
    assert response.status == 200, await response.text()

    assert await upload.finish() == (409, ANALYSIS_FINALIZED)
    assert await analysis_file_rows(ctx, analysis["_id"]) == []
    assert analysis_files_on_disk(ctx) == []
    assert (await (await jobs_client.get(url, headers=auth)).json())["files"] == []


async def test_a_file_arriving_after_its_job_finished_is_refused(jobs_client, factory, ctx):
    analysis, job, auth = await running_analysis(factory, jobs_client)
    url = f"/api/analyses/{analysis['_id']}/files?name=late.fa"
    upload = await SlowUpload(jobs_client, "POST", url, auth, FASTA).start(ctx)

    await report(jobs_client, job["_id"], auth, "error")

    assert await upload.finish() == (409, JOB_FINISHED)
    assert await analysis_file_rows(ctx, analysis["_id"]) == []
    assert analysis_files_on_disk(ctx) == []


async def test_a_file_arriving_after_its_job_was_cancelled_is_refused(
    jobs_client, public_client, factory, ctx
):
    analysis, job, auth = await running_analysis(factory, jobs_client)
    _, admin = await factory.person(administrator=True)
    url = f"/api/analyses/{analysis['_id']}/files?name=late.fa"
    upload = await SlowUpload(jobs_client, "POST", url, auth, FASTA).start(ctx)

    assert (await public_client.put(f"/api/jobs/{job['_id']}/cancel", headers=admin)).status == 200

    assert await upload.finish() == (409, JOB_FINISHED)
    assert await analysis_file_rows(ctx, analysis["_id"]) == []
    assert analysis_files_on_disk(ctx) == []


async def test_a_finalize_landing_while_the_file_is_placed_takes_the_file_back(factory, ctx):
    """The second check closes the race: a finalize that lands after the first check and before the file is
    in place is seen after placing, and the record and the file are taken back."""
    analysis = await factory.analysis()
    checks = 0

    async def still_accepting() -> None:
        nonlocal checks
        checks += 1
        analysis_now = await ctx.db.analyses.find_one({"_id": analysis["_id"]})
        if analysis_now["ready"]:
            raise Conflict("Analysis is finalized")
        # The finalize lands right after the first check.
        await ctx.db.analyses.update_one({"_id": analysis["_id"]}, {"$set": {"ready": True}})

    async def chunks():  # type: ignore[no-untyped-def]
        yield FASTA

    async with ctx.files.receive(chunks(), ctx.files.analyses_dir()) as incoming:
        row = AnalysisFile(
            analysis=analysis["_id"],
            description=None,
            format="fasta",
            name="late.fa",
            name_on_disk="late.fa",
            size=incoming.size,
            uploaded_at=utc_now(),
        )
        try:
            await record_then_place(
                ctx.sessions,
                row,
                incoming,
                lambda _: ctx.files.analysis_file_path("late.fa"),
                Conflict("File is already associated with analysis"),
                still_accepting,
            )
        except Conflict as error:
            assert error.message == "Analysis is finalized"
        else:
            raise AssertionError("the late file was kept")
    assert checks == 2
    assert await analysis_file_rows(ctx, analysis["_id"]) == []
    assert analysis_files_on_disk(ctx) == []
    assert incoming_files(ctx) == []


# Sample reads and artifacts


async def test_reads_arriving_after_the_sample_is_finalized_are_refused(jobs_client, factory, ctx):
    sample, _, auth = await running_import(factory, jobs_client)
    url = f"/api/samples/{sample['_id']}"
    upload = await SlowUpload(jobs_client, "PUT", f"{url}/reads/reads_1.fq.gz", auth, FASTQ_GZ).start(ctx)

    response = await jobs_client.patch(url, json={"quality": QUALITY}, headers=auth)
    assert response.status == 200, await response.text()

    assert await upload.finish() == (409, SAMPLE_FINALIZED)
    assert await sample_rows(ctx, sample["_id"]) == []
    assert not (ctx.config.data_path / "samples" / sample["_id"] / "reads_1.fq.gz").exists()
    assert incoming_files(ctx) == []


async def test_reads_arriving_after_the_import_job_finished_are_refused(jobs_client, factory, ctx):
    sample, job, auth = await running_import(factory, jobs_client)
    url = f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz"
    upload = await SlowUpload(jobs_client, "PUT", url, auth, FASTQ_GZ).start(ctx)

    await report(jobs_client, job["_id"], auth, "complete")

    assert await upload.finish() == (409, JOB_FINISHED)
    assert await sample_rows(ctx, sample["_id"]) == []
    assert not (ctx.config.data_path / "samples" / sample["_id"] / "reads_1.fq.gz").exists()
    assert incoming_files(ctx) == []


async def test_an_artifact_arriving_after_the_sample_is_finalized_is_refused(jobs_client, factory, ctx):
    sample, _, auth = await running_import(factory, jobs_client)
    url = f"/api/samples/{sample['_id']}"
    upload = await SlowUpload(
        jobs_client, "POST", f"{url}/artifacts?name=qc.json&type=json", auth, b"{}" * 200
    ).start(ctx)

    assert (await jobs_client.patch(url, json={"quality": QUALITY}, headers=auth)).status == 200

    assert await upload.finish() == (409, SAMPLE_FINALIZED)
    assert await sample_rows(ctx, sample["_id"]) == []
    assert not (ctx.config.data_path / "samples" / sample["_id"] / "artifacts" / "qc.json").exists()
    assert incoming_files(ctx) == []


async def test_an_artifact_arriving_after_the_import_job_finished_is_refused(jobs_client, factory, ctx):
    sample, job, auth = await running_import(factory, jobs_client)
    url = f"/api/samples/{sample['_id']}/artifacts?name=qc.json&type=json"
    upload = await SlowUpload(jobs_client, "POST", url, auth, b"{}" * 200).start(ctx)

    await report(jobs_client, job["_id"], auth, "error")

    assert await upload.finish() == (409, JOB_FINISHED)
    assert await sample_rows(ctx, sample["_id"]) == []
    assert incoming_files(ctx) == []


async def test_a_file_that_arrives_in_time_is_kept(jobs_client, factory, ctx):
    """The checks refuse only what is late: an upload finishing before the finalize is part of the result."""
    analysis, _, auth = await running_analysis(factory, jobs_client)
    url = f"/api/analyses/{analysis['_id']}"
    upload = await SlowUpload(jobs_client, "POST", f"{url}/files?name=contigs.fa", auth, FASTA).start(ctx)
    status, body = await upload.finish()
    assert status == 201, body
    response = await jobs_client.patch(url, json={"results": {"hits": []}}, headers=auth)
    assert response.status == 200
    assert [file["name"] for file in (await response.json())["files"]] == ["contigs.fa"]
