"""An analysis as its job sees it over the job API: the running analysis and the job's headers, uploading
its files, reporting the job's status, and what the uploads leave in the database and on disk."""

from sqlalchemy import select

from tests.support.jobs import acquire
from tests.support.reads import multipart_file
from virtool_api.analyses.tables import AnalysisFile

FILE_FIELDS = {"id", "analysis", "format", "name", "name_on_disk", "size", "uploaded_at"}

DEFAULT_QUERY = "name=results.fa&format=fasta"
FASTA = b">seq1\nACGTACGTACGT\n>seq2\nTTTTGGGGCCCC\n"


async def running_analysis(factory, client):
    """An analysis, its acquired job, and the headers that authenticate as that job."""
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    return analysis, job, await acquire(client, job["_id"])


async def running_nuvs(factory, jobs_client):  # type: ignore[no-untyped-def]
    """A NuVs analysis of a ready sample, and the headers that authenticate as its acquired job."""
    sample = await factory.sample(ready=True)
    analysis = await factory.analysis(sample, workflow="nuvs")
    job = await factory.analysis_job(analysis)
    return analysis, await acquire(jobs_client, job["_id"])


async def upload(client, analysis_id: str, auth, data: bytes = FASTA, query: str = DEFAULT_QUERY):
    return await client.post(
        f"/api/analyses/{analysis_id}/files?{query}", data=multipart_file(data), headers=auth
    )


async def post_status(client, job_id: str, auth, **report):
    response = await client.post(f"/api/jobs/{job_id}/status", json={"progress": 100, **report}, headers=auth)
    assert response.status == 201, await response.text()


async def file_rows(ctx, analysis_id: str) -> list[AnalysisFile]:
    async with ctx.sessions() as session:
        return list(
            (await session.scalars(select(AnalysisFile).where(AnalysisFile.analysis == analysis_id))).all()
        )


def analyses_dir(ctx):
    return ctx.config.data_path / "analyses"


def files_on_disk(ctx) -> list[str]:
    """The analysis files in the data directory (results files live in `analyses/results/`)."""
    return sorted(path.name for path in analyses_dir(ctx).iterdir() if path.is_file())
