"""Subtractions: made from an uploaded host genome (public API), built by their create-subtraction job, read
by analysis jobs (job API; docs/api.md, "Job API" and "Subtractions")."""

import asyncio
import gzip

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, multipart_file
from tests.support.references_helpers import upload
from tests.support.sample_jobs import incoming_files
from tests.support.slow_uploads import SlowUpload

HOST_FASTA = gzip.compress(b">chr1 host\n" + b"ACGTTGCA" * 500 + b"\n>chr2\n" + b"GGCCNNAT" * 200 + b"\n")
BOWTIE2 = [
    "subtraction.1.bt2",
    "subtraction.2.bt2",
    "subtraction.3.bt2",
    "subtraction.4.bt2",
    "subtraction.rev.1.bt2",
    "subtraction.rev.2.bt2",
]
GC = {"a": 0.25, "c": 0.25, "g": 0.25, "t": 0.24, "n": 0.01}


def conflict(message: str) -> dict[str, str]:
    return {"id": "conflict", "message": message}


async def create(public_client, admin, name: str = "Vitis vinifera") -> dict:
    upload_id = await upload(public_client, admin[1], HOST_FASTA, "subtraction", "vitis.fa.gz")
    response = await public_client.post(
        "/api/subtractions",
        json={"name": name, "nickname": "Grapevine", "upload_id": upload_id},
        headers=admin[1],
    )
    assert response.status == 201, await response.text()
    return await response.json()


@pytest.fixture
async def creating(public_client, jobs_client, admin):
    """A new subtraction, and the headers of its acquired create-subtraction job."""
    subtraction = await create(public_client, admin)
    return subtraction, await acquire(jobs_client, subtraction["job"]["id"])


async def put_file(client, subtraction_id: str, name: str, auth, data: bytes = b"bytes"):
    return await client.put(
        f"/api/subtractions/{subtraction_id}/files/{name}?name={name}&format=unknown",
        data=multipart_file(data, name),
        headers=auth,
    )


async def finish(client, subtraction_id: str, auth) -> dict:
    for name in ["subtraction.fa.gz", *BOWTIE2]:
        assert (await put_file(client, subtraction_id, name, auth, name.encode())).status == 201
    response = await client.patch(
        f"/api/subtractions/{subtraction_id}", json={"gc": GC, "count": 2}, headers=auth
    )
    assert response.status == 200, await response.text()
    return await response.json()


# Public API


async def test_create_a_subtraction_and_its_job(public_client, ctx, admin):
    subtraction = await create(public_client, admin)

    assert (subtraction["name"], subtraction["nickname"], subtraction["ready"]) == (
        "Vitis vinifera",
        "Grapevine",
        False,
    )
    assert (subtraction["count"], subtraction["gc"], subtraction["files"]) == (None, None, [])
    assert subtraction["file"]["name"] == "vitis.fa.gz"
    assert subtraction["linked_samples"] == []
    assert subtraction["job"]["workflow"] == "create_subtraction"
    job = await ctx.db.jobs.find_one({"_id": subtraction["job"]["id"]})
    assert job["args"] == {"subtraction_id": subtraction["id"], "files": [subtraction["file"]]}


async def test_create_errors(public_client, ctx, factory, admin):
    reads = await upload(public_client, admin[1], FASTQ_GZ, "reads")
    for upload_id in (999, reads):
        response = await public_client.post(
            "/api/subtractions", json={"name": "X", "upload_id": upload_id}, headers=admin[1]
        )
        assert (response.status, await response.json()) == (
            400,
            {"id": "bad_request", "message": "File does not exist"},
        )
    _, person = await factory.person()
    own = await upload(public_client, person, HOST_FASTA, "subtraction")
    response = await public_client.post(
        "/api/subtractions", json={"name": "X", "upload_id": own}, headers=person
    )
    assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)
    response = await public_client.post("/api/subtractions", json={"name": ""}, headers=admin[1])
    assert response.status == 422
    assert sorted((await response.json())["errors"]) == ["name", "upload_id"]
    assert await ctx.db.subtractions.count_documents({}) == 0


async def test_a_subtraction_upload_must_be_gzip(public_client, admin):
    response = await public_client.post(
        "/api/uploads?name=host.fa&type=subtraction", data=multipart_file(b">chr1\nACGT\n"), headers=admin[1]
    )
    assert (response.status, await response.json()) == (
        400,
        {"id": "bad_request", "message": "File is not compressed"},
    )


async def test_get_list_and_linked_samples(public_client, ctx, factory, admin):
    subtraction = await create(public_client, admin)
    sample = await factory.sample(subtractions=[subtraction["id"]])

    response = await public_client.get(f"/api/subtractions/{subtraction['id']}", headers=admin[1])
    assert response.status == 200
    assert (await response.json())["linked_samples"] == [{"id": sample["_id"], "name": sample["name"]}]
    listing = await (await public_client.get("/api/subtractions?ready=false", headers=admin[1])).json()
    assert [s["id"] for s in listing["documents"]] == [subtraction["id"]]
    assert (await (await public_client.get("/api/subtractions?ready=true", headers=admin[1])).json())[
        "documents"
    ] == []
    response = await public_client.get("/api/subtractions/nope", headers=admin[1])
    assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_remove_a_subtraction_still_used_is_409(
    public_client, jobs_client, ctx, factory, admin, creating
):
    subtraction, auth = creating
    await finish(jobs_client, subtraction["id"], auth)
    sample = await factory.sample(subtractions=[subtraction["id"]])
    url = f"/api/subtractions/{subtraction['id']}"

    response = await public_client.delete(url, headers=admin[1])
    assert (response.status, await response.json()) == (
        409,
        conflict("Subtraction is used by samples or analyses"),
    )

    await ctx.db.samples.update_one({"_id": sample["_id"]}, {"$set": {"subtractions": []}})
    await ctx.db.analyses.insert_one({"_id": "a1", "subtractions": [{"id": subtraction["id"], "name": "V"}]})
    response = await public_client.delete(url, headers=admin[1])
    assert (response.status, await response.json()) == (
        409,
        conflict("Subtraction is used by samples or analyses"),
    )

    await ctx.db.analyses.delete_one({"_id": "a1"})
    assert (await public_client.delete(url, headers=admin[1])).status == 204
    assert await ctx.db.subtractions.count_documents({}) == 0
    assert not (ctx.config.data_path / "subtractions" / subtraction["id"]).exists()


async def test_remove_while_its_job_runs_is_409(public_client, admin, creating):
    subtraction, _ = creating
    response = await public_client.delete(f"/api/subtractions/{subtraction['id']}", headers=admin[1])
    assert (response.status, await response.json()) == (409, conflict("Subtraction is still being created"))


# Job API


async def test_the_job_downloads_its_upload_uploads_files_and_finalizes(jobs_client, ctx, creating):
    subtraction, auth = creating

    response = await jobs_client.get(f"/api/uploads/{subtraction['file']['id']}", headers=auth)
    assert response.status == 200
    assert await response.read() == HOST_FASTA

    finalized = await finish(jobs_client, subtraction["id"], auth)

    assert (finalized["ready"], finalized["gc"], finalized["count"]) == (True, GC, 2)
    assert [f["name"] for f in finalized["files"]] == ["subtraction.fa.gz", *BOWTIE2]
    assert {f["type"] for f in finalized["files"]} == {"fasta", "bowtie2"}
    assert (
        finalized["files"][0]["download_url"] == f"/subtractions/{subtraction['id']}/files/subtraction.fa.gz"
    )
    response = await jobs_client.get(
        f"/api/subtractions/{subtraction['id']}/files/subtraction.4.bt2", headers=auth
    )
    assert (response.status, await response.read()) == (200, b"subtraction.4.bt2")


async def test_upload_errors(jobs_client, ctx, creating):
    subtraction, auth = creating

    response = await put_file(jobs_client, subtraction["id"], "subtraction.5.bt2", auth)
    assert (response.status, await response.json()) == (404, NOT_FOUND)
    assert (await put_file(jobs_client, subtraction["id"], "subtraction.fa.gz", auth)).status == 201
    response = await put_file(jobs_client, subtraction["id"], "subtraction.fa.gz", auth, b"again")
    assert (response.status, await response.json()) == (409, conflict("File name already exists"))
    await jobs_client.patch(
        f"/api/subtractions/{subtraction['id']}", json={"gc": GC, "count": 1}, headers=auth
    )
    response = await put_file(jobs_client, subtraction["id"], "subtraction.1.bt2", auth)
    assert (response.status, await response.json()) == (409, conflict("Subtraction is finalized"))
    directory = ctx.config.data_path / "subtractions" / subtraction["id"]
    assert sorted(p.name for p in directory.iterdir()) == ["subtraction.fa.gz"]


async def test_finalize_errors(jobs_client, creating):
    subtraction, auth = creating
    url = f"/api/subtractions/{subtraction['id']}"

    response = await jobs_client.patch(url, json={"gc": {"a": 1}, "count": -1}, headers=auth)
    assert response.status == 422
    assert (await response.json())["message"] == "Invalid input"
    responses = await asyncio.gather(
        *(jobs_client.patch(url, json={"gc": GC, "count": 3}, headers=auth) for _ in range(3))
    )
    assert sorted(response.status for response in responses) == [200, 409, 409]
    response = await jobs_client.patch(url, json={"gc": GC, "count": 3}, headers=auth)
    assert (response.status, await response.json()) == (409, conflict("Subtraction is finalized"))


async def test_delete_errors_and_clean_up(jobs_client, ctx, creating):
    subtraction, auth = creating
    url = f"/api/subtractions/{subtraction['id']}"
    assert (await put_file(jobs_client, subtraction["id"], "subtraction.fa.gz", auth)).status == 201
    await jobs_client.post(
        f"/api/jobs/{subtraction['job']['id']}/status",
        json={"state": "error", "progress": 5, "error": {"type": "E", "traceback": [], "details": []}},
        headers=auth,
    )
    response = await put_file(jobs_client, subtraction["id"], "subtraction.1.bt2", auth)
    assert (response.status, await response.json()) == (409, conflict("Job is finished"))

    assert (await jobs_client.delete(url, headers=auth)).status == 204
    assert await ctx.db.subtractions.count_documents({}) == 0
    assert not (ctx.config.data_path / "subtractions" / subtraction["id"]).exists()
    response = await jobs_client.delete(url, headers=auth)
    assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_a_finalized_subtraction_cannot_be_deleted_by_the_job(jobs_client, creating):
    subtraction, auth = creating
    await finish(jobs_client, subtraction["id"], auth)
    response = await jobs_client.delete(f"/api/subtractions/{subtraction['id']}", headers=auth)
    assert (response.status, await response.json()) == (
        409,
        conflict("Only unfinalized subtractions can be deleted"),
    )


async def test_job_scoping(public_client, jobs_client, factory, admin, creating):
    subtraction, auth = creating
    other = await create(public_client, admin, "Other host")
    analysis = await factory.analysis()
    analysis_auth = await acquire(jobs_client, (await factory.analysis_job(analysis))["_id"])

    # A create-subtraction job touches only its own subtraction and reads only its own upload.
    for response in (
        await jobs_client.get(f"/api/subtractions/{other['id']}", headers=auth),
        await put_file(jobs_client, other["id"], "subtraction.fa.gz", auth),
        await jobs_client.get(f"/api/uploads/{other['file']['id']}", headers=auth),
        # An analysis job reads only the subtractions it names, and writes none.
        await jobs_client.get(f"/api/subtractions/{subtraction['id']}", headers=analysis_auth),
        await put_file(jobs_client, analysis["subtractions"][0]["id"], "subtraction.fa.gz", analysis_auth),
    ):
        assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)
    response = await jobs_client.get(
        f"/api/subtractions/{analysis['subtractions'][0]['id']}", headers=analysis_auth
    )
    assert response.status == 200


async def test_an_analysis_cannot_use_a_subtraction_that_is_not_ready(
    public_client, ctx, factory, admin, creating
):
    subtraction, _ = creating
    sample = await factory.sample(ready=True)
    reference = (await factory.analysis())["reference"]

    response = await public_client.post(
        f"/api/samples/{sample['_id']}/analyses",
        json={
            "workflow": "pathoscope_bowtie",
            "ref_id": reference["id"],
            "subtractions": [subtraction["id"]],
        },
        headers=admin[1],
    )

    assert (response.status, await response.json()) == (
        400,
        {"id": "bad_request", "message": "Subtraction is not ready"},
    )
    assert await ctx.db.analyses.count_documents({"sample.id": sample["_id"]}) == 0


async def test_remove_errors(public_client, factory, admin):
    subtraction = await create(public_client, admin)
    _, person = await factory.person()

    response = await public_client.delete(f"/api/subtractions/{subtraction['id']}", headers=person)
    assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)
    response = await public_client.delete("/api/subtractions/nope", headers=admin[1])
    assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_a_file_still_streaming_when_the_job_finishes_is_refused_and_leaves_nothing(
    jobs_client, ctx, creating
):
    subtraction, auth = creating
    late = await SlowUpload(
        jobs_client,
        "PUT",
        f"/api/subtractions/{subtraction['id']}/files/subtraction.1.bt2",
        auth,
        b"x" * 5000,
    ).start(ctx)

    await jobs_client.post(
        f"/api/jobs/{subtraction['job']['id']}/status",
        json={"state": "cancelled", "progress": 5},
        headers=auth,
    )
    status, body = await late.finish()

    assert (status, body) == (409, conflict("Job is finished"))
    assert incoming_files(ctx) == []
    assert not (ctx.config.data_path / "subtractions" / subtraction["id"] / "subtraction.1.bt2").exists()
