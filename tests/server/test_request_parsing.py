"""Bad input gets a clear 4xx JSON error on every route that parses it (cases found by fuzzing the API)."""

from tests.support.jobs import acquire


async def test_a_body_that_is_not_utf8_is_invalid_json_on_the_public_api(public_client, factory):
    _, headers = await factory.person()
    response = await public_client.post(
        "/api/account/keys",
        data=b"\xff\xfe\x00{",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}


async def test_a_body_that_is_not_utf8_is_invalid_json_on_the_job_api(jobs_client, factory, ctx):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    response = await jobs_client.patch(
        f"/api/samples/{sample['_id']}",
        data=b"\x80\x81",
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Invalid JSON body"}
    assert (await ctx.db.samples.find_one({"_id": sample["_id"]}))["ready"] is False


async def test_a_page_beyond_any_listing_is_an_invalid_query(public_client, factory):
    _, headers = await factory.person()
    for path in ("/api/uploads", "/api/samples", "/api/analyses", "/api/jobs"):
        response = await public_client.get(f"{path}?page=1293383370793949760751403008", headers=headers)
        assert response.status == 422, path
        body = await response.json()
        assert (body["id"], body["message"]) == ("invalid_query", "Invalid query")
        assert "page" in body["errors"]


async def test_the_last_allowed_page_is_simply_empty(public_client, factory):
    _, headers = await factory.person()
    response = await public_client.get("/api/samples?page=1000000", headers=headers)
    assert response.status == 200
    assert (await response.json())["documents"] == []


async def test_a_malformed_multipart_body_is_400_and_leaves_nothing(jobs_client, factory, ctx):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    body = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="\xf3\xa5\xac\x93\x19\x12"\r\n\r\n'
        b"\x1f\x8bdata\r\n--xyz--\r\n"
    )
    response = await jobs_client.put(
        f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz",
        data=body,
        headers={**auth, "Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Malformed multipart body"}
    assert list(ctx.config.data_path.rglob(".incoming-*")) == []
    assert not (ctx.config.data_path / "samples" / sample["_id"] / "reads_1.fq.gz").exists()


async def test_a_multipart_request_without_a_boundary_is_400(public_client, factory):
    _, headers = await factory.person()
    response = await public_client.post(
        "/api/uploads?name=reads_1.fq.gz&type=reads",
        data=b"--\r\n",
        headers={**headers, "Content-Type": "multipart/form-data"},
    )
    assert response.status == 400
    assert (await response.json())["id"] == "bad_request"


async def test_ids_beyond_32_bits_name_nothing(public_client, jobs_client, factory):
    """SQL row ids are 32-bit: larger numbers are refused before PostgreSQL would reject them."""
    _, headers = await factory.person()
    response = await public_client.post(
        "/api/samples", json={"name": "Too big", "files": [2**40]}, headers=headers
    )
    assert response.status == 422
    assert "files" in (await response.json())["message"]

    analysis = await factory.analysis()
    job = await factory.analysis_job(analysis)
    auth = await acquire(jobs_client, job["_id"])
    for file_id in ("2147483648", "99999999999", "0"):
        response = await jobs_client.get(f"/api/analyses/{analysis['_id']}/files/{file_id}", headers=auth)
        assert response.status == 404, file_id
    response = await public_client.delete("/api/uploads/99999999999", headers=headers)
    assert response.status == 404
