"""BLAST of NuVs contigs: the spec's error table for `PUT /api/analyses/{id}/{index}/blast`."""

from tests.support.blasts import nuvs_analysis


async def test_unknown_analysis_is_404_analysis_not_found(public_client, factory):
    _, headers = await factory.person()
    response = await public_client.put("/api/analyses/nothere/0/blast", json={}, headers=headers)
    assert response.status == 404
    assert await response.json() == {"id": "not_found", "message": "Analysis not found"}


async def test_missing_parent_sample_is_400(public_client, factory, ctx):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    await ctx.db.samples.delete_one({"_id": analysis["sample"]["id"]})
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 400
    assert await response.json() == {"id": "bad_request", "message": "Parent sample does not exist"}


async def test_without_write_right_is_403(public_client, factory):
    owner, _ = await factory.person()
    _, stranger_headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    response = await public_client.put(
        f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=stranger_headers
    )
    assert response.status == 403
    assert await response.json() == {"id": "insufficient_rights", "message": "Insufficient rights"}


async def test_unknown_sequence_is_404_sequence_not_found(public_client, factory):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    for index in ("7", "x", "-1"):
        response = await public_client.put(
            f"/api/analyses/{analysis['_id']}/{index}/blast", json={}, headers=headers
        )
        assert response.status == 404
        assert await response.json() == {"id": "not_found", "message": "Sequence not found"}


async def test_not_nuvs_is_409(public_client, factory):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner, workflow="pathoscope_bowtie")
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Not a NuVs analysis"}


async def test_running_analysis_is_409(public_client, factory):
    owner, headers = await factory.person()
    analysis = await nuvs_analysis(factory, owner, ready=False)
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={}, headers=headers)
    assert response.status == 409
    assert await response.json() == {"id": "conflict", "message": "Analysis is still running"}


async def test_anonymous_is_401(public_client, factory):
    owner, _ = await factory.person()
    analysis = await nuvs_analysis(factory, owner)
    response = await public_client.put(f"/api/analyses/{analysis['_id']}/0/blast", json={})
    assert response.status == 401
