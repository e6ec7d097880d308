"""What runner tests share: our runner running in the test's process against the apps' real HTTP ports, and
the world it works on, made over the public API as people make it."""

import asyncio
import gzip
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.support.jobs import acquire
from tests.support.reads import multipart_file
from tests.support.references_helpers import import_reference, upload
from virtool_api.jobs.models import TERMINAL_STATES
from virtool_api.runner.process import run_runner
from virtool_api.runner.settings import RunnerSettings

JOB_WAIT = 300.0
"""Seconds a test waits for a job to end: a bound against hanging, far above what any job here takes."""
TERMINAL = {state.value for state in TERMINAL_STATES}


@asynccontextmanager
async def our_runner(jobs_client: Any, work_path: Path, **options: Any) -> AsyncIterator[RunnerSettings]:
    """`virtool-api runner` in this process, taking jobs from the server's queue over real HTTP."""
    settings = RunnerSettings(
        jobs_url=str(jobs_client.make_url("/api")), work_path=work_path, proc=2, mem=4, **options
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_runner(settings, stop))
    try:
        yield settings
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)


async def job_end(public_client: Any, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    """The job, as `GET /api/jobs/{id}` shows it, once it has ended (fails the test after `JOB_WAIT` s)."""
    deadline = time.monotonic() + JOB_WAIT
    while True:
        response = await public_client.get(f"/api/jobs/{job_id}", headers=headers)
        assert response.status == 200, await response.text()
        job = await response.json()
        if job["state"] in TERMINAL:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['state']} after {JOB_WAIT} s"
        await asyncio.sleep(0.2)


async def build_index(public_client: Any, headers: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The plant-virus reference imported, and the index build it starts (its job not yet run)."""
    reference = await import_reference(public_client, headers)
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=headers)
    assert response.status == 201, await response.text()
    return reference, await response.json()


async def create_subtraction(public_client: Any, headers: dict[str, str], fasta: bytes) -> dict[str, Any]:
    upload_id = await upload(public_client, headers, gzip.compress(fasta), "subtraction", "host.fa.gz")
    response = await public_client.post(
        "/api/subtractions", json={"name": "Host", "nickname": "", "upload_id": upload_id}, headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def ready_sample(
    public_client: Any,
    jobs_client: Any,
    headers: dict[str, str],
    reads: bytes,
    quality: dict[str, Any],
    mates: bytes | None = None,
) -> dict[str, Any]:
    """A sample of `reads` (paired with `mates` if given) made ready by playing its create-sample job by hand
    (acquire, upload, finalize)."""
    files = [reads] if mates is None else [reads, mates]
    uploads = [
        await upload(public_client, headers, content, "reads", f"reads_{number}.fq.gz")
        for number, content in enumerate(files, start=1)
    ]
    response = await public_client.post(
        "/api/samples", json={"name": "Sample", "files": uploads}, headers=headers
    )
    assert response.status == 201, await response.text()
    sample = await response.json()
    auth = await acquire(jobs_client, sample["job"]["id"])
    for number, content in enumerate(files, start=1):
        response = await jobs_client.put(
            f"/api/samples/{sample['id']}/reads/reads_{number}.fq.gz",
            data=multipart_file(content, f"reads_{number}.fq.gz"),
            headers=auth,
        )
        assert response.status == 201, await response.text()
    response = await jobs_client.patch(
        f"/api/samples/{sample['id']}", json={"quality": quality}, headers=auth
    )
    assert response.status == 200, await response.text()
    await jobs_client.post(
        f"/api/jobs/{sample['job']['id']}/status", json={"state": "complete", "progress": 100}, headers=auth
    )
    return sample


async def start_analysis(
    public_client: Any,
    headers: dict[str, str],
    sample_id: str,
    reference_id: str,
    workflow: str,
    subtractions: list[str],
) -> dict[str, Any]:
    response = await public_client.post(
        f"/api/samples/{sample_id}/analyses",
        json={"workflow": workflow, "ref_id": reference_id, "subtractions": subtractions},
        headers=headers,
    )
    assert response.status == 201, await response.text()
    return await response.json()
