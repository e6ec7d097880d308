"""`virtool-api dev seed`: the demo data a person looks at right after `make run`, as they would see it.

It makes no administrator, its sample is private, the sample's quality is what the runner's code measures
from the reads on disk, its Pathoscope and NuVs analyses are finished by the runner and name the viruses in
the reads, and every job names files that exist. Without Bowtie2 it still makes what needs no tool, and
says what waits.
"""

import asyncio
import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from tests.support.jobs import basic_auth
from virtool_api.cli import main
from virtool_api.config import Config
from virtool_api.runner.quality import read_quality
from virtool_api.runner.tools import BOWTIE2, SPADES, why_missing
from virtool_api.server.app import create_jobs_app, create_public_app
from virtool_api.server.context import create_context
from virtool_api.users.keys import create_api_key
from virtool_api.users.service import create_user

MISSING = why_missing([BOWTIE2, SPADES])


def seed(data_path: Path, **env: str) -> str:
    result = CliRunner().invoke(main, ["dev", "seed", "--data-path", str(data_path)], env=env or None)
    assert result.exit_code == 0, result.output
    return result.stdout


async def with_apps(data_path: Path, check: Any) -> None:
    """`check(ctx, public, jobs, keys)` against the seeded stores: the lab's administrator `lab` and an
    ordinary user `bob`, with their keys."""
    ctx = await create_context(Config(data_path=data_path), migrate_schema=False)
    try:
        keys = {}
        for handle in ("lab", "bob"):
            user = await ctx.db.users.find_one({"handle": handle})
            _, key = await create_api_key(ctx, user["_id"], "tests")
            keys[handle] = {"X-API-Key": key}
        async with (
            TestClient(TestServer(create_public_app(ctx))) as public,
            TestClient(TestServer(create_jobs_app(ctx, watch_timeouts=False))) as jobs,
        ):
            await check(ctx, public, jobs, keys)
    finally:
        await ctx.close()


def a_lab(data_path: Path) -> None:
    """A lab's store before seeding: its administrator `lab` and an ordinary user `bob`."""

    async def make() -> None:
        ctx = await create_context(Config(data_path=data_path))
        try:
            await create_user(ctx, "lab", administrator=True)
            await create_user(ctx, "bob")
        finally:
            await ctx.close()

    asyncio.run(make())


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    if MISSING:
        pytest.skip(f"needs {MISSING}")
    data_path = tmp_path_factory.mktemp("seed") / "data"
    a_lab(data_path)
    return data_path, seed(data_path)


def test_seed_makes_no_administrator_on_a_new_store(tmp_path: Path) -> None:
    data_path = tmp_path / "data"
    seed(data_path, PATH="/nonexistent")  # no tool: the quickest seed, the same users

    async def users() -> list[tuple[str, bool]]:
        ctx = await create_context(Config(data_path=data_path), migrate_schema=False)
        try:
            return [(user["handle"], user["administrator"]) async for user in ctx.db.users.find({})]
        finally:
            await ctx.close()

    assert asyncio.run(users()) == [("demo", False)], "the first start's setup link still works"


def test_seed_adds_no_administrator_to_a_lab(seeded: tuple[Path, str]) -> None:
    data_path, _ = seeded

    async def check(ctx, public, jobs, keys) -> None:  # type: ignore[no-untyped-def]
        users = await (await public.get("/api/users", headers=keys["lab"])).json()
        assert sorted((user["handle"], user["administrator"]) for user in users) == [
            ("bob", False),
            ("demo", False),
            ("lab", True),
        ]

    asyncio.run(with_apps(data_path, check))


def test_the_seeded_samples_are_private(seeded: tuple[Path, str]) -> None:
    data_path, output = seeded
    vine = re.search(r"sample (\w+) 'Demo vine 17", output).group(1)

    async def check(ctx, public, jobs, keys) -> None:  # type: ignore[no-untyped-def]
        seen_by_lab = await (await public.get("/api/samples", headers=keys["lab"])).json()
        assert len(seen_by_lab["documents"]) == 2
        assert {sample["visibility"] for sample in seen_by_lab["documents"]} == {"private"}
        seen_by_bob = await (await public.get("/api/samples", headers=keys["bob"])).json()
        assert seen_by_bob["documents"] == []
        assert (await public.get(f"/api/samples/{vine}", headers=keys["bob"])).status in (403, 404)
        analyses = await (await public.get("/api/analyses", headers=keys["bob"])).json()
        assert analyses["documents"] == []

    asyncio.run(with_apps(data_path, check))


def test_the_sample_s_quality_is_measured_from_its_reads(seeded: tuple[Path, str]) -> None:
    data_path, output = seeded
    vine = re.search(r"sample (\w+) 'Demo vine 17 \w+': create_sample job \w+ complete", output).group(1)

    async def check(ctx, public, jobs, keys) -> None:  # type: ignore[no-untyped-def]
        sample = await (await public.get(f"/api/samples/{vine}", headers=keys["lab"])).json()
        reads = data_path / "samples" / vine / "reads_1.fq.gz"
        assert sample["ready"] is True
        assert sample["quality"] == read_quality([reads])  # the runner's own code, on the file on disk
        assert sample["quality"]["count"] == 5200

    asyncio.run(with_apps(data_path, check))


def test_the_analyses_are_finished_by_the_runner_and_name_the_viruses_in_the_reads(
    seeded: tuple[Path, str],
) -> None:
    data_path, output = seeded
    pathoscope = re.search(r"analysis (\w+): pathoscope_bowtie job \w+ complete", output).group(1)
    nuvs = re.search(r"analysis (\w+): nuvs job \w+ complete", output).group(1)
    assert "found GLRaV3, GVA, TMV" in output

    async def check(ctx, public, jobs, keys) -> None:  # type: ignore[no-untyped-def]
        report = await (await public.get(f"/api/analyses/{pathoscope}/report", headers=keys["lab"])).json()
        named = {otu["name"]: otu for otu in report["otus"]}
        assert set(named) == {
            "Tobacco mosaic virus",
            "Grapevine leafroll-associated virus 3",
            "Grapevine virus A",
        }
        # The reads' truth: 2,000 of TMV, 1,000 of GLRaV3, 1,200 of GVA (host reads map nowhere).
        assert named["Tobacco mosaic virus"]["reads"] > named["Grapevine virus A"]["reads"]
        assert sum(otu["reads"] for otu in report["otus"]) <= 4200

        report = await (await public.get(f"/api/analyses/{nuvs}/report", headers=keys["lab"])).json()
        contigs = report["contigs"]
        assert len(contigs) >= 1
        names = {
            name for contig in contigs for orf in contig["orfs"] for h in orf["hits"] for name in h["names"]
        }
        assert any(name.startswith("Grapevine virus A protein") for name in names), names

    asyncio.run(with_apps(data_path, check))


def test_every_job_names_files_that_exist(seeded: tuple[Path, str]) -> None:
    data_path, output = seeded
    create_job, new_sample = re.search(
        r"create_sample job (\w+) for sample (\w+) \(waiting\)", output
    ).groups()
    analysis_job, analysis_id, vine = re.search(
        r"pathoscope_bowtie job (\w+) for analysis (\w+) of sample (\w+)$", output, re.MULTILINE
    ).groups()

    async def check(ctx, public, jobs, keys) -> None:  # type: ignore[no-untyped-def]
        acquired = await jobs.patch(f"/api/jobs/{create_job}", json={"acquired": True})
        auth = basic_auth(f"job-{create_job}", (await acquired.json())["key"])
        job = await (await jobs.get(f"/api/jobs/{create_job}", headers=auth)).json()
        assert job["args"]["sample_id"] == new_sample
        (upload,) = job["args"]["files"]
        reads = await jobs.get(f"/api/uploads/{upload['id']}", headers=auth)
        assert reads.status == 200
        assert gzip.decompress(await reads.read()).startswith(b"@sim_000001 ")

        acquired = await jobs.patch(f"/api/jobs/{analysis_job}", json={"acquired": True})
        auth = basic_auth(f"job-{analysis_job}", (await acquired.json())["key"])
        job = await (await jobs.get(f"/api/jobs/{analysis_job}", headers=auth)).json()
        assert (job["args"]["analysis_id"], job["args"]["sample_id"]) == (analysis_id, vine)
        sample_reads = await jobs.get(f"/api/samples/{vine}/reads/reads_1.fq.gz", headers=auth)
        assert sample_reads.status == 200
        index = await (await jobs.get(f"/api/indexes/{job['args']['index_id']}", headers=auth)).json()
        assert index["ready"] is True
        bowtie2 = await jobs.get(f"/api/indexes/{index['id']}/files/reference.1.bt2", headers=auth)
        assert (await bowtie2.read())[:4] != b"stan", "a real Bowtie2 file, not a stand-in"

    asyncio.run(with_apps(data_path, check))


def test_without_bowtie2_the_seed_says_what_waits(tmp_path: Path) -> None:
    output = seed(tmp_path / "data", PATH="/nonexistent")

    assert re.search(r"index \w+ \(version 0\): stand-in Bowtie2 files \(bowtie2-build not found", output)
    # Creating a sample needs no tool: its quality is measured all the same.
    assert re.search(r"sample \w+ 'Demo vine 17 \w+': create_sample job \w+ complete", output)
    assert "analyses: none started, for want of a ready sample and a real index" in output
    assert re.search(r"create_sample job \w+ for sample \w+ \(waiting\)", output)
