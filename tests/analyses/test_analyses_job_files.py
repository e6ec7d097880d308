"""Job API, analyses route table: the files an analysis job uploads and downloads (docs/api.md, "Job API")."""

import asyncio
import gzip

import pytest

from tests.support.analysis_jobs import (
    FASTA,
    FILE_FIELDS,
    analyses_dir,
    file_rows,
    files_on_disk,
    post_status,
    running_analysis,
    upload,
)
from tests.support.errors import (
    ANALYSIS_FINALIZED,
    INSUFFICIENT_RIGHTS,
    INVALID_FILE_NAME,
    JOB_FINISHED,
    JOB_UNAUTHORIZED,
    NOT_FOUND,
)

UNSUPPORTED_FORMAT = {"id": "bad_request", "message": "Unsupported analysis file format"}


# Upload file


async def test_upload_file(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await upload(jobs_client, analysis["_id"], auth)

    assert response.status == 201
    body = await response.json()
    assert FILE_FIELDS <= body.keys()
    assert body["analysis"] == analysis["_id"]
    assert body["description"] is None
    assert body["format"] == "fasta"
    assert body["name"] == "results.fa"
    assert body["name_on_disk"] == f"{body['id']}-results.fa"
    assert body["size"] == len(FASTA)
    assert body["uploaded_at"].endswith("Z")

    (row,) = await file_rows(ctx, analysis["_id"])
    assert (row.id, row.name, row.name_on_disk, row.format, row.size) == (
        body["id"],
        "results.fa",
        body["name_on_disk"],
        "fasta",
        len(FASTA),
    )
    assert (analyses_dir(ctx) / f"{body['id']}-results.fa").read_bytes() == FASTA
    assert files_on_disk(ctx) == [f"{body['id']}-results.fa"]


async def test_upload_unsupported_format_is_400(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await upload(jobs_client, analysis["_id"], auth, query="name=results.fa&format=xml")

    assert response.status == 400
    assert await response.json() == UNSUPPORTED_FORMAT
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []


async def test_upload_to_analysis_not_in_job_args_is_403(jobs_client, factory, ctx):
    _, _, auth = await running_analysis(factory, jobs_client)
    other = await factory.analysis()

    response = await upload(jobs_client, other["_id"], auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
    assert await file_rows(ctx, other["_id"]) == []
    assert files_on_disk(ctx) == []


async def test_upload_to_deleted_analysis_is_404(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await ctx.db.analyses.delete_one({"_id": analysis["_id"]})

    response = await upload(jobs_client, analysis["_id"], auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []


async def test_upload_same_name_twice_is_409(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    first = await (await upload(jobs_client, analysis["_id"], auth)).json()

    response = await upload(jobs_client, analysis["_id"], auth, data=b">other\nAAAA\n")

    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "File is already associated with analysis"}
    assert [row.id for row in await file_rows(ctx, analysis["_id"])] == [first["id"]]
    assert files_on_disk(ctx) == [first["name_on_disk"]]
    assert (analyses_dir(ctx) / first["name_on_disk"]).read_bytes() == FASTA


async def test_concurrent_uploads_of_the_same_name_store_one_file(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    responses = await asyncio.gather(*(upload(jobs_client, analysis["_id"], auth) for _ in range(3)))

    assert sorted(response.status for response in responses) == [201, 409, 409]
    (row,) = await file_rows(ctx, analysis["_id"])
    assert files_on_disk(ctx) == [row.name_on_disk]
    assert (analyses_dir(ctx) / row.name_on_disk).read_bytes() == FASTA


async def test_upload_without_name_is_422(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await upload(jobs_client, analysis["_id"], auth, query="format=fasta")

    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"]) == ("invalid_query", "Invalid query")
    assert "name" in body["errors"]
    assert files_on_disk(ctx) == []


async def test_upload_infers_format_from_extension(jobs_client, factory):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await upload(jobs_client, analysis["_id"], auth, query="name=results.fa")

    assert response.status == 201
    assert (await response.json())["format"] == "fasta"


async def test_upload_infers_format_of_gzipped_file(jobs_client, factory):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await upload(
        jobs_client, analysis["_id"], auth, data=gzip.compress(b"{}"), query="name=results.json.gz"
    )

    assert response.status == 201
    assert (await response.json())["format"] == "json"


async def test_upload_with_unknown_extension_and_no_format_is_400(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await upload(jobs_client, analysis["_id"], auth, query="name=results.txt")

    assert response.status == 400
    assert await response.json() == UNSUPPORTED_FORMAT
    assert files_on_disk(ctx) == []


async def test_upload_to_finalized_analysis_is_409(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    response = await jobs_client.patch(f"/api/analyses/{analysis['_id']}", json={"results": {}}, headers=auth)
    assert response.status == 200

    response = await upload(jobs_client, analysis["_id"], auth)

    assert response.status == 409
    assert await response.json() == ANALYSIS_FINALIZED
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []


async def test_upload_after_job_complete_is_409(jobs_client, factory, ctx):
    analysis, job, auth = await running_analysis(factory, jobs_client)
    await post_status(jobs_client, job["_id"], auth, state="complete")

    response = await upload(jobs_client, analysis["_id"], auth)

    assert response.status == 409
    assert await response.json() == JOB_FINISHED
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []


async def test_upload_without_authorization_is_401(jobs_client, factory, ctx):
    analysis, _, _ = await running_analysis(factory, jobs_client)

    response = await upload(jobs_client, analysis["_id"], {})

    assert response.status == 401
    assert await response.json() == JOB_UNAUTHORIZED
    assert files_on_disk(ctx) == []


UNSAFE_NAMES = ["../x.fa", "/etc/x.fa", ".hidden.fa", "a/../../x.fa", "..\\x.fa", "a%0Ab.fa"]


@pytest.mark.parametrize("name", UNSAFE_NAMES)
async def test_upload_with_unsafe_name_is_400(jobs_client, factory, ctx, name):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    data_path = ctx.config.data_path
    before = sorted(str(path) for path in data_path.parent.rglob("*") if "db" not in path.parts)

    response = await upload(jobs_client, analysis["_id"], auth, query=f"name={name}&format=fasta")

    assert response.status == 400
    assert await response.json() == INVALID_FILE_NAME
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []
    after = sorted(str(path) for path in data_path.parent.rglob("*") if "db" not in path.parts)
    assert [path for path in after if path not in before and not path.endswith(("-wal", "-shm"))] == []


async def test_upload_with_nul_in_name_is_an_invalid_query(jobs_client, factory, ctx):
    """A NUL is refused with every query string (api/routes.py), before the name is looked at."""
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await upload(jobs_client, analysis["_id"], auth, query="name=a%00b.fa&format=fasta")

    assert response.status == 422
    assert await response.json() == {
        "id": "invalid_query",
        "message": "Invalid query",
        "errors": {"name": ["must not contain NUL characters"]},
    }
    assert await file_rows(ctx, analysis["_id"]) == []
    assert files_on_disk(ctx) == []


# Download file


async def test_download_file(jobs_client, factory):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    uploaded = await (await upload(jobs_client, analysis["_id"], auth)).json()

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}/files/{uploaded['id']}", headers=auth)

    assert response.status == 200
    assert await response.read() == FASTA


async def test_download_gzipped_file_is_sent_as_stored(jobs_client, factory):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    data = gzip.compress(b'{"hits": []}')
    uploaded = await (
        await upload(jobs_client, analysis["_id"], auth, data=data, query="name=results.json.gz")
    ).json()

    response = await jobs_client.get(
        f"/api/analyses/{analysis['_id']}/files/{uploaded['id']}", headers=auth, auto_decompress=False
    )

    assert response.status == 200
    assert "Content-Encoding" not in response.headers
    assert await response.read() == data


async def test_download_unknown_file_is_404(jobs_client, factory):
    analysis, _, auth = await running_analysis(factory, jobs_client)

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}/files/999", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_download_file_of_another_analysis_is_404(jobs_client, factory):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    other, _, other_auth = await running_analysis(factory, jobs_client)
    other_file = await (await upload(jobs_client, other["_id"], other_auth)).json()

    response = await jobs_client.get(
        f"/api/analyses/{analysis['_id']}/files/{other_file['id']}", headers=auth
    )

    assert response.status == 404
    assert await response.json() == NOT_FOUND


@pytest.mark.parametrize("file_id", ["abc", "1a", "-1", "1.0", "%C2%B2", "%EF%BC%91", "9" * 40])
async def test_download_with_non_numeric_file_id_is_404(jobs_client, factory, file_id):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    await upload(jobs_client, analysis["_id"], auth)

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}/files/{file_id}", headers=auth)

    assert response.status == 404
    assert await response.json() == NOT_FOUND


async def test_download_file_missing_from_disk_is_404(jobs_client, factory, ctx):
    analysis, _, auth = await running_analysis(factory, jobs_client)
    uploaded = await (await upload(jobs_client, analysis["_id"], auth)).json()
    (analyses_dir(ctx) / uploaded["name_on_disk"]).unlink()

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}/files/{uploaded['id']}", headers=auth)

    assert response.status == 404
    assert await response.json() == {
        "id": "not_found",
        "message": "Uploaded file not found at expected location",
    }


async def test_download_from_analysis_not_in_job_args_is_403(jobs_client, factory):
    _, _, auth = await running_analysis(factory, jobs_client)
    other, _, other_auth = await running_analysis(factory, jobs_client)
    other_file = await (await upload(jobs_client, other["_id"], other_auth)).json()

    response = await jobs_client.get(f"/api/analyses/{other['_id']}/files/{other_file['id']}", headers=auth)

    assert response.status == 403
    assert await response.json() == INSUFFICIENT_RIGHTS
