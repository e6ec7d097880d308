"""A workflow runner played over HTTP, as virtool-workflow 7.x does it: it learns the job id from the real
Redis list with BLPOP, then talks to the job API. Every JSON answer is checked against the runner's models
(`runner_models.py`); `calls` records what was asked, in order, so a test can compare it with the spec."""

import gzip
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from pydantic import BaseModel, TypeAdapter
from redis.asyncio import Redis

from tests.support import runner_models as models
from tests.support.reads import multipart_file

M = TypeVar("M", bound=BaseModel)

BOWTIE2_SUFFIXES = (".1.bt2", ".2.bt2", ".3.bt2", ".4.bt2", ".rev.1.bt2", ".rev.2.bt2")
HAS_BOWTIE2 = shutil.which("bowtie2-build") is not None
NEEDS_BOWTIE2 = "needs bowtie2-build (Debian package bowtie2) to build a real index"


class Runner:
    def __init__(self, client: Any, redis_url: str, workflow: str) -> None:
        self.client = client
        self.redis_url = redis_url
        self.workflow = workflow
        self.calls: list[str] = []
        self.job: models.AcquiredJob | None = None
        self.auth: dict[str, str] = {}

    def _record(self, method: str, path: str) -> None:
        self.calls.append(f"{method} {path.split('?')[0]}")

    async def take(self) -> str:
        """BLPOP the job id from `jobs_<workflow>`, as a runner waiting for work does."""
        async with Redis.from_url(self.redis_url) as redis:
            popped = await redis.blpop([f"jobs_{self.workflow}"], timeout=10)
        assert popped is not None, f"no job on jobs_{self.workflow}"
        self.calls.append(f"BLPOP jobs_{self.workflow}")
        return popped[1].decode()

    async def acquire(self, job_id: str) -> models.AcquiredJob:
        response = await self.client.patch(f"/api/jobs/{job_id}", json={"acquired": True})
        self._record("PATCH", "/jobs/{id}")
        assert response.status == 200, await response.text()
        self.job = models.AcquiredJob.model_validate(await response.json())
        self.auth = {"Authorization": aiohttp.encode_basic_auth(f"job-{job_id}", self.job.key)}
        return self.job

    async def start(self) -> models.AcquiredJob:
        """Take a job from the list, acquire it and ping it: how every runner begins."""
        job = await self.acquire(await self.take())
        await self.ping()
        return job

    async def ping(self) -> None:
        response = await self.client.put(f"/api/jobs/{self.job_id}/ping", json={}, headers=self.auth)
        self._record("PUT", "/jobs/{id}/ping")
        assert response.status == 200, await response.text()
        models.Ping.model_validate(await response.json())

    @property
    def job_id(self) -> str:
        assert self.job is not None
        return self.job.id

    async def get(self, path: str, model: type[M]) -> M:
        response = await self.client.get(f"/api{path}", headers=self.auth)
        self._record("GET", path)
        assert response.status == 200, await response.text()
        return model.model_validate(await response.json())

    async def download(self, path: str) -> bytes:
        response = await self.client.get(f"/api{path}", headers=self.auth)
        self._record("GET", path)
        assert response.status == 200, await response.text()
        assert "Content-Encoding" not in response.headers
        return await response.read()

    async def upload(self, method: str, path: str, data: bytes, name: str, model: type[M]) -> M:
        response = await self.client.request(
            method, f"/api{path}", data=multipart_file(data, name), headers=self.auth
        )
        self._record(method, path)
        assert response.status == 201, await response.text()
        return model.model_validate(await response.json())

    async def patch(self, path: str, body: dict[str, Any], model: type[M]) -> M:
        response = await self.client.patch(f"/api{path}", json=body, headers=self.auth)
        self._record("PATCH", path)
        assert response.status == 200, await response.text()
        return model.model_validate(await response.json())

    async def delete(self, path: str) -> None:
        response = await self.client.delete(f"/api{path}", headers=self.auth)
        self._record("DELETE", path)
        assert response.status == 204, await response.text()
        assert await response.read() == b""

    async def status(self, state: str, progress: int, **fields: Any) -> models.JobStatus:
        body = {"state": state, "progress": progress, "stage": fields.pop("stage", None), **fields}
        response = await self.client.post(f"/api/jobs/{self.job_id}/status", json=body, headers=self.auth)
        self._record("POST", "/jobs/{id}/status")
        assert response.status == 201, await response.text()
        return models.JobStatus.model_validate(await response.json())

    async def fail(self, cleanup_path: str) -> None:
        """A failing runner: the `error` status and, at the same time, the clean-up DELETE."""
        error = {
            "type": "RuntimeError",
            "traceback": ["Traceback (most recent call last):"],
            "details": ["boom"],
        }
        await self.status("error", 50, error=error)
        await self.delete(cleanup_path)


def annotations(data: bytes) -> list[models.HMM]:
    return TypeAdapter(list[models.HMM]).validate_python(json.loads(gzip.decompress(data)))


def bowtie2_index(fasta: bytes, prefix: str) -> dict[str, bytes]:
    """`{prefix + suffix: bytes}` of a real Bowtie2 index of `fasta` (plain text), built by bowtie2-build."""
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "input.fa"
        source.write_bytes(fasta)
        subprocess.run(
            ["bowtie2-build", "--threads", "1", "-q", str(source), str(Path(directory) / prefix)],
            check=True,
            capture_output=True,
        )
        return {
            f"{prefix}{suffix}": (Path(directory) / f"{prefix}{suffix}").read_bytes()
            for suffix in BOWTIE2_SUFFIXES
        }


def stand_in_index(prefix: str) -> dict[str, bytes]:
    """Where bowtie2-build is missing, analysis tests still move nine files (not a usable index)."""
    return {f"{prefix}{suffix}": f"stand-in {prefix}{suffix}".encode() for suffix in BOWTIE2_SUFFIXES}


def index_fasta(otus: list[models.IndexOTU]) -> bytes:
    """The FASTA a build-index runner writes from `otus.json.gz`: one record per sequence id."""
    return "".join(
        f">{sequence.id}\n{sequence.sequence}\n"
        for otu in otus
        for isolate in otu.isolates
        for sequence in isolate.sequences
    ).encode()


def nucleotide_composition(fasta: bytes) -> tuple[dict[str, float], int]:
    counts = dict.fromkeys("acgtn", 0)
    records = 0
    for line in fasta.splitlines():
        if line.startswith(b">"):
            records += 1
            continue
        for letter in line.decode().lower():
            counts[letter if letter in "acgt" else "n"] += 1
    total = sum(counts.values()) or 1
    return {base: round(count / total, 4) for base, count in counts.items()}, records
