"""HMM data for NuVs: installed by an operator (CLI) or an administrator (route), both checked; jobs download
the files, people browse the clusters."""

import asyncio
import gzip

import pytest
from click.testing import CliRunner

from tests.support.errors import NOT_FOUND
from tests.support.hmm_data import ANNOTATIONS, ANNOTATIONS_GZ, PROFILES, install
from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ
from tests.support.references_helpers import upload
from virtool_api.cli import main
from virtool_api.config import Config
from virtool_api.server.context import create_context


async def running_job(factory, jobs_client):
    analysis = await factory.analysis(workflow="nuvs")
    return await acquire(jobs_client, (await factory.analysis_job(analysis))["_id"])


async def test_before_installing_jobs_get_404_and_the_listing_says_so(
    public_client, jobs_client, factory, admin
):
    auth = await running_job(factory, jobs_client)
    for name in ("annotations.json.gz", "profiles.hmm"):
        response = await jobs_client.get(f"/api/hmms/files/{name}", headers=auth)
        assert (response.status, await response.json()) == (404, NOT_FOUND)
    listing = await (await public_client.get("/api/hmms", headers=admin[1])).json()
    assert (listing["documents"], listing["status"]["installed"]) == ([], False)


async def test_install_then_jobs_download_and_people_browse(public_client, jobs_client, factory, admin):
    response = await install(public_client, admin[1])
    assert response.status == 200
    assert await response.json() == {"installed": True, "cluster_count": 3, "profile_count": 3}

    auth = await running_job(factory, jobs_client)
    annotations = await jobs_client.get("/api/hmms/files/annotations.json.gz", headers=auth)
    assert annotations.status == 200
    assert "Content-Encoding" not in annotations.headers
    assert gzip.decompress(await annotations.read()) == ANNOTATIONS
    profiles = await jobs_client.get("/api/hmms/files/profiles.hmm", headers=auth)
    assert (profiles.status, await profiles.read()) == (200, PROFILES)
    response = await jobs_client.get("/api/hmms/files/other.hmm", headers=auth)
    assert response.status == 404

    listing = await (await public_client.get("/api/hmms?find=PROTEIN", headers=admin[1])).json()
    assert [hmm["cluster"] for hmm in listing["documents"]] == [2, 3]
    assert listing["status"]["cluster_count"] == 3
    response = await public_client.get("/api/hmms/hmm0003", headers=admin[1])
    assert response.status == 200
    assert (await response.json())["names"] == ["movement protein", "MP", "30K protein"]
    response = await public_client.get("/api/hmms/nope", headers=admin[1])
    assert (response.status, await response.json()) == (404, NOT_FOUND)


async def test_plain_json_annotations_are_stored_gzipped(public_client, ctx, admin):
    assert (await install(public_client, admin[1], annotations=ANNOTATIONS)).status == 200
    assert (
        gzip.decompress((ctx.config.data_path / "hmms" / "annotations.json.gz").read_bytes()) == ANNOTATIONS
    )


BAD = {
    "profiles not HMMER3": (
        ANNOTATIONS_GZ,
        b"HMMER2.0 [2.3.2]\nNAME x\n//\n",
        "HMM profiles file is not in HMMER3 format",
    ),
    "truncated profiles": (
        ANNOTATIONS_GZ,
        PROFILES[:-3],
        "HMM profiles file is truncated (a profile does not end with //)",
    ),
    "annotations not JSON": (b"hello", PROFILES, "HMM annotations file is not a JSON list"),
    "annotations missing a field": (
        gzip.compress(b'[{"_id": "a", "cluster": 1}]'),
        PROFILES,
        "HMM annotations are invalid: 0.count: Field required",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
async def test_bad_hmm_data_is_refused_and_changes_nothing(case, public_client, ctx, admin):
    assert (await install(public_client, admin[1])).status == 200
    annotations, profiles, message = BAD[case]

    response = await install(public_client, admin[1], annotations, profiles)

    assert (response.status, await response.json()) == (400, {"id": "bad_request", "message": message})
    assert await ctx.db.hmms.count_documents({}) == 3
    assert (ctx.config.data_path / "hmms" / "profiles.hmm").read_bytes() == PROFILES


async def test_only_administrators_install(public_client, factory):
    _, person = await factory.person()
    response = await install(public_client, person)
    assert response.status == 403


def test_the_cli_installs_from_files(tmp_path):
    (tmp_path / "annotations.json.gz").write_bytes(ANNOTATIONS_GZ)
    (tmp_path / "profiles.hmm").write_bytes(PROFILES)
    data = tmp_path / "data"
    runner = CliRunner()

    result = runner.invoke(
        main,
        [
            "hmms",
            "install",
            "--data-path",
            str(data),
            str(tmp_path / "annotations.json.gz"),
            str(tmp_path / "profiles.hmm"),
        ],
    )

    assert result.exit_code == 0, result.output
    assert "installed 3 HMM clusters and 3 profiles" in result.output
    assert (data / "hmms" / "profiles.hmm").read_bytes() == PROFILES

    (tmp_path / "bad.hmm").write_bytes(b"not a profile\n")
    result = runner.invoke(
        main,
        [
            "hmms",
            "install",
            "--data-path",
            str(data),
            str(tmp_path / "annotations.json.gz"),
            str(tmp_path / "bad.hmm"),
        ],
    )
    assert result.exit_code == 1
    assert "HMM profiles file is not in HMMER3 format" in result.output


def test_the_cli_install_is_what_a_server_on_the_data_path_serves(tmp_path):
    """The CLI writes where a server on the same data path serves from."""
    (tmp_path / "a.json").write_bytes(ANNOTATIONS)
    (tmp_path / "p.hmm").write_bytes(PROFILES)
    data = tmp_path / "data"
    result = CliRunner().invoke(
        main, ["hmms", "install", "--data-path", str(data), str(tmp_path / "a.json"), str(tmp_path / "p.hmm")]
    )
    assert result.exit_code == 0, result.output

    async def stored() -> int:
        ctx = await create_context(Config(data_path=data))
        try:
            return await ctx.db.hmms.count_documents({})
        finally:
            await ctx.close()

    assert asyncio.run(stored()) == 3


async def test_install_errors(public_client, ctx, admin):
    reads = await upload(public_client, admin[1], FASTQ_GZ, "reads")
    profiles = await upload(public_client, admin[1], PROFILES, "hmm", "profiles.hmm")
    for annotations in (999, reads):
        response = await public_client.put(
            "/api/hmms", json={"annotations": annotations, "profiles": profiles}, headers=admin[1]
        )
        assert (response.status, await response.json()) == (
            400,
            {"id": "bad_request", "message": "File does not exist"},
        )
    response = await public_client.put("/api/hmms", json={"profiles": "x"}, headers=admin[1])
    assert response.status == 422
    assert sorted((await response.json())["errors"]) == ["annotations", "profiles"]
    assert await ctx.db.hmms.count_documents({}) == 0
