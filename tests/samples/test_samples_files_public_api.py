"""Public API: downloading a sample's reads and artifacts (the web client's download links, and scripts)."""

from tests.support.reads import FASTQ_GZ
from virtool_api.samples.files import store_reads
from virtool_api.users.sessions import create_session


async def test_download_reads_with_the_read_right(public_client, ctx, factory):
    owner, headers = await factory.person(handle="owner")
    sample = await factory.sample(ready=True, user={"id": owner["_id"], "handle": "owner"})

    async def chunks():
        yield FASTQ_GZ

    await store_reads(ctx, sample["_id"], "reads_1.fq.gz", chunks())
    response = await public_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=headers)
    assert response.status == 200
    assert await response.read() == FASTQ_GZ
    assert response.headers["Content-Disposition"] == 'attachment; filename="reads_1.fq.gz"'
    # The cookie works like the key: these are plain links in the page.
    _, token = await create_session(ctx, owner["_id"], remember=False)
    cookie = {"Cookie": f"virtool_session={token}"}
    by_cookie = await public_client.get(f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz", headers=cookie)
    assert by_cookie.status == 200


async def test_download_reads_refusals(public_client, ctx, factory):
    owner, _ = await factory.person(handle="owner")
    _, stranger = await factory.person(handle="stranger")
    sample = await factory.sample(
        ready=True, user={"id": owner["_id"], "handle": "owner"}, all_read=False, group_read=False
    )
    base = f"/api/samples/{sample['_id']}/reads"
    forbidden = await public_client.get(f"{base}/reads_1.fq.gz", headers=stranger)
    assert forbidden.status == 403
    assert await forbidden.json() == {"id": "insufficient_rights", "message": "Insufficient rights"}
    _, admin = await factory.person(administrator=True, handle="root")
    for path in (
        f"{base}/reads_2.fq.gz",
        f"{base}/../../etc",
        f"{base}/other.txt",
        "/api/samples/none/reads/reads_1.fq.gz",
    ):
        response = await public_client.get(path, headers=admin)
        assert response.status == 404, path
    assert (await public_client.get(f"{base}/reads_1.fq.gz")).status == 401
