"""A sample and its create-sample job as the job API's sample tests drive them (docs/api.md,
"Job API"): the job acquired, its uploads and status reports, what is stored and on disk, and
the fields a workflow client requires of a sample."""

import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, multipart_file
from virtool_api.samples.tables import SampleArtifact, SampleReads

ARTIFACT_BYTES = b'{"per_base_quality": [36, 36, 35]}\n'

BOUNDARY = "virtooltestboundary"


async def created_sample_job(factory, jobs_client, **sample_fields: Any):  # type: ignore[no-untyped-def]
    """A fresh sample, its create-sample job, acquired: `(sample, job, auth headers)`."""
    sample = await factory.sample(**sample_fields)
    job = await factory.create_sample_job(sample)
    return sample, job, await acquire(jobs_client, job["_id"])


async def upload_reads(
    jobs_client, sample_id: str, auth: dict[str, str], data: bytes = FASTQ_GZ, name="reads_1.fq.gz"
):  # type: ignore[no-untyped-def]
    return await jobs_client.put(
        f"/api/samples/{sample_id}/reads/{name}", data=multipart_file(data, "reads.fq.gz"), headers=auth
    )


async def upload_artifact(
    jobs_client, sample_id: str, auth: dict[str, str], name="quality.json", type_="json"
):  # type: ignore[no-untyped-def]
    return await jobs_client.post(
        f"/api/samples/{sample_id}/artifacts",
        params={"name": name, "type": type_},
        data=multipart_file(ARTIFACT_BYTES, name),
        headers=auth,
    )


async def post_status(jobs_client, job_id: str, auth: dict[str, str], state: str) -> None:  # type: ignore[no-untyped-def]
    body: dict[str, Any] = {"state": state, "progress": 100 if state == "complete" else 50}
    if state == "error":
        body["error"] = {"type": "ValueError", "traceback": ["Traceback ..."], "details": ["boom"]}
    response = await jobs_client.post(f"/api/jobs/{job_id}/status", json=body, headers=auth)
    assert response.status == 201, await response.text()


async def reads_rows(ctx, sample_id: str) -> list[SampleReads]:  # type: ignore[no-untyped-def]
    async with ctx.sessions() as session:
        return list((await session.scalars(select(SampleReads).where(SampleReads.sample == sample_id))).all())


async def artifact_rows(ctx, sample_id: str) -> list[SampleArtifact]:  # type: ignore[no-untyped-def]
    async with ctx.sessions() as session:
        return list(
            (await session.scalars(select(SampleArtifact).where(SampleArtifact.sample == sample_id))).all()
        )


async def poll(condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


def data_path(ctx) -> Path:  # type: ignore[no-untyped-def]
    return ctx.config.data_path


def incoming_files(ctx) -> list[Path]:  # type: ignore[no-untyped-def]
    return list(data_path(ctx).rglob(".incoming-*"))


async def raw_request(
    jobs_client, method: str, target: str, auth: dict[str, str], body: bytes = b"", content_type: str = ""
) -> tuple[int, dict[str, str], bytes]:  # type: ignore[no-untyped-def]
    """Send `target` exactly as written (no client-side normalization of `..` or percent-escapes)."""
    host, port = jobs_client.server.host, jobs_client.server.port
    reader, writer = await asyncio.open_connection(host, port)
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: close",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in auth.items()),
    ]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    writer.write("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    head, _, payload = response.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, payload


def assert_timestamp(value: Any) -> None:
    assert isinstance(value, str)
    datetime.fromisoformat(value.replace("Z", "+00:00"))


def assert_id_name(value: Any) -> None:
    assert isinstance(value["id"], str) and isinstance(value["name"], str)


def assert_quality(quality: dict[str, Any]) -> None:
    assert all(isinstance(n, int | float) for row in quality["bases"] for n in row)
    assert all(isinstance(n, int | float) for row in quality["composition"] for n in row)
    assert isinstance(quality["count"], int)
    assert isinstance(quality["encoding"], str)
    assert isinstance(quality["gc"], int | float)
    assert len(quality["length"]) == 2 and all(isinstance(n, int) for n in quality["length"])
    assert all(isinstance(n, int) for n in quality["sequences"])


def assert_sample_document(body: dict[str, Any]) -> None:
    """Every field a workflow client requires of a sample (`runner_models.py`), with its type."""
    for field in ("id", "name", "host", "isolate", "locale", "notes", "format"):
        assert isinstance(body[field], str), field
    assert_timestamp(body["created_at"])
    for label in body["labels"]:
        assert isinstance(label["id"], int | str)
        assert isinstance(label["name"], str)
        assert isinstance(label["color"], str)
        assert isinstance(label["description"], str)
    assert body["library_type"] in {"normal", "srna", "amplicon", "other"}
    assert isinstance(body["nuvs"], bool | str)
    assert isinstance(body["pathoscope"], bool | str)
    assert set(body["workflows"]) >= {"aodp", "nuvs", "pathoscope"}
    for workflow in ("aodp", "nuvs", "pathoscope"):
        assert body["workflows"][workflow] in {"complete", "incompatible", "none", "pending"}
    for field in (
        "ready",
        "all_read",
        "all_write",
        "group_read",
        "group_write",
        "hold",
        "is_legacy",
        "paired",
    ):
        assert isinstance(body[field], bool), field
    assert isinstance(body["user"]["id"], str) and isinstance(body["user"]["handle"], str)
    for reads in body["reads"]:
        assert isinstance(reads["id"], int)
        for field in ("name", "name_on_disk", "sample", "download_url"):
            assert isinstance(reads[field], str), field
        assert isinstance(reads["size"], int)
        assert_timestamp(reads["uploaded_at"])
        assert reads.get("upload") is None or isinstance(reads["upload"], int)
    for artifact in body["artifacts"]:
        assert isinstance(artifact["id"], int)
        assert isinstance(artifact["name"], str) and isinstance(artifact["download_url"], str)
        assert isinstance(artifact["size"], int)
    for subtraction in body["subtractions"]:
        assert_id_name(subtraction)
    if body.get("job") is not None:
        assert isinstance(body["job"]["id"], str)
    if body.get("group") is not None:
        assert isinstance(body["group"], str | int)
    if body.get("quality") is not None:
        assert_quality(body["quality"])
