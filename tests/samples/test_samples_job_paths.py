"""The job API's sample routes: no sample id, reads file name or artifact name, however escaped,
reaches a file outside the sample's directory (docs/api.md, "Job API")."""

import json
from pathlib import Path

from tests.support.errors import INVALID_FILE_NAME
from tests.support.reads import FASTQ_GZ, QUALITY
from tests.support.sample_jobs import (
    ARTIFACT_BYTES,
    BOUNDARY,
    artifact_rows,
    created_sample_job,
    data_path,
    incoming_files,
    raw_request,
    reads_rows,
    upload_reads,
)


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


def assert_json_error(status: int, headers: dict[str, str], payload: bytes, allowed: set[int]) -> dict:
    assert status in allowed, (status, payload)
    assert headers["content-type"].startswith("application/json"), headers
    body = json.loads(payload)
    assert isinstance(body["id"], str) and isinstance(body["message"], str)
    assert "Traceback" not in body["message"]
    return body


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
