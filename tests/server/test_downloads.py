"""Every download route names its file in a `Content-Disposition` no client can misread (RFC 6266).

A stored name may hold `"`, `;` and non-ASCII characters: the header carries an ASCII `filename` with
nothing a lax parser could take for syntax, and the exact name in `filename*` (RFC 8187), which browsers
prefer.
"""

from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.multipart import content_disposition_filename, parse_content_disposition

from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, multipart_file
from virtool_api.api.files import attachment
from virtool_api.uploads.reservations import reserve_uploads

INJECTION = "a\";filename*=UTF-8''evil.exe;x=\".json"
NON_ASCII = "Résumé \u2013 葡萄.json"


def assert_names(header: str, name: str) -> None:
    disposition, params = parse_content_disposition(header)
    assert disposition == "attachment"
    assert content_disposition_filename(params, "filename") == name
    # A lax parser splitting on ";" finds the two filename parameters and nothing else.
    naive = [part.strip().split("=", 1)[0] for part in header.split(";")[1:]]
    assert naive in (["filename"], ["filename", "filename*"]), header
    ascii_fallback = params["filename"]
    assert ascii_fallback.isascii()
    assert not set(ascii_fallback) & set('"\\;=%'), ascii_fallback


def test_a_plain_name_is_a_plain_quoted_filename():
    assert attachment("reads_1.fq.gz") == 'attachment; filename="reads_1.fq.gz"'


def test_a_name_with_quotes_and_semicolons_cannot_inject_a_parameter():
    header = attachment(INJECTION)
    assert header == (
        "attachment; filename=\"a__filename__UTF-8''evil.exe_x__.json\"; "
        f"filename*=UTF-8''{quote(INJECTION, safe='')}"
    )
    assert_names(header, INJECTION)


def test_a_non_ascii_name_has_an_ascii_fallback_and_the_exact_name():
    header = attachment(NON_ASCII)
    assert header.isascii()
    assert 'filename="R_sum_ _ __.json"' in header
    assert_names(header, NON_ASCII)


@pytest.mark.parametrize("name", [INJECTION, NON_ASCII])
async def test_upload_download(public_client, jobs_client, ctx, factory, name: str) -> None:
    user, headers = await factory.person()
    response = await public_client.post(
        "/api/uploads", params={"name": name, "type": "reads"}, data=multipart_file(FASTQ_GZ), headers=headers
    )
    assert response.status == 201, await response.text()
    upload = await response.json()
    assert upload["name"] == name
    files = await reserve_uploads(ctx, user, [upload["id"]], "sample1")
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    await ctx.db.jobs.update_one({"_id": job["_id"]}, {"$set": {"args.files": files}})
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/uploads/{upload['id']}", headers=auth)

    assert response.status == 200
    assert await response.read() == FASTQ_GZ
    assert_names(response.headers["Content-Disposition"], name)


async def uploaded_analysis_file(jobs_client, factory, name: str) -> tuple[dict[str, Any], ...]:  # type: ignore[no-untyped-def]
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/analyses/{analysis['_id']}/files",
        params={"name": name, "format": "json"},
        data=multipart_file(b"{}"),
        headers=auth,
    )
    assert response.status == 201, await response.text()
    uploaded = await response.json()
    assert uploaded["name"] == name
    return analysis, uploaded, auth


@pytest.mark.parametrize("name", [INJECTION, NON_ASCII])
async def test_analysis_file_download_on_the_job_api(jobs_client, factory, name: str) -> None:
    analysis, uploaded, auth = await uploaded_analysis_file(jobs_client, factory, name)

    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}/files/{uploaded['id']}", headers=auth)

    assert response.status == 200
    assert await response.read() == b"{}"
    assert_names(response.headers["Content-Disposition"], name)


@pytest.mark.parametrize("name", [INJECTION, NON_ASCII])
async def test_analysis_file_download_on_the_public_api(public_client, jobs_client, ctx, factory, name: str):
    analysis, uploaded, _ = await uploaded_analysis_file(jobs_client, factory, name)
    _, headers = await factory.person(administrator=True)

    response = await public_client.get(
        f"/api/analyses/{analysis['_id']}/files/{uploaded['id']}", headers=headers
    )

    assert response.status == 200
    assert await response.read() == b"{}"
    assert_names(response.headers["Content-Disposition"], name)


@pytest.mark.parametrize("name", [INJECTION, NON_ASCII])
async def test_artifact_download(jobs_client, factory, name: str) -> None:
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/samples/{sample['_id']}/artifacts",
        params={"name": name, "type": "json"},
        data=multipart_file(b"[]"),
        headers=auth,
    )
    assert response.status == 201, await response.text()

    response = await jobs_client.get(
        f"/api/samples/{sample['_id']}/artifacts/{quote(name, safe='')}", headers=auth
    )

    assert response.status == 200
    assert await response.read() == b"[]"
    assert_names(response.headers["Content-Disposition"], name)


async def test_reads_download(jobs_client, factory) -> None:
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.put(
        f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", data=multipart_file(FASTQ_GZ), headers=auth
    )
    assert response.status == 201, await response.text()

    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=auth)

    assert response.status == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="reads_1.fq.gz"'
