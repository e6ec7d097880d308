"""A lab's whole day through both APIs, over HTTP only.

Upload reads, create a sample, the create-sample job imports and finalizes it, a reference is imported and its
index built, a subtraction made, a NuVs analysis is started, its job uploads a result and finalizes it, a
person reads the result, asks for a BLAST and removes the analysis.
Each step asserts what a person or a job would see.
"""

import gzip
from dataclasses import replace

import pytest

from tests.support.jobs import acquire
from tests.support.reads import QUALITY, multipart_file
from tests.support.references_helpers import import_reference
from tests.support.references_helpers import upload as upload_file
from virtool_api.server.app import create_jobs_app, create_public_app

READS = gzip.compress(b"@r1\nACGTACGTACGTACGTACGT\n+\nIIIIIIIIIIIIIIIIIIII\n" * 200)
INDEX_FILES = ["reference.fa.gz", *(f"reference.{n}.bt2" for n in ("1", "2", "3", "4", "rev.1", "rev.2"))]
CONTIG = "ATGGCTTCTAGTTTCGATCCGAAAGGCTTCAGCATCGGAGCTACGTGA" * 4


@pytest.fixture
async def clients(ctx, aiohttp_client):  # type: ignore[no-untyped-def]
    # A BLAST backend that fails to start is fine here: the flow checks the BLAST request, not NCBI.
    config = replace(
        ctx.config, blast_ncbi_url="http://127.0.0.1:9/unreachable", blast_min_request_interval=0
    )
    shared = replace(ctx, config=config)
    public = await aiohttp_client(create_public_app(shared))
    jobs = await aiohttp_client(create_jobs_app(shared, watch_timeouts=False))
    return public, jobs


async def test_from_upload_to_analysis_result(clients, factory, ctx):
    public, jobs = clients
    _, admin = await factory.person(administrator=True)

    # A person uploads reads and creates a sample from them.
    form = multipart_file(READS, "reads_1.fq.gz")
    response = await public.post("/api/uploads?name=reads_1.fq.gz&type=reads", data=form, headers=admin)
    assert response.status == 201, await response.text()
    upload = await response.json()

    response = await public.post(
        "/api/samples", json={"name": "Vine 12", "host": "Vine", "files": [upload["id"]]}, headers=admin
    )
    assert response.status == 201, await response.text()
    sample = await response.json()
    assert response.headers["Location"] == f"/api/samples/{sample['id']}"
    assert (sample["ready"], sample["status"]) == (False, "awaiting_data")
    job_id = sample["job"]["id"]

    # The create-sample job acquires its job, fetches the upload, stores the reads and finalizes the sample.
    job_auth = await acquire(jobs, job_id)
    job = await (await jobs.get(f"/api/jobs/{job_id}", headers=job_auth)).json()
    assert job["workflow"] == "create_sample"
    assert job["args"] == {
        "sample_id": sample["id"],
        "files": [{"id": upload["id"], "name": "reads_1.fq.gz", "size": len(READS)}],
    }
    response = await jobs.post(
        f"/api/jobs/{job_id}/status", json={"state": "running", "progress": 10}, headers=job_auth
    )
    assert response.status == 201
    assert (await (await public.get(f"/api/samples/{sample['id']}", headers=admin)).json())[
        "status"
    ] == "importing"

    response = await jobs.get(f"/api/uploads/{upload['id']}", headers=job_auth)
    assert response.status == 200
    assert await response.read() == READS
    response = await jobs.put(
        f"/api/samples/{sample['id']}/reads/reads_1.fq.gz", data=multipart_file(READS), headers=job_auth
    )
    assert response.status == 201, await response.text()
    response = await jobs.patch(f"/api/samples/{sample['id']}", json={"quality": QUALITY}, headers=job_auth)
    assert response.status == 200, await response.text()
    response = await jobs.post(
        f"/api/jobs/{job_id}/status", json={"state": "complete", "progress": 100}, headers=job_auth
    )
    assert response.status == 201

    sample = await (await public.get(f"/api/samples/{sample['id']}", headers=admin)).json()
    assert (sample["ready"], sample["status"]) == (True, "available")
    assert [(reads["name"], reads["size"]) for reads in sample["reads"]] == [("reads_1.fq.gz", len(READS))]

    # An administrator imports the plant-virus reference and builds its index; its build-index job uploads the
    # files and finalizes it. A host genome becomes a subtraction the same way. A person then starts NuVs.
    reference = await import_reference(public, admin)
    response = await public.post(f"/api/references/{reference['id']}/indexes", headers=admin)
    assert response.status == 201, await response.text()
    index = await response.json()
    index_auth = await acquire(jobs, index["job"]["id"])
    for name in INDEX_FILES:
        response = await jobs.put(
            f"/api/indexes/{index['id']}/files/{name}", data=multipart_file(name.encode()), headers=index_auth
        )
        assert response.status == 201, await response.text()
    assert (await jobs.patch(f"/api/indexes/{index['id']}", json={}, headers=index_auth)).status == 200

    host = await upload_file(public, admin, gzip.compress(b">chr1\nACGT\n"), "subtraction", "vitis.fa.gz")
    response = await public.post(
        "/api/subtractions", json={"name": "Vitis", "upload_id": host}, headers=admin
    )
    assert response.status == 201, await response.text()
    subtraction = await response.json()
    subtraction_auth = await acquire(jobs, subtraction["job"]["id"])
    gc = {"gc": {"a": 0.25, "c": 0.25, "g": 0.25, "t": 0.25, "n": 0.0}, "count": 1}
    response = await jobs.patch(f"/api/subtractions/{subtraction['id']}", json=gc, headers=subtraction_auth)
    assert response.status == 200, await response.text()
    response = await public.post(
        f"/api/samples/{sample['id']}/analyses",
        json={"workflow": "nuvs", "ref_id": reference["id"], "subtractions": [subtraction["id"]]},
        headers=admin,
    )
    assert response.status == 201, await response.text()
    analysis = await response.json()
    assert analysis["ready"] is False
    assert analysis["subtractions"] == [{"id": subtraction["id"], "name": "Vitis"}]

    # A running analysis cannot be removed or BLASTed.
    response = await public.delete(f"/api/analyses/{analysis['id']}", headers=admin)
    assert (response.status, (await response.json())["message"]) == (409, "Analysis is still running")

    # The NuVs job reads its analysis and sample, downloads the reads, uploads a result and finalizes.
    analysis_job_id = analysis["job"]["id"]
    analysis_auth = await acquire(jobs, analysis_job_id)
    response = await jobs.get(f"/api/analyses/{analysis['id']}", headers=analysis_auth)
    assert response.status == 200
    response = await jobs.get(f"/api/samples/{sample['id']}/reads/reads_1.fq.gz", headers=analysis_auth)
    assert await response.read() == READS
    response = await jobs.post(
        f"/api/analyses/{analysis['id']}/files?name=assembly.fa&format=fasta",
        data=multipart_file(f">contig_0\n{CONTIG}\n".encode()),
        headers=analysis_auth,
    )
    assert response.status == 201, await response.text()
    analysis_file = await response.json()
    results = {"hits": [{"index": 0, "sequence": CONTIG, "orfs": []}]}
    response = await jobs.patch(
        f"/api/analyses/{analysis['id']}", json={"results": results}, headers=analysis_auth
    )
    assert response.status == 200
    await jobs.post(
        f"/api/jobs/{analysis_job_id}/status",
        json={"state": "complete", "progress": 100},
        headers=analysis_auth,
    )

    # The person reads the result, with the file, and downloads it.
    result = await (await public.get(f"/api/analyses/{analysis['id']}", headers=admin)).json()
    assert result["ready"] is True
    assert result["results"]["hits"][0]["sequence"] == CONTIG
    assert result["results"]["hits"][0]["blast"] is None
    assert [file["name"] for file in result["files"]] == ["assembly.fa"]
    response = await public.get(f"/api/analyses/{analysis['id']}/files/{analysis_file['id']}", headers=admin)
    assert await response.read() == f">contig_0\n{CONTIG}\n".encode()

    # BLAST: NCBI cannot be reached from here, which the person is told plainly.
    response = await public.put(f"/api/analyses/{analysis['id']}/0/blast", json={}, headers=admin)
    assert response.status == 502
    assert (await response.json())["id"] == "blast_unavailable"

    # Removing the analysis takes its file with it.
    stored = ctx.config.data_path / "analyses" / analysis_file["name_on_disk"]
    assert stored.is_file()
    response = await public.delete(f"/api/analyses/{analysis['id']}", headers=admin)
    assert response.status == 204
    assert not stored.exists()
    response = await public.get(f"/api/analyses/{analysis['id']}", headers=admin)
    assert response.status == 404
