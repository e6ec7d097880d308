"""People download an index's and a subtraction's files through the public API (`GET /api/indexes/{id}/files/
{name}`, `GET /api/subtractions/{id}/files/{name}`), with the rights that read them: anyone signed in."""

from collections.abc import AsyncIterator

from tests.support.errors import NOT_FOUND
from virtool_api.indexes.files import INDEX_FILES
from virtool_api.subtractions.files import SUBTRACTION_FILES


async def chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def test_anyone_signed_in_downloads_an_index_file(public_client, factory, ctx):
    analysis = await factory.analysis()
    index_id = analysis["index"]["id"]
    await INDEX_FILES.store(ctx, index_id, "reference.fa.gz", chunks(b"gzip bytes, as stored"))
    _, person = await factory.person()

    response = await public_client.get(f"/api/indexes/{index_id}/files/reference.fa.gz", headers=person)

    assert response.status == 200
    assert await response.read() == b"gzip bytes, as stored"
    assert response.headers["Content-Disposition"] == 'attachment; filename="reference.fa.gz"'
    assert "Content-Encoding" not in response.headers
    assert (await public_client.get(f"/api/indexes/{index_id}/files/reference.fa.gz")).status == 401
    for path in (f"/api/indexes/{index_id}/files/otus.json.gz", f"/api/indexes/{index_id}/files/../../x"):
        response = await public_client.get(path, headers=person)
        assert response.status == 404, path
    missing = await public_client.get("/api/indexes/nothing/files/reference.fa.gz", headers=person)
    assert (missing.status, await missing.json()) == (404, NOT_FOUND)


async def test_anyone_signed_in_downloads_a_subtraction_file(public_client, factory, ctx):
    analysis = await factory.analysis()
    subtraction_id = analysis["subtractions"][0]["id"]
    await SUBTRACTION_FILES.store(ctx, subtraction_id, "subtraction.fa.gz", chunks(b">chr1\nACGT\n"))
    _, person = await factory.person()

    path = f"/api/subtractions/{subtraction_id}/files/subtraction.fa.gz"
    response = await public_client.get(path, headers=person)

    assert response.status == 200
    assert await response.read() == b">chr1\nACGT\n"
    assert (await public_client.get(path)).status == 401
    other = await public_client.get(path.replace("subtraction.fa.gz", "subtraction.1.bt2"), headers=person)
    assert (other.status, await other.json()) == (404, NOT_FOUND)
