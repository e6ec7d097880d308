"""The job API's sample routes: uploading artifacts (`POST /samples/{id}/artifacts`) and
downloading them (`GET /samples/{id}/artifacts/{name}`) (docs/api.md, "Job API")."""

import json

from tests.support.errors import NOT_FOUND
from tests.support.reads import multipart_file
from tests.support.sample_jobs import (
    ARTIFACT_BYTES,
    artifact_rows,
    assert_timestamp,
    created_sample_job,
    data_path,
    incoming_files,
    raw_request,
    upload_artifact,
)


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
