"""Uploads: the public route table, the job API download, and reserving uploads for a sample."""

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, multipart_file
from virtool_api.errors import BadRequest, Conflict
from virtool_api.jobs.service import create_job
from virtool_api.server.auth import PUBLIC_CREDENTIALS_HINT
from virtool_api.uploads.reservations import release_uploads, reserve_uploads
from virtool_api.uploads.tables import Upload


async def upload_rows(ctx) -> list[Upload]:  # type: ignore[no-untyped-def]
    async with ctx.sessions() as session:
        return list((await session.scalars(select(Upload).order_by(Upload.id))).all())


def files_in_uploads(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(path.name for path in ctx.files.uploads_dir().iterdir())


async def post_upload(client, headers, data: bytes = FASTQ_GZ, name: str = "reads.fq.gz") -> Any:  # type: ignore[no-untyped-def]
    return await client.post(
        "/api/uploads", params={"name": name, "type": "reads"}, data=multipart_file(data), headers=headers
    )


@pytest.fixture
async def uploader(factory):  # type: ignore[no-untyped-def]
    return await factory.person()


async def test_upload_streams_the_file_and_records_it(public_client, ctx, uploader) -> None:
    user, headers = uploader
    response = await post_upload(public_client, headers)
    assert response.status == 201
    body = await response.json()
    assert body["name"] == "reads.fq.gz"
    assert body["name_on_disk"] == f"{body['id']}-reads.fq.gz"
    assert body["size"] == len(FASTQ_GZ)
    assert body["type"] == "reads"
    assert body["user"] == {"id": user["_id"], "handle": user["handle"]}
    assert body["reserved"] is False
    assert response.headers["Location"] == f"/api/uploads/{body['id']}"

    assert ctx.files.upload_path(body["name_on_disk"]).read_bytes() == FASTQ_GZ
    assert files_in_uploads(ctx) == [body["name_on_disk"]]
    [row] = await upload_rows(ctx)
    assert (row.id, row.user, row.size, row.reserved, row.removed) == (
        body["id"],
        user["_id"],
        len(FASTQ_GZ),
        False,
        False,
    )


async def test_upload_not_gzip_leaves_nothing(public_client, ctx, uploader) -> None:
    _, headers = uploader
    response = await post_upload(public_client, headers, data=b"@r1\nACGT\n+\nIIII\n")
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "File is not compressed"}
    assert await upload_rows(ctx) == []
    assert files_in_uploads(ctx) == []


async def test_upload_unsupported_type(public_client, ctx, uploader) -> None:
    _, headers = uploader
    response = await public_client.post(
        "/api/uploads",
        params={"name": "x.fa", "type": "genome"},
        data=multipart_file(b">a\nACGT\n"),
        headers=headers,
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Unsupported upload type"}
    assert files_in_uploads(ctx) == []


@pytest.mark.parametrize("name", ["../escape.fq.gz", ".hidden.fq.gz", "a/b.fq.gz"])
async def test_upload_invalid_file_name(public_client, ctx, uploader, name: str) -> None:
    _, headers = uploader
    response = await post_upload(public_client, headers, name=name)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid file name"}
    assert files_in_uploads(ctx) == []


async def test_upload_without_name_is_an_invalid_query(public_client, uploader) -> None:
    _, headers = uploader
    response = await public_client.post("/api/uploads", data=multipart_file(FASTQ_GZ), headers=headers)
    assert response.status == 422
    body = await response.json()
    assert (body["id"], body["message"], list(body["errors"])) == ("invalid_query", "Invalid query", ["name"])


async def test_upload_requires_authorization(public_client, ctx) -> None:
    response = await post_upload(public_client, {})
    assert response.status == 401
    assert await response.json() == {
        "id": "requires_authorization",
        "message": "Requires authorization",
        "hint": PUBLIC_CREDENTIALS_HINT,
    }
    assert files_in_uploads(ctx) == []


async def test_aborted_upload_leaves_nothing(public_client, ctx, uploader) -> None:
    """The client goes away mid-body: no record, no file, no temporary."""
    _, headers = uploader
    boundary = "xyzboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.fq.gz"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    host, port = public_client.server.host, public_client.server.port
    _, writer = await asyncio.open_connection(host, port)
    request = (
        f"POST /api/uploads?name=r.fq.gz HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {headers['X-API-Key']}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 10000000\r\n\r\n"
    ).encode()
    writer.write(request + head + FASTQ_GZ[:40])
    await writer.drain()
    for _ in range(50):
        await asyncio.sleep(0.05)
        if files_in_uploads(ctx):
            break
    assert [name.startswith(".incoming-") for name in files_in_uploads(ctx)] == [True]
    writer.close()
    await writer.wait_closed()
    for _ in range(50):
        await asyncio.sleep(0.05)
        if not files_in_uploads(ctx):
            break
    assert files_in_uploads(ctx) == []
    assert await upload_rows(ctx) == []


async def test_find_uploads_shows_the_callers_own(public_client, factory, uploader) -> None:
    _, headers = uploader
    _, other_headers = await factory.person()
    _, admin_headers = await factory.person(administrator=True)
    for name in ("a.fq.gz", "b.fq.gz"):
        assert (await post_upload(public_client, headers, name=name)).status == 201
    assert (await post_upload(public_client, other_headers, name="c.fq.gz")).status == 201

    mine = await (await public_client.get("/api/uploads", headers=headers)).json()
    assert [document["name"] for document in mine["documents"]] == ["b.fq.gz", "a.fq.gz"]
    assert (mine["found_count"], mine["total_count"], mine["page"], mine["page_count"]) == (2, 2, 1, 1)

    everyone = await (await public_client.get("/api/uploads", headers=admin_headers)).json()
    assert sorted(document["name"] for document in everyone["documents"]) == ["a.fq.gz", "b.fq.gz", "c.fq.gz"]


async def test_find_uploads_paginates(public_client, uploader) -> None:
    _, headers = uploader
    for index in range(3):
        assert (await post_upload(public_client, headers, name=f"{index}.fq.gz")).status == 201
    body = await (await public_client.get("/api/uploads?per_page=2&page=2", headers=headers)).json()
    assert [document["name"] for document in body["documents"]] == ["0.fq.gz"]
    assert (body["found_count"], body["total_count"], body["page"], body["page_count"], body["per_page"]) == (
        3,
        3,
        2,
        2,
        2,
    )
    response = await public_client.get("/api/uploads?per_page=101", headers=headers)
    assert response.status == 422


async def test_remove_upload(public_client, ctx, uploader) -> None:
    _, headers = uploader
    upload = await (await post_upload(public_client, headers)).json()
    response = await public_client.delete(f"/api/uploads/{upload['id']}", headers=headers)
    assert response.status == 204
    assert await upload_rows(ctx) == []
    assert files_in_uploads(ctx) == []
    response = await public_client.delete(f"/api/uploads/{upload['id']}", headers=headers)
    assert response.status == 404
    assert await response.json() == {"id": "not_found", "message": "Not found"}


async def test_remove_someone_elses_upload(public_client, ctx, factory, uploader) -> None:
    _, headers = uploader
    _, stranger_headers = await factory.person()
    _, admin_headers = await factory.person(administrator=True)
    upload = await (await post_upload(public_client, headers)).json()
    response = await public_client.delete(f"/api/uploads/{upload['id']}", headers=stranger_headers)
    assert response.status == 403
    assert await response.json() == {"id": "insufficient_rights", "message": "Insufficient rights"}
    assert files_in_uploads(ctx) == [upload["name_on_disk"]]
    response = await public_client.delete(f"/api/uploads/{upload['id']}", headers=admin_headers)
    assert response.status == 204
    assert files_in_uploads(ctx) == []


async def test_remove_reserved_upload_conflicts(public_client, ctx, uploader) -> None:
    user, headers = uploader
    upload = await (await post_upload(public_client, headers)).json()
    await reserve_uploads(ctx, user, [upload["id"]], "sample1")
    response = await public_client.delete(f"/api/uploads/{upload['id']}", headers=headers)
    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Upload is reserved by a sample"}
    assert files_in_uploads(ctx) == [upload["name_on_disk"]]
    [row] = await upload_rows(ctx)
    assert (row.reserved, row.removed) == (True, False)

    await release_uploads(ctx, "sample1")
    assert (await public_client.delete(f"/api/uploads/{upload['id']}", headers=headers)).status == 204


async def test_remove_unknown_upload(public_client, uploader) -> None:
    _, headers = uploader
    for upload_id in ("999", "abc"):
        response = await public_client.delete(f"/api/uploads/{upload_id}", headers=headers)
        assert response.status == 404


async def test_reserve_uploads(public_client, ctx, uploader) -> None:
    user, headers = uploader
    first = await (await post_upload(public_client, headers, name="r1.fq.gz")).json()
    second = await (await post_upload(public_client, headers, name="r2.fq.gz")).json()
    reserved = await reserve_uploads(ctx, user, [second["id"], first["id"]], "sample1")
    assert reserved == [
        {"id": second["id"], "name": "r2.fq.gz", "size": len(FASTQ_GZ)},
        {"id": first["id"], "name": "r1.fq.gz", "size": len(FASTQ_GZ)},
    ]
    assert [row.reserved for row in await upload_rows(ctx)] == [True, True]


async def test_reserve_an_already_reserved_upload(public_client, ctx, uploader) -> None:
    """All or none: one file already held means the other stays free too."""
    user, headers = uploader
    first = await (await post_upload(public_client, headers, name="r1.fq.gz")).json()
    second = await (await post_upload(public_client, headers, name="r2.fq.gz")).json()
    await reserve_uploads(ctx, user, [first["id"]], "sample1")
    with pytest.raises(Conflict, match="File is already reserved"):
        await reserve_uploads(ctx, user, [second["id"], first["id"]], "sample1")
    assert [row.reserved for row in await upload_rows(ctx)] == [True, False]


async def test_two_samples_racing_for_one_upload(public_client, ctx, uploader) -> None:
    user, headers = uploader
    upload = await (await post_upload(public_client, headers)).json()
    outcomes = await asyncio.gather(
        *(reserve_uploads(ctx, user, [upload["id"]], f"sample{n}") for n in range(5)), return_exceptions=True
    )
    assert sum(isinstance(outcome, list) for outcome in outcomes) == 1
    assert all(isinstance(outcome, (list, Conflict)) for outcome in outcomes)


async def test_reserve_unknown_removed_or_foreign_uploads(public_client, ctx, factory, uploader) -> None:
    user, headers = uploader
    stranger, _ = await factory.person()
    admin, _ = await factory.person(administrator=True)
    upload = await (await post_upload(public_client, headers)).json()
    removed = await (await post_upload(public_client, headers, name="gone.fq.gz")).json()
    assert (await public_client.delete(f"/api/uploads/{removed['id']}", headers=headers)).status == 204

    for caller, ids in ((user, [upload["id"], 999]), (user, [removed["id"]]), (stranger, [upload["id"]])):
        with pytest.raises(BadRequest, match="File does not exist"):
            await reserve_uploads(ctx, caller, ids, "sample1")
    assert [row.reserved for row in await upload_rows(ctx)] == [False]
    assert await reserve_uploads(ctx, admin, [upload["id"]], "sample1") == [
        {"id": upload["id"], "name": "reads.fq.gz", "size": len(FASTQ_GZ)}
    ]


async def create_sample_job(ctx, factory, files: list[dict[str, Any]]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    sample = await factory.sample()
    return await create_job(
        ctx, "create_sample", {"sample_id": sample["_id"], "files": files}, await factory.user()
    )


async def test_job_downloads_its_upload(public_client, jobs_client, ctx, factory, uploader) -> None:
    user, headers = uploader
    upload = await (await post_upload(public_client, headers)).json()
    files = await reserve_uploads(ctx, user, [upload["id"]], "sample1")
    job = await create_sample_job(ctx, factory, files)
    job_headers = await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/uploads/{upload['id']}", headers=job_headers)
    assert response.status == 200
    assert await response.read() == FASTQ_GZ
    assert "Content-Encoding" not in response.headers


async def test_other_job_cannot_download_an_upload(
    public_client, jobs_client, ctx, factory, uploader
) -> None:
    user, headers = uploader
    upload = await (await post_upload(public_client, headers)).json()
    other = await (await post_upload(public_client, headers, name="other.fq.gz")).json()
    files = await reserve_uploads(ctx, user, [other["id"]], "sample1")
    job = await create_sample_job(ctx, factory, files)
    job_headers = await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/uploads/{upload['id']}", headers=job_headers)
    assert response.status == 403
    assert await response.json() == {"id": "insufficient_rights", "message": "Insufficient rights"}


async def test_job_download_of_a_missing_upload(jobs_client, ctx, factory) -> None:
    job = await create_sample_job(ctx, factory, [{"id": 41, "name": "gone.fq.gz", "size": 1}])
    job_headers = await acquire(jobs_client, job["_id"])
    response = await jobs_client.get("/api/uploads/41", headers=job_headers)
    assert response.status == 404
    assert await response.json() == {"id": "not_found", "message": "Not found"}


async def test_job_download_requires_job_credentials(public_client, jobs_client, uploader) -> None:
    _, headers = uploader
    upload = await (await post_upload(public_client, headers)).json()
    response = await jobs_client.get(f"/api/uploads/{upload['id']}", headers=headers)
    assert response.status == 401
