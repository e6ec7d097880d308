"""Indexes over the job API: the build-index job uploads an index's files and finalizes it (or removes it),
analysis jobs read it (docs/api.md, "Job API" and "Indexes")."""

import asyncio

import pytest

from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.index_builds import build, conflict
from tests.support.jobs import acquire
from tests.support.reads import multipart_file
from tests.support.references_helpers import import_reference
from tests.support.sample_jobs import incoming_files
from tests.support.slow_uploads import SlowUpload

BOWTIE2 = [
    "reference.1.bt2",
    "reference.2.bt2",
    "reference.3.bt2",
    "reference.4.bt2",
    "reference.rev.1.bt2",
    "reference.rev.2.bt2",
]


@pytest.fixture
async def building(public_client, jobs_client, admin, reference):
    """A new index, and the headers of its acquired build-index job."""
    index = await build(public_client, admin, reference)
    return index, await acquire(jobs_client, index["job"]["id"])


async def put_file(client, index_id: str, name: str, auth, data: bytes = b"bytes") -> object:
    return await client.put(
        f"/api/indexes/{index_id}/files/{name}?name={name}&format=fasta",
        data=multipart_file(data, name),
        headers=auth,
    )


async def upload_all(client, index_id: str, auth, names) -> None:
    for name in names:
        response = await put_file(client, index_id, name, auth, name.encode())
        assert response.status == 201, await response.text()


async def test_upload_finalize_and_analyses_use_the_new_index(
    public_client, jobs_client, ctx, factory, admin, reference, building
):
    index, auth = building
    await upload_all(jobs_client, index["id"], auth, ["reference.fa.gz", "reference.json.gz", *BOWTIE2])

    response = await jobs_client.patch(f"/api/indexes/{index['id']}", json={}, headers=auth)

    assert response.status == 200
    finalized = await response.json()
    assert (finalized["ready"], finalized["has_files"]) == (True, True)
    assert [f["name"] for f in finalized["files"]] == [
        "otus.json.gz",
        "reference.fa.gz",
        "reference.json.gz",
        *BOWTIE2,
    ]
    types = {f["name"]: f["type"] for f in finalized["files"]}
    assert (types["reference.fa.gz"], types["reference.json.gz"], types["reference.1.bt2"]) == (
        "fasta",
        "json",
        "bowtie2",
    )
    stored = ctx.config.data_path / "indexes" / index["id"] / "reference.rev.2.bt2"
    assert stored.read_bytes() == b"reference.rev.2.bt2"

    reference_now = await (
        await public_client.get(f"/api/references/{reference['id']}", headers=admin[1])
    ).json()
    assert reference_now["latest_index"] == {"id": index["id"], "version": 0}
    # The reference may be built again: version 1, nothing modified since version 0.
    second = await build(public_client, admin, reference)
    assert (second["version"], second["modified_otu_count"]) == (1, 0)


async def test_finalize_needs_the_fasta_then_every_bowtie2_file(jobs_client, building):
    index, auth = building
    url = f"/api/indexes/{index['id']}"

    response = await jobs_client.patch(url, json={}, headers=auth)
    assert (response.status, await response.json()) == (
        409,
        conflict("A FASTA file must be uploaded in order to finalize index"),
    )
    await upload_all(
        jobs_client, index["id"], auth, ["reference.fa.gz", "reference.1.bt2", "reference.rev.1.bt2"]
    )
    response = await jobs_client.patch(url, json={}, headers=auth)
    assert (response.status, await response.json()) == (
        409,
        conflict(
            "Reference requires that all Bowtie2 index files have been uploaded. "
            "Missing files: reference.2.bt2, reference.3.bt2, reference.4.bt2, reference.rev.2.bt2"
        ),
    )
    # reference.json.gz is not required.
    await upload_all(
        jobs_client,
        index["id"],
        auth,
        ["reference.2.bt2", "reference.3.bt2", "reference.4.bt2", "reference.rev.2.bt2"],
    )
    assert (await jobs_client.patch(url, json={}, headers=auth)).status == 200
    response = await jobs_client.patch(url, json={}, headers=auth)
    assert (response.status, await response.json()) == (409, conflict("Index is finalized"))


async def test_racing_finalizes_one_wins(jobs_client, building):
    index, auth = building
    await upload_all(jobs_client, index["id"], auth, ["reference.fa.gz", *BOWTIE2])
    responses = await asyncio.gather(
        *(jobs_client.patch(f"/api/indexes/{index['id']}", json={}, headers=auth) for _ in range(4))
    )
    assert sorted(response.status for response in responses) == [200, 409, 409, 409]


async def test_upload_errors(jobs_client, ctx, building):
    index, auth = building

    response = await put_file(jobs_client, index["id"], "reference.5.bt2", auth)
    assert (response.status, await response.json()) == (
        404,
        {"id": "not_found", "message": "Index file not found"},
    )
    response = await put_file(jobs_client, index["id"], "otus.json.gz", auth)
    assert (response.status, await response.json()) == (409, conflict("File name already exists"))
    assert (await put_file(jobs_client, index["id"], "reference.fa.gz", auth)).status == 201
    response = await put_file(jobs_client, index["id"], "reference.fa.gz", auth, b"other")
    assert (response.status, await response.json()) == (409, conflict("File name already exists"))
    path = ctx.config.data_path / "indexes" / index["id"] / "reference.fa.gz"
    assert path.read_bytes() == b"bytes"
    assert sorted(p.name for p in path.parent.iterdir()) == ["otus.json.gz", "reference.fa.gz"]


async def test_upload_to_an_unknown_index_is_404_and_to_another_jobs_index_403(
    public_client, jobs_client, admin, reference, building
):
    _, auth = building
    other = await import_reference(public_client, admin[1])
    other_index = await build(public_client, admin, other)

    response = await put_file(jobs_client, "nope", "reference.fa.gz", auth)
    assert response.status == 403  # the job may touch only the index in its args
    response = await put_file(jobs_client, other_index["id"], "reference.fa.gz", auth)
    assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)


async def test_a_finished_job_can_change_its_index_no_more_but_may_remove_it(jobs_client, ctx, building):
    index, auth = building
    job_id = index["job"]["id"]
    await jobs_client.post(
        f"/api/jobs/{job_id}/status",
        json={"state": "error", "progress": 50, "error": {"type": "E", "traceback": [], "details": []}},
        headers=auth,
    )
    for response in (
        await put_file(jobs_client, index["id"], "reference.fa.gz", auth),
        await jobs_client.patch(f"/api/indexes/{index['id']}", json={}, headers=auth),
    ):
        assert (response.status, await response.json()) == (409, conflict("Job is finished"))

    response = await jobs_client.delete(f"/api/indexes/{index['id']}", headers=auth)
    assert response.status == 204
    assert await ctx.db.indexes.count_documents({}) == 0
    assert not (ctx.config.data_path / "indexes" / index["id"]).exists()


async def test_delete_errors(jobs_client, building):
    index, auth = building
    await upload_all(jobs_client, index["id"], auth, ["reference.fa.gz", *BOWTIE2])
    await jobs_client.patch(f"/api/indexes/{index['id']}", json={}, headers=auth)

    response = await jobs_client.delete(f"/api/indexes/{index['id']}", headers=auth)
    assert (response.status, await response.json()) == (
        409,
        conflict("Only unfinalized indexes can be deleted"),
    )


async def test_get_and_download(jobs_client, ctx, building):
    index, auth = building

    response = await jobs_client.get(f"/api/indexes/{index['id']}", headers=auth)
    assert response.status == 200
    assert (await response.json())["manifest"] == index["manifest"]

    response = await jobs_client.get(f"/api/indexes/{index['id']}/files/otus.json.gz", headers=auth)
    assert response.status == 200
    assert "Content-Encoding" not in response.headers
    path = ctx.config.data_path / "indexes" / index["id"] / "otus.json.gz"
    assert await response.read() == path.read_bytes()

    for name in ("reference.fa.gz", "nope", "..%2Fotus.json.gz"):
        response = await jobs_client.get(f"/api/indexes/{index['id']}/files/{name}", headers=auth)
        assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_an_analysis_job_reads_only_its_analysis_index(jobs_client, factory, building):
    index, _ = building
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])

    for path in (f"/api/indexes/{index['id']}", f"/api/indexes/{index['id']}/files/otus.json.gz"):
        response = await jobs_client.get(path, headers=auth)
        assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)
    # Nor may it write its own index.
    response = await put_file(jobs_client, analysis["index"]["id"], "reference.fa.gz", auth)
    assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)


async def test_job_api_needs_credentials(jobs_client, building):
    index, _ = building
    response = await jobs_client.get(f"/api/indexes/{index['id']}")
    assert response.status == 401


async def test_racing_uploads_of_one_file_one_wins_and_nothing_is_left_behind(jobs_client, ctx, building):
    index, auth = building
    responses = await asyncio.gather(
        *(put_file(jobs_client, index["id"], "reference.1.bt2", auth, bytes([n]) * 100_000) for n in range(3))
    )

    assert sorted(response.status for response in responses) == [201, 409, 409]
    directory = ctx.config.data_path / "indexes" / index["id"]
    assert sorted(p.name for p in directory.iterdir()) == ["otus.json.gz", "reference.1.bt2"]
    stored = (directory / "reference.1.bt2").read_bytes()
    assert len(stored) == 100_000 and len(set(stored)) == 1


async def test_an_index_removed_meanwhile_is_404_to_its_job(jobs_client, building):
    index, auth = building
    assert (await jobs_client.delete(f"/api/indexes/{index['id']}", headers=auth)).status == 204

    for response in (
        await jobs_client.get(f"/api/indexes/{index['id']}", headers=auth),
        await jobs_client.get(f"/api/indexes/{index['id']}/files/otus.json.gz", headers=auth),
        await put_file(jobs_client, index["id"], "reference.fa.gz", auth),
        await jobs_client.patch(f"/api/indexes/{index['id']}", json={}, headers=auth),
        await jobs_client.delete(f"/api/indexes/{index['id']}", headers=auth),
    ):
        assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_a_finished_build_job_reads_its_index_no_more(jobs_client, building):
    index, auth = building
    await jobs_client.post(
        f"/api/jobs/{index['job']['id']}/status",
        json={"state": "cancelled", "progress": 10},
        headers=auth,
    )

    for path in (f"/api/indexes/{index['id']}", f"/api/indexes/{index['id']}/files/otus.json.gz"):
        response = await jobs_client.get(path, headers=auth)
        assert (response.status, await response.json()) == (409, conflict("Job is finished"))


async def test_a_file_still_streaming_when_the_index_is_finalized_is_refused_and_leaves_nothing(
    jobs_client, ctx, building
):
    index, auth = building
    await upload_all(jobs_client, index["id"], auth, ["reference.fa.gz", *BOWTIE2])
    late = await SlowUpload(
        jobs_client, "PUT", f"/api/indexes/{index['id']}/files/reference.json.gz", auth, b"x" * 5000
    ).start(ctx)

    assert (await jobs_client.patch(f"/api/indexes/{index['id']}", json={}, headers=auth)).status == 200
    status, body = await late.finish()

    assert (status, body) == (409, conflict("Index is finalized"))
    assert not (ctx.config.data_path / "indexes" / index["id"] / "reference.json.gz").exists()
    assert incoming_files(ctx) == []
    response = await jobs_client.get(f"/api/indexes/{index['id']}", headers=auth)
    assert "reference.json.gz" not in [f["name"] for f in (await response.json())["files"]]
