"""Indexes: an administrator builds one (public API), its build-index job uploads and finalizes it, analysis
jobs read it (job API; docs/api.md, "Job API" and "Indexes")."""

import asyncio
import gzip
import json
from datetime import timedelta

import pytest

from tests.conftest import acquire, multipart_file
from tests.support.errors import INSUFFICIENT_RIGHTS, NOT_FOUND
from tests.support.references_helpers import REFERENCE_EXPORT, import_reference
from virtool_api.utils import utc_now

BOWTIE2 = [
    "reference.1.bt2",
    "reference.2.bt2",
    "reference.3.bt2",
    "reference.4.bt2",
    "reference.rev.1.bt2",
    "reference.rev.2.bt2",
]


def conflict(message: str) -> dict[str, str]:
    return {"id": "conflict", "message": message}


@pytest.fixture
async def reference(public_client, admin):
    return await import_reference(public_client, admin[1])


async def build(public_client, admin, reference) -> dict:
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 201, await response.text()
    return await response.json()


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


# Public API: building and reading


async def test_building_an_index_makes_the_next_version_its_otus_file_and_its_job(
    public_client, ctx, admin, reference
):
    index = await build(public_client, admin, reference)

    assert (index["version"], index["ready"], index["has_files"]) == (0, False, False)
    assert index["reference"] == {"id": reference["id"], "name": reference["name"], "data_type": "genome"}
    assert len(index["manifest"]) == 25 and set(index["manifest"].values()) == {0}
    assert [f["name"] for f in index["files"]] == ["otus.json.gz"]
    assert index["files"][0]["type"] == "json"
    assert index["files"][0]["download_url"] == f"/indexes/{index['id']}/files/otus.json.gz"
    assert index["job"]["workflow"] == "build_index" and index["job"]["state"] == "waiting"
    assert (index["modified_otu_count"], index["change_count"]) == (25, 25)
    job = await ctx.db.jobs.find_one({"_id": index["job"]["id"]})
    assert job["args"] == {
        "ref_id": reference["id"],
        "index_id": index["id"],
        "index_version": 0,
        "manifest": index["manifest"],
    }


async def test_the_otus_file_is_the_references_otus_keyed_as_runners_read_them(
    public_client, ctx, admin, reference
):
    index = await build(public_client, admin, reference)

    path = ctx.config.data_path / "indexes" / index["id"] / "otus.json.gz"
    otus = json.loads(gzip.decompress(path.read_bytes()))

    assert len(otus) == 25
    assert set(otus[0]) >= {"_id", "name", "abbreviation", "version", "isolates"}
    assert set(otus[0]["isolates"][0]) >= {"id", "default", "source_type", "source_name", "sequences"}
    assert set(otus[0]["isolates"][0]["sequences"][0]) >= {
        "_id",
        "accession",
        "definition",
        "segment",
        "sequence",
    }
    assert {otu["_id"] for otu in otus} == set(index["manifest"])
    assert sum(len(i["sequences"]) for otu in otus for i in otu["isolates"]) == 120


def exportable_otu(otu: dict) -> dict:
    """What the real build-index workflow (virtool/workflow-build-index) makes of each OTU of `otus.json.gz`
    for its `reference.json.gz`: it indexes these keys directly, so a missing one fails the job."""
    return {
        "_id": otu.get("remote", {}).get("id", otu["_id"]),
        **{key: otu[key] for key in ("name", "abbreviation", "schema")},
        "isolates": [
            {
                **{key: isolate[key] for key in ("id", "source_type", "source_name", "default")},
                "sequences": [
                    {
                        "_id": sequence["_id"],
                        **{key: sequence[key] for key in ("accession", "definition", "host", "sequence")},
                        **{key: sequence.get(key) for key in ("segment", "target")},
                    }
                    for sequence in isolate["sequences"]
                ],
            }
            for isolate in otu["isolates"]
        ],
    }


async def otus_file(public_client, ctx, admin, reference) -> list[dict]:
    index = await build(public_client, admin, reference)
    path = ctx.config.data_path / "indexes" / index["id"] / "otus.json.gz"
    return json.loads(gzip.decompress(path.read_bytes()))


async def test_every_otu_is_served_whole_with_its_schema_as_build_index_runners_read_it(
    public_client, ctx, admin, reference
):
    export = {otu["name"]: otu for otu in json.loads(gzip.decompress(REFERENCE_EXPORT))["otus"]}
    otus = await otus_file(public_client, ctx, admin, reference)

    exportable = [exportable_otu(otu) for otu in otus]
    assert len(exportable) == 25
    for otu in exportable:
        source = export[otu["name"]]
        assert otu["schema"] == source["schema"]
        assert otu["abbreviation"] == source["abbreviation"]
        assert [isolate["id"] for isolate in otu["isolates"]] == [i["id"] for i in source["isolates"]]
        assert [s["accession"] for i in otu["isolates"] for s in i["sequences"]] == [
            s["accession"] for i in source["isolates"] for s in i["sequences"]
        ]
    assert export["Cucumber mosaic virus"]["schema"] == [
        {"name": "RNA 1", "molecule": "ssRNA+", "required": True},
        {"name": "RNA 2", "molecule": "ssRNA+", "required": True},
        {"name": "RNA 3", "molecule": "ssRNA+", "required": True},
    ]
    # Whole, as stored: the server's own fields too.
    stored = await ctx.db.otus.find_one({"_id": otus[0]["_id"]})
    assert set(otus[0]) == set(stored)
    assert otus[0]["reference"] == {"id": reference["id"]}


async def test_fields_an_export_carried_beyond_ours_are_kept_and_served(public_client, ctx, admin):
    document = json.loads(gzip.decompress(REFERENCE_EXPORT))
    tmv = document["otus"][0]
    tmv.update(taxid=12242, remote={"id": "r-tmv"}, issues=None)
    tmv["isolates"][0]["note"] = {"curated": True}
    tmv["isolates"][0]["sequences"][0]["target"] = "RdRp"
    del document["otus"][1]["schema"]
    reference = await import_reference(public_client, admin[1], gzip.compress(json.dumps(document).encode()))

    otus = {otu["name"]: otu for otu in await otus_file(public_client, ctx, admin, reference)}

    served = otus["Tobacco mosaic virus"]
    assert (served["taxid"], served["remote"], served["issues"]) == (12242, {"id": "r-tmv"}, None)
    assert served["isolates"][0]["note"] == {"curated": True}
    assert served["isolates"][0]["sequences"][0]["target"] == "RdRp"
    assert otus[document["otus"][1]["name"]]["schema"] == []
    assert exportable_otu(served)["_id"] == "r-tmv"
    assert exportable_otu(served)["isolates"][0]["sequences"][0]["target"] == "RdRp"


async def test_a_second_build_waits_for_the_first(public_client, jobs_client, admin, reference):
    first = await build(public_client, admin, reference)

    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 409
    assert await response.json() == conflict("An index is already being built for this reference")

    # Its job fails: the reference may be built again, with the next version.
    auth = await acquire(jobs_client, first["job"]["id"])
    await jobs_client.post(
        f"/api/jobs/{first['job']['id']}/status",
        json={"state": "error", "progress": 10, "error": {"type": "X", "traceback": [], "details": []}},
        headers=auth,
    )
    assert (await build(public_client, admin, reference))["version"] == 1


async def test_racing_builds_one_wins(public_client, ctx, admin, reference):
    responses = await asyncio.gather(
        *(
            public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
            for _ in range(4)
        )
    )
    assert sorted(response.status for response in responses) == [201, 409, 409, 409]
    assert await ctx.db.indexes.count_documents({}) == 1


async def test_build_errors(public_client, ctx, factory, admin):
    _, person = await factory.person()
    empty = await (
        await public_client.post("/api/references", json={"name": "Empty"}, headers=admin[1])
    ).json()

    response = await public_client.post("/api/references/nope/indexes", headers=admin[1])
    assert (response.status, await response.json()) == (404, NOT_FOUND)
    response = await public_client.post(f"/api/references/{empty['id']}/indexes", headers=admin[1])
    assert (response.status, await response.json()) == (
        400,
        {"id": "bad_request", "message": "Reference has no OTUs"},
    )
    response = await public_client.post(f"/api/references/{empty['id']}/indexes", headers=person)
    assert (response.status, await response.json()) == (403, INSUFFICIENT_RIGHTS)
    assert await ctx.db.indexes.count_documents({}) == 0
    assert await ctx.db.jobs.count_documents({}) == 0


async def test_list_and_get_indexes(public_client, admin, reference):
    index = await build(public_client, admin, reference)

    listing = await (
        await public_client.get(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    ).json()
    assert [(i["id"], i["version"], i["ready"]) for i in listing["documents"]] == [(index["id"], 0, False)]
    assert listing["documents"][0]["job"]["id"] == index["job"]["id"]

    response = await public_client.get(f"/api/indexes/{index['id']}", headers=admin[1])
    assert response.status == 200
    assert (await response.json())["files"] == index["files"]
    for path in ("/api/indexes/nope", "/api/references/nope/indexes"):
        response = await public_client.get(path, headers=admin[1])
        assert (response.status, await response.json()) == (404, NOT_FOUND)


# Job API: the build-index job


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
    from tests.uploads.test_late_uploads import SlowUpload, incoming_files

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


async def test_a_claim_whose_index_is_still_being_created_holds_until_it_is_old(
    public_client, ctx, admin, reference
):
    # Another request has claimed the build and not yet stored its index: a second build waits (409) ...
    claim = {"building_index": "notyetmade", "building_index_claimed_at": utc_now()}
    await ctx.db.references.update_one({"_id": reference["id"]}, {"$set": claim})
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 409
    # ... unless the claim is older than any creation takes: its request died half-way; the build goes on.
    dead = {"building_index_claimed_at": utc_now() - timedelta(minutes=11)}
    await ctx.db.references.update_one({"_id": reference["id"]}, {"$set": dead})
    response = await public_client.post(f"/api/references/{reference['id']}/indexes", headers=admin[1])
    assert response.status == 201, await response.text()
