"""Headers every answer carries, whatever the route: browsers must not guess what a response is."""

from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ
from virtool_api.samples.files import store_reads

NOSNIFF = ("X-Content-Type-Options", "nosniff")


def assert_nosniff(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers.get(NOSNIFF[0]) == NOSNIFF[1], (response.status, dict(response.headers))


async def test_json_answers_and_errors_of_the_public_api_say_nosniff(public_client, factory):
    _, headers = await factory.person()
    for response in (
        await public_client.get("/api/account", headers=headers),
        await public_client.get("/api/samples", headers=headers),
        await public_client.get("/api/samples/missing", headers=headers),
        await public_client.get("/api/account"),
        await public_client.get("/api/health"),
        await public_client.get("/api/openapi.json"),
        await public_client.post("/api/tags", data=b"{", headers=headers),
    ):
        assert response.content_type == "application/json"
        assert_nosniff(response)


async def test_a_downloaded_file_says_nosniff(public_client, ctx, factory):
    """A download is only ever a download, whatever its bytes look like."""
    owner, headers = await factory.person(handle="owner")
    sample = await factory.sample(ready=True, user={"id": owner["_id"], "handle": "owner"})

    async def chunks():
        yield FASTQ_GZ

    await store_reads(ctx, sample["_id"], "reads_1.fq.gz", chunks())
    response = await public_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=headers)
    assert response.status == 200
    assert_nosniff(response)


async def test_the_job_api_says_nosniff(jobs_client, factory, ctx):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    for response in (
        await jobs_client.get(f"/api/samples/{sample['_id']}", headers=auth),
        await jobs_client.get("/api/samples/missing", headers=auth),
        await jobs_client.get("/api/jobs/missing"),
    ):
        assert response.content_type == "application/json"
        assert_nosniff(response)
