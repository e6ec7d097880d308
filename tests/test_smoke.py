from tests.conftest import FASTQ_GZ, QUALITY, acquire, multipart_file


async def test_create_sample_job_flow(jobs_client, factory, ctx):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])

    response = await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["ready"] is False and body["reads"] == []

    response = await jobs_client.put(
        f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", data=multipart_file(FASTQ_GZ), headers=auth
    )
    assert response.status == 201, await response.text()
    response = await jobs_client.patch(f"/api/samples/{sample['_id']}", json={"quality": QUALITY}, headers=auth)
    assert response.status == 200, await response.text()
    body = await response.json()
    assert body["ready"] is True
    print(body)
    response = await jobs_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=auth)
    assert response.status == 200
    assert await response.read() == FASTQ_GZ
    print(response.headers)


async def test_analysis_job_flow(jobs_client, factory):
    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.post(
        f"/api/analyses/{analysis['_id']}/files?name=results.fa&format=fasta",
        data=multipart_file(b">a\nACGT\n"),
        headers=auth,
    )
    assert response.status == 201, await response.text()
    file = await response.json()
    print(file)
    response = await jobs_client.get(f"/api/analyses/{analysis['_id']}/files/{file['id']}", headers=auth)
    assert response.status == 200
    response = await jobs_client.patch(f"/api/analyses/{analysis['_id']}", json={"results": {"a": 1}}, headers=auth)
    assert response.status == 200, await response.text()
    print(await response.json())
