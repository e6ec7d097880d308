"""The job API's sample routes (docs/api.md, "Job API")."""

import asyncio
import gzip
import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from tests.conftest import FASTQ_GZ, QUALITY, acquire, basic_auth, multipart_file
from tests.support.errors import (
    INSUFFICIENT_RIGHTS,
    INVALID_FILE_NAME,
    JOB_FINISHED,
    NOT_FOUND,
    SAMPLE_FINALIZED,
)
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.server.auth import JOB_CREDENTIALS_HINT

REQUIRES_AUTHORIZATION = {
    "id": "requires_authorization",
    "message": "Requires authorization",
    "hint": JOB_CREDENTIALS_HINT,
}

ARTIFACT_BYTES = b'{"per_base_quality": [36, 36, 35]}\n'
BOUNDARY = "virtooltestboundary"


# --- helpers


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


def job_key(auth: dict[str, str]) -> str:
    return aiohttp.BasicAuth.decode(auth["Authorization"]).password


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


def files_under(root: Path) -> set[Path]:
    """Every file below `root` except the embedded databases, which change on every request."""
    data = root / "data"
    return {
        path
        for path in root.rglob("*")
        if path.is_file() and data / "db" not in path.parents and not path.name.startswith("virtool.sqlite3")
    }


def multipart_body(data: bytes, filename: str = "reads.fq.gz") -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


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


def assert_json_error(status: int, headers: dict[str, str], payload: bytes, allowed: set[int]) -> dict:
    assert status in allowed, (status, payload)
    assert headers["content-type"].startswith("application/json"), headers
    body = json.loads(payload)
    assert isinstance(body["id"], str) and isinstance(body["message"], str)
    assert "Traceback" not in body["message"]
    return body


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


# --- GET /samples/{id}


async def test_get_fresh_unfinalized_sample_validates(jobs_client, factory):
    sample, job, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 200
    body = await response.json()
    assert_sample_document(body)
    assert body["id"] == sample["_id"]
    assert body["name"] == sample["name"]
    assert body["ready"] is False
    assert body["quality"] is None
    assert body["reads"] == []
    assert body["artifacts"] == []
    # The job summary runners require (`runner_models.py`), never a bare id.
    assert body["job"] == {
        "id": job["_id"],
        "created_at": body["job"]["created_at"],
        "progress": 0,
        "stage": None,
        "state": "preparing",
        "user": job["user"],
        "workflow": "create_sample",
    }
    assert body["job"]["created_at"].endswith("Z")


async def test_get_finalized_sample_with_files_labels_and_subtractions(jobs_client, factory, ctx):
    await ctx.db.labels.insert_one({"_id": 7, "name": "Bug", "color": "#a83432", "description": "Insect"})
    await ctx.db.subtractions.insert_one({"_id": "arabid", "name": "Arabidopsis thaliana"})
    sample, _, auth = await created_sample_job(factory, jobs_client, labels=[7], subtractions=["arabid"])
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    assert (await upload_artifact(jobs_client, sample["_id"], auth)).status == 201
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )
    assert response.status == 200

    response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 200
    body = await response.json()
    assert_sample_document(body)
    assert body["ready"] is True
    assert body["quality"] == QUALITY
    assert body["labels"] == [{"id": 7, "name": "Bug", "color": "#a83432", "description": "Insect"}]
    assert body["subtractions"] == [{"id": "arabid", "name": "Arabidopsis thaliana"}]
    assert [reads["name"] for reads in body["reads"]] == ["reads_1.fq.gz"]
    assert body["reads"][0]["download_url"] == f"/samples/{sample['_id']}/reads/reads_1.fq.gz"
    assert [(a["name"], a["size"]) for a in body["artifacts"]] == [("quality.json", len(ARTIFACT_BYTES))]


async def test_get_deleted_sample_of_the_job_is_404(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    await ctx.db.samples.delete_one({"_id": sample["_id"]})

    response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_get_sample_not_in_job_args_is_403(jobs_client, factory):
    _, _, auth = await created_sample_job(factory, jobs_client)
    other = await factory.sample()

    response = await jobs_client.get(f"/api/samples/{other['_id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


async def test_get_sample_without_credentials_is_401(jobs_client, factory):
    sample, _, _ = await created_sample_job(factory, jobs_client)

    response = await jobs_client.get(f"/api/samples/{sample['_id']}")

    assert response.status == 401
    assert await response.json() == REQUIRES_AUTHORIZATION


async def test_get_sample_with_wrong_key_is_401(jobs_client, factory):
    sample, job, _ = await created_sample_job(factory, jobs_client)

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}", headers=basic_auth(f"job-{job['_id']}", "not-the-key")
    )

    assert response.status == 401
    assert await response.json() == REQUIRES_AUTHORIZATION


async def test_get_sample_with_non_job_login_is_401(jobs_client, factory):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    key = job_key(auth)

    for login in (job["_id"], f"user-{job['_id']}", "job-"):
        response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=basic_auth(login, key))
        assert response.status == 401, login
        assert await response.json() == REQUIRES_AUTHORIZATION


async def test_get_sample_as_unacquired_job_is_401(jobs_client, factory):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}", headers=basic_auth(f"job-{job['_id']}", "anything")
    )

    assert response.status == 401
    assert await response.json() == REQUIRES_AUTHORIZATION


# --- PATCH /samples/{id} (finalize)


async def test_finalize(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 200
    body = await response.json()
    assert_sample_document(body)
    assert body["id"] == sample["_id"]
    assert body["ready"] is True
    assert body["quality"] == QUALITY
    document = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert document["ready"] is True
    assert document["quality"] == QUALITY


async def test_finalize_without_quality_is_422(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={}, headers=auth)

    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_input", "Invalid input")
    assert "quality" in body["errors"]
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_finalize_with_malformed_quality_is_422(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    for quality in ({**QUALITY, "count": "many"}, {**QUALITY, "length": [76]}, "good", None):
        response = await jobs_client.patch(
            f"/api/samples/{sample['_id']}", json={"quality": quality}, headers=auth
        )
        assert response.status == 422, quality
        body = await response.json()
        assert (body["id"], body["message"]) == ("invalid_input", "Invalid input")

    document = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert document["ready"] is False
    assert document["quality"] is None


async def test_finalize_with_malformed_json_is_400(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}",
        data=b'{"quality": {',
        headers={**auth, "Content-Type": "application/json"},
    )

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_finalize_twice_is_409(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    first = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth)
    assert first.status == 200

    second = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth)

    assert second.status == 409
    assert await second.json() == SAMPLE_FINALIZED


async def test_racing_finalizes_exactly_one_wins(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    qualities = [{**QUALITY, "count": count} for count in range(1, 6)]

    responses = await asyncio.gather(
        *(
            jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": quality}, headers=auth)
            for quality in qualities
        )
    )

    statuses = sorted(response.status for response in responses)
    assert statuses == [200, 409, 409, 409, 409]
    bodies = [await response.json() for response in responses]
    winner = next(body for response, body in zip(responses, bodies, strict=True) if response.status == 200)
    assert all(body == SAMPLE_FINALIZED for body in bodies if body is not winner)
    document = await ctx.db.samples.find_one({"_id": sample["_id"]})
    assert document["ready"] is True
    assert document["quality"] == winner["quality"]


async def test_analysis_job_cannot_finalize_its_sample(jobs_client, factory, ctx):
    sample = await factory.sample()
    analysis = await factory.analysis(sample)
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_analysis_job_can_read_its_sample(jobs_client, factory):
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/samples/{analysis['sample']['id']}", headers=auth)

    assert response.status == 200
    assert_sample_document(await response.json())


async def test_finalize_after_complete_status_is_409(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, "complete")

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_finalize_after_error_status_is_409(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, "error")

    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


# --- PUT /samples/{id}/reads/{name}


async def test_upload_reads(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth)

    assert response.status == 201
    body = await response.json()
    assert body["name"] == "reads_1.fq.gz"
    assert body["name_on_disk"] == "reads_1.fq.gz"
    assert body["size"] == len(FASTQ_GZ)
    assert body["sample"] == sample["_id"]
    assert body["download_url"] == f"/samples/{sample['_id']}/reads/reads_1.fq.gz"
    assert isinstance(body["id"], int)
    assert_timestamp(body["uploaded_at"])
    [row] = await reads_rows(ctx, sample["_id"])
    assert (row.id, row.name, row.name_on_disk, row.size) == (
        body["id"],
        "reads_1.fq.gz",
        "reads_1.fq.gz",
        len(FASTQ_GZ),
    )
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == FASTQ_GZ
    assert incoming_files(ctx) == []


async def test_upload_second_reads_file(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client, paired=True)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    response = await upload_reads(jobs_client, sample["_id"], auth, name="reads_2.fq.gz")

    assert response.status == 201
    assert sorted(row.name for row in await reads_rows(ctx, sample["_id"])) == [
        "reads_1.fq.gz",
        "reads_2.fq.gz",
    ]
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_2.fq.gz").read_bytes() == FASTQ_GZ


async def test_upload_reads_with_unaccepted_name_is_400(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth, name="reads_3.fq.gz")

    assert response.status == 400
    assert await response.json() == {
        "id": "bad_request",
        "message": "File name is not an accepted reads file",
    }
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_3.fq.gz").exists()


async def test_upload_uncompressed_reads_is_400_and_leaves_nothing(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth, data=b"@r1\nACGT\n+\nIIII\n" * 50)

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "File is not compressed"}
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()
    assert incoming_files(ctx) == []


async def test_upload_one_byte_reads_is_400(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_reads(jobs_client, sample["_id"], auth, data=b"\x1f")

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "File is not compressed"}
    assert await reads_rows(ctx, sample["_id"]) == []
    assert incoming_files(ctx) == []


async def test_upload_reads_twice_is_409(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    other_bytes = gzip.compress(b"@other\nTTTT\n+\nIIII\n")

    response = await upload_reads(jobs_client, sample["_id"], auth, data=other_bytes)

    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Reads file name is already uploaded"}
    assert len(await reads_rows(ctx, sample["_id"])) == 1
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == FASTQ_GZ
    assert incoming_files(ctx) == []


async def test_upload_reads_to_finalized_sample_is_409(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client, ready=True)

    response = await upload_reads(jobs_client, sample["_id"], auth)

    assert response.status == 409
    assert await response.json() == SAMPLE_FINALIZED
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()


async def test_upload_reads_after_complete_status_is_409(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, "complete")

    response = await upload_reads(jobs_client, sample["_id"], auth)

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert await reads_rows(ctx, sample["_id"]) == []


async def test_upload_reads_to_sample_not_in_job_args_is_403(jobs_client, factory, ctx):
    _, _, auth = await created_sample_job(factory, jobs_client)
    other = await factory.sample()

    response = await upload_reads(jobs_client, other["_id"], auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await reads_rows(ctx, other["_id"]) == []
    assert not (data_path(ctx) / "samples" / other["_id"]).exists()


# --- GET /samples/{id}/reads/{name}


async def test_download_reads_exact_bytes_without_content_encoding(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz",
        headers={**auth, "Accept-Encoding": "gzip, deflate"},
        auto_decompress=False,
    )

    assert response.status == 200
    assert "Content-Encoding" not in response.headers
    assert await response.read() == FASTQ_GZ


async def test_download_reads_of_finalized_sample(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )
    assert response.status == 200

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=auth)

    assert response.status == 200
    assert await response.read() == FASTQ_GZ


async def test_download_missing_reads_is_404(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_2.fq.gz", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_download_reads_with_nul_in_name_is_404(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    target = f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz%00"
    status, _, payload = await raw_request(jobs_client, "GET", target, auth)

    assert status == 404
    assert json.loads(payload) == NOT_FOUND


async def test_download_reads_of_unknown_sample_is_404(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    await ctx.db.samples.delete_one({"_id": sample["_id"]})

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_download_reads_of_sample_not_in_job_args_is_403(jobs_client, factory):
    _, _, auth = await created_sample_job(factory, jobs_client)
    other, _, other_auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, other["_id"], other_auth)).status == 201

    response = await jobs_client.get(f"/api/samples/{other['_id']}/reads/reads_1.fq.gz", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS


# --- artifacts


async def test_upload_artifact(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_artifact(jobs_client, sample["_id"], auth)

    assert response.status == 201
    body = await response.json()
    assert body["name"] == "quality.json"
    assert body["name_on_disk"] == "quality.json"
    assert body["size"] == len(ARTIFACT_BYTES)
    assert body["type"] == "json"
    assert body["download_url"] == f"/samples/{sample['_id']}/artifacts/quality.json"
    assert_timestamp(body["uploaded_at"])
    [row] = await artifact_rows(ctx, sample["_id"])
    assert (row.id, row.name, row.type, row.size) == (body["id"], "quality.json", "json", len(ARTIFACT_BYTES))
    path = data_path(ctx) / "samples" / sample["_id"] / "artifacts" / "quality.json"
    assert path.read_bytes() == ARTIFACT_BYTES
    assert incoming_files(ctx) == []


async def test_upload_artifact_of_unsupported_type_is_400(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await upload_artifact(jobs_client, sample["_id"], auth, type_="exe")

    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Unsupported sample artifact type"}
    assert await artifact_rows(ctx, sample["_id"]) == []


async def test_upload_artifact_without_name_is_422(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.post(
        f"/api/samples/{sample['_id']}/artifacts",
        params={"type": "json"},
        data=multipart_file(ARTIFACT_BYTES),
        headers=auth,
    )

    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_query", "Invalid query")
    assert "name" in body["errors"]
    assert await artifact_rows(ctx, sample["_id"]) == []


async def test_upload_artifact_twice_is_409(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_artifact(jobs_client, sample["_id"], auth)).status == 201

    response = await upload_artifact(jobs_client, sample["_id"], auth)

    assert response.status == 409
    assert await response.json() == {
        "id": "conflict",
        "message": "Artifact file has already been uploaded for this sample",
    }
    assert len(await artifact_rows(ctx, sample["_id"])) == 1
    assert incoming_files(ctx) == []


async def test_download_artifact(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_artifact(jobs_client, sample["_id"], auth)).status == 201

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/artifacts/quality.json", headers=auth)

    assert response.status == 200
    assert await response.read() == ARTIFACT_BYTES


async def test_download_missing_artifact_is_404(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/artifacts/quality.json", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_download_artifact_with_nul_in_name_is_404(jobs_client, factory):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_artifact(jobs_client, sample["_id"], auth)).status == 201

    target = f"/api/samples/{sample['_id']}/artifacts/quality.json%00"
    status, _, payload = await raw_request(jobs_client, "GET", target, auth)

    assert status == 404
    assert json.loads(payload) == NOT_FOUND


# --- DELETE /samples/{id}


async def test_remove_unfinalized_sample(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    assert (await upload_artifact(jobs_client, sample["_id"], auth)).status == 201
    assert (data_path(ctx) / "samples" / sample["_id"]).is_dir()

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 204
    assert await response.read() == b""
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await reads_rows(ctx, sample["_id"]) == []
    assert await artifact_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"]).exists()


async def test_remove_finalized_sample_is_409(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth
    )
    assert response.status == 200

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Sample is finalized"}
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is not None
    assert len(await reads_rows(ctx, sample["_id"])) == 1
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == FASTQ_GZ


async def test_remove_sample_after_error_status(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201
    await post_status(jobs_client, job["_id"], auth, "error")

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 204
    assert await response.read() == b""
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"]).exists()


async def test_remove_sample_racing_error_status(jobs_client, factory, ctx):
    sample, job, auth = await created_sample_job(factory, jobs_client)
    body = {"state": "error", "progress": 50, "error": {"type": "E", "traceback": [], "details": []}}

    status, removal = await asyncio.gather(
        jobs_client.post(f"/api/jobs/{job['_id']}/status", json=body, headers=auth),
        jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth),
    )

    assert status.status == 201
    assert removal.status == 204
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None


async def test_remove_sample_as_analysis_job_is_403(jobs_client, factory, ctx):
    sample = await factory.sample()
    analysis = await factory.analysis(sample)
    auth = await acquire(jobs_client, (await factory.analysis_job(analysis))["_id"])

    response = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is not None


# --- aborted uploads


async def test_aborted_reads_upload_leaves_nothing(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    host, port = jobs_client.server.host, jobs_client.server.port
    part_head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="reads.fq.gz"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    first_bytes = gzip.compress(os.urandom(64 * 1024))
    _reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        "\r\n".join(
            [
                f"PUT /api/samples/{sample['_id']}/reads/reads_1.fq.gz HTTP/1.1",
                f"Host: {host}:{port}",
                f"Authorization: {auth['Authorization']}",
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
                f"Content-Length: {100 * 1024 * 1024}",
            ]
        ).encode()
        + b"\r\n\r\n"
        + part_head
        + first_bytes
    )
    await writer.drain()

    # The server is receiving: its temporary file exists. Then the client goes away mid-body.
    assert await poll(lambda: len(incoming_files(ctx)) == 1), "the upload never started"
    writer.close()
    await writer.wait_closed()

    assert await poll(lambda: incoming_files(ctx) == []), incoming_files(ctx)
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()

    # The sample is still usable: a complete upload afterwards succeeds.
    response = await upload_reads(jobs_client, sample["_id"], auth)
    assert response.status == 201


async def test_upload_from_failing_client_stream_leaves_nothing(jobs_client, factory, ctx):
    """A client whose body generator raises part-way: the server sees a truncated chunked body."""
    sample, _, auth = await created_sample_job(factory, jobs_client)
    receiving: list[bool] = []

    async def body():  # type: ignore[no-untyped-def]
        yield f"--{BOUNDARY}\r\n".encode()
        yield b'Content-Disposition: form-data; name="file"; filename="reads.fq.gz"\r\n\r\n'
        yield FASTQ_GZ[:100]
        receiving.append(await poll(lambda: len(incoming_files(ctx)) == 1))
        raise RuntimeError("the runner's disk failed")

    url = jobs_client.make_url(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz")
    async with aiohttp.ClientSession() as session:
        try:
            await session.put(
                url,
                data=body(),
                headers={**auth, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            )
        except (RuntimeError, aiohttp.ClientError):
            pass

    assert receiving == [True], "the upload never started"
    assert await poll(lambda: incoming_files(ctx) == []), incoming_files(ctx)
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()


# --- path traversal

TRAVERSAL_READS_NAMES = [
    "../etc/passwd",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fescaped",
    "..%2F..%2Fx",
    "..%5C..%5Cx",
    "%2Fetc%2Fpasswd",
    "%2Ftmp%2Fabsolute",
    "reads_1.fq.gz%00",
    "reads_1.fq.gz%00.txt",
    "%00",
    "..",
    "%2e%2e",
    ".incoming-x",
]


async def test_reads_names_cannot_escape_the_sample_directory(jobs_client, factory, ctx, tmp_path):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    before = files_under(tmp_path)
    body = multipart_body(FASTQ_GZ)
    content_type = f"multipart/form-data; boundary={BOUNDARY}"

    for name in TRAVERSAL_READS_NAMES:
        target = f"/api/samples/{sample['_id']}/reads/{name}"
        status, headers, payload = await raw_request(jobs_client, "PUT", target, auth, body, content_type)
        assert_json_error(status, headers, payload, {400, 404})
        status, headers, payload = await raw_request(jobs_client, "GET", target, auth)
        assert_json_error(status, headers, payload, {400, 404})

    assert files_under(tmp_path) == before
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (tmp_path / "etc" / "passwd").exists()
    assert not (tmp_path / "x").exists()
    assert not (data_path(ctx) / "x").exists()
    assert not Path("/tmp/absolute").exists()
    assert incoming_files(ctx) == []


TRAVERSAL_ARTIFACT_NAMES = [
    "../x",
    "..%2Fx",
    "%2e%2e%2fx",
    "../../../../etc/passwd",
    "/abs",
    "%2Fabs",
    "a%00b",
    "%00",
    ".hidden",
    ".incoming-abc",
    "..",
    ".",
    "a/b",
    "a%5Cb",
    "..%5Cx",
    "a%0Ab",
]


async def test_artifact_names_cannot_escape_the_sample_directory(jobs_client, factory, ctx, tmp_path):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    before = files_under(tmp_path)
    body = multipart_body(ARTIFACT_BYTES, "x")
    content_type = f"multipart/form-data; boundary={BOUNDARY}"

    for name in TRAVERSAL_ARTIFACT_NAMES:
        target = f"/api/samples/{sample['_id']}/artifacts?name={name}&type=json"
        status, headers, payload = await raw_request(jobs_client, "POST", target, auth, body, content_type)
        if "%00" in name:
            # A NUL is refused with every query string, before the name is looked at.
            assert_json_error(status, headers, payload, {422})
            assert json.loads(payload)["errors"] == {"name": ["must not contain NUL characters"]}, name
            continue
        assert_json_error(status, headers, payload, {400})
        assert json.loads(payload) == INVALID_FILE_NAME, name

    assert files_under(tmp_path) == before
    assert await artifact_rows(ctx, sample["_id"]) == []
    assert not (tmp_path / "x").exists()
    assert not (data_path(ctx) / "samples" / "x").exists()
    assert not (data_path(ctx) / "samples" / sample["_id"] / "x").exists()
    assert not Path("/abs").exists()
    assert incoming_files(ctx) == []


async def test_artifact_download_names_cannot_escape_the_sample_directory(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    assert (await upload_reads(jobs_client, sample["_id"], auth)).status == 201

    for name in [
        "..%2Freads_1.fq.gz",
        "../reads_1.fq.gz",
        "%2e%2e%2freads_1.fq.gz",
        "..%2F..%2F..%2Fvirtool.sqlite3",
        "%2Fetc%2Fpasswd",
        "a%00b",
    ]:
        target = f"/api/samples/{sample['_id']}/artifacts/{name}"
        status, headers, payload = await raw_request(jobs_client, "GET", target, auth)
        assert_json_error(status, headers, payload, {400, 404})


TRAVERSAL_SAMPLE_IDS = [
    "..%2F..%2Fetc",
    "%2e%2e%2f%2e%2e%2fetc",
    "%2Fetc%2Fpasswd",
    "..",
    "%2e%2e",
    "abc%00def",
    "..%5C..%5Cx",
]


async def test_sample_ids_cannot_escape_the_data_directory(jobs_client, factory, ctx, tmp_path):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    before = files_under(tmp_path)
    reads = multipart_body(FASTQ_GZ)
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    finalize = json.dumps({"quality": QUALITY}).encode()

    for sample_id in TRAVERSAL_SAMPLE_IDS:
        base = f"/api/samples/{sample_id}"
        requests = [
            ("GET", base, b"", ""),
            ("PATCH", base, finalize, "application/json"),
            ("DELETE", base, b"", ""),
            ("PUT", f"{base}/reads/reads_1.fq.gz", reads, content_type),
            ("GET", f"{base}/reads/reads_1.fq.gz", b"", ""),
            ("POST", f"{base}/artifacts?name=x&type=json", reads, content_type),
            ("GET", f"{base}/artifacts/x", b"", ""),
        ]
        for method, target, body, body_type in requests:
            status, headers, payload = await raw_request(jobs_client, method, target, auth, body, body_type)
            assert_json_error(status, headers, payload, {400, 403, 404})

    assert files_under(tmp_path) == before
    assert not (tmp_path / "etc").exists()
    assert not (tmp_path / "x").exists()
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False
    assert incoming_files(ctx) == []


# --- stale temporaries


async def test_sweep_stale_incoming_removes_old_temporaries_only(ctx):
    directory = data_path(ctx) / "samples" / "abc123"
    directory.mkdir(parents=True)
    old = directory / ".incoming-old"
    fresh = directory / ".incoming-fresh"
    kept = directory / "reads_1.fq.gz"
    for path in (old, fresh, kept):
        path.write_bytes(b"partial")
    two_hours_ago = time.time() - 2 * 3600
    os.utime(old, (two_hours_ago, two_hours_ago))
    os.utime(kept, (two_hours_ago, two_hours_ago))

    removed = ctx.files.sweep_stale_incoming()

    assert removed == 1
    assert not old.exists()
    assert fresh.exists()
    assert kept.exists()


# --- races


async def test_racing_uploads_of_the_same_reads_file_one_wins(jobs_client, factory, ctx):
    sample, _, auth = await created_sample_job(factory, jobs_client)
    contents = [gzip.compress(f"@r{n}\nACGT\n+\nIIII\n".encode() * 100) for n in range(4)]

    responses = await asyncio.gather(
        *(upload_reads(jobs_client, sample["_id"], auth, data=data) for data in contents)
    )

    assert sorted(response.status for response in responses) == [201, 409, 409, 409]
    winner = next(contents[i] for i, response in enumerate(responses) if response.status == 201)
    for response in responses:
        if response.status == 409:
            assert await response.json() == {
                "id": "conflict",
                "message": "Reads file name is already uploaded",
            }
    [row] = await reads_rows(ctx, sample["_id"])
    assert row.size == len(winner)
    assert (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").read_bytes() == winner
    assert incoming_files(ctx) == []


async def test_remove_sample_while_reads_upload_is_in_flight(jobs_client, factory, ctx):
    """A failing job's clean-up DELETE can overtake its own last upload: nothing may survive either way."""
    sample, _, auth = await created_sample_job(factory, jobs_client)
    host, port = jobs_client.server.host, jobs_client.server.port
    part_head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="reads.fq.gz"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        "\r\n".join(
            [
                f"PUT /api/samples/{sample['_id']}/reads/reads_1.fq.gz HTTP/1.1",
                f"Host: {host}:{port}",
                "Connection: close",
                f"Authorization: {auth['Authorization']}",
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
                f"Content-Length: {len(part_head) + len(FASTQ_GZ) + len(tail)}",
            ]
        ).encode()
        + b"\r\n\r\n"
        + part_head
        + FASTQ_GZ[:100]
    )
    await writer.drain()
    assert await poll(lambda: len(incoming_files(ctx)) == 1), "the upload never started"

    removal = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)
    assert removal.status == 204

    writer.write(FASTQ_GZ[100:] + tail)
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    assert int(response.split(b" ", 2)[1]) == 404, response
    assert json.loads(response.partition(b"\r\n\r\n")[2]) == NOT_FOUND

    assert await ctx.db.samples.find_one({"_id": sample["_id"]}) is None
    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"]).exists()
    assert incoming_files(ctx) == []


async def test_reads_arriving_for_a_sample_removed_just_before_keep_nothing(jobs_client, factory, ctx):
    """The removal can finish between the upload's existence check and its first byte on disk: the upload
    must notice its owner is gone after placing the file, and take the file and record back."""
    from virtool_api.errors import NotFound
    from virtool_api.samples.files import store_reads

    sample, _, auth = await created_sample_job(factory, jobs_client)
    removal = await jobs_client.delete(f"/api/samples/{sample['_id']}", headers=auth)
    assert removal.status == 204

    async def chunks():
        yield FASTQ_GZ

    with pytest.raises(NotFound):
        await store_reads(ctx, sample["_id"], "reads_1.fq.gz", chunks())

    assert await reads_rows(ctx, sample["_id"]) == []
    assert not (data_path(ctx) / "samples" / sample["_id"] / "reads_1.fq.gz").exists()
    assert incoming_files(ctx) == []
