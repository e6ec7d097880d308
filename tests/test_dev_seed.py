"""`virtool-api dev seed`: the demo data a person tries the job API with right after `make run`."""

import asyncio
import gzip
import re

from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from virtool_api.app import create_jobs_app
from virtool_api.cli import main
from virtool_api.config import Config
from virtool_api.context import create_context


def test_seed_prints_jobs_that_a_runner_can_acquire_and_work_with(tmp_path):
    data_path = tmp_path / "data"
    result = CliRunner().invoke(main, ["dev", "seed", "--data-path", str(data_path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"reference \w+: Plant Viruses \(subset\), 25 OTUs", result.output)
    create_job, sample_id = re.search(r"create_sample job (\w+) for sample (\w+)", result.output).groups()
    analysis_job, analysis_id, ready_sample_id = re.search(
        r"pathoscope_bowtie job (\w+) for analysis (\w+) of sample (\w+)", result.output
    ).groups()

    async def work() -> None:
        ctx = await create_context(Config(data_path=data_path), migrate_schema=False)
        try:
            async with TestClient(TestServer(create_jobs_app(ctx, watch_timeouts=False))) as client:
                for job_id, path in (
                    (create_job, f"/api/samples/{sample_id}"),
                    (analysis_job, f"/api/analyses/{analysis_id}"),
                ):
                    acquired = await client.patch(f"/api/jobs/{job_id}", json={"acquired": True})
                    assert acquired.status == 200
                    key = (await acquired.json())["key"]
                    auth = {"Authorization": f"Basic {_basic(f'job-{job_id}', key)}"}
                    response = await client.get(path, headers=auth)
                    assert response.status == 200
                    if job_id == analysis_job:
                        reads = await client.get(
                            f"/api/samples/{ready_sample_id}/reads/reads_1.fq.gz", headers=auth
                        )
                        assert gzip.decompress(await reads.read()).startswith(b"@sim_000001 ")
                        analysis = await (
                            await client.get(f"/api/analyses/{analysis_id}", headers=auth)
                        ).json()
                        index = await client.get(f"/api/indexes/{analysis['index']['id']}", headers=auth)
                        assert (await index.json())["ready"] is True
                        bowtie2 = await client.get(
                            f"/api/indexes/{analysis['index']['id']}/files/reference.1.bt2", headers=auth
                        )
                        assert bowtie2.status == 200
        finally:
            await ctx.close()

    asyncio.run(work())


def _basic(login: str, password: str) -> str:
    import base64

    return base64.b64encode(f"{login}:{password}".encode()).decode()
