"""Every 201 says where the new thing lives (`Location`), and that address answers.

(References, indexes and subtractions answer 201 without it for now: their routes are being rewritten for
issue 8, which adds it.)
"""

from urllib.parse import quote

from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, multipart_file


async def test_an_analysis_file_upload_says_where_the_file_is(jobs_client, factory):
    analysis = await factory.analysis()
    auth = await acquire(jobs_client, (await factory.analysis_job(analysis))["_id"])
    response = await jobs_client.post(
        f"/api/analyses/{analysis['_id']}/files",
        params={"name": "contigs.fa"},
        data=multipart_file(b">c\nACGT\n"),
        headers=auth,
    )
    assert response.status == 201
    stored = await response.json()
    assert response.headers["Location"] == f"/api/analyses/{analysis['_id']}/files/{stored['id']}"
    download = await jobs_client.get(response.headers["Location"], headers=auth)
    assert (download.status, await download.read()) == (200, b">c\nACGT\n")


async def test_reads_and_artifact_uploads_say_where_they_are(jobs_client, factory):
    sample = await factory.sample()
    auth = await acquire(jobs_client, (await factory.create_sample_job(sample))["_id"])
    url = f"/api/samples/{sample['_id']}"

    response = await jobs_client.put(
        f"{url}/reads/reads_1.fq.gz", data=multipart_file(FASTQ_GZ), headers=auth
    )
    assert response.status == 201
    assert response.headers["Location"] == f"{url}/reads/reads_1.fq.gz"
    assert await (await jobs_client.get(response.headers["Location"], headers=auth)).read() == FASTQ_GZ

    name = "quality report #1.json"
    response = await jobs_client.post(
        f"{url}/artifacts",
        params={"name": name, "type": "json"},
        data=multipart_file(b"{}"),
        headers=auth,
    )
    assert response.status == 201, await response.text()
    assert response.headers["Location"] == f"{url}/artifacts/{quote(name, safe='')}"
    assert await (await jobs_client.get(response.headers["Location"], headers=auth)).read() == b"{}"


async def test_a_status_report_points_at_the_job_that_holds_it(jobs_client, factory):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/jobs/{job['_id']}/status", json={"state": "running", "progress": 10}, headers=auth
    )
    assert response.status == 201
    assert response.headers["Location"] == f"/api/jobs/{job['_id']}"
    held = await (await jobs_client.get(response.headers["Location"], headers=auth)).json()
    assert held["status"][-1]["state"] == "running"
