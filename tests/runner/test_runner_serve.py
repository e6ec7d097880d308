"""`virtool-api serve` with its runner, as `make run` starts it: real processes over one data path. Jobs
created while no runner runs wait in the server's queue, survive a restart, and run once a runner is there."""

import asyncio
import gzip
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.support.forked import run_virtool_api, virtool_api_process
from tests.support.real_server import free_port, wait_for_port
from tests.support.references_helpers import DEMO_DATA, REFERENCE_EXPORT
from virtool_api.dev import simulate
from virtool_api.dev.hmms import build as build_hmms
from virtool_api.dev.hmms import proteins, read_fasta_gz
from virtool_api.runner.tools import BOWTIE2, SPADES, why_missing

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(why_missing([BOWTIE2]) is not None, reason=f"needs Bowtie2: {why_missing([BOWTIE2])}"),
]

WAIT = 180.0


def create_administrator(data_path: Path) -> dict[str, str]:
    result = run_virtool_api(["users", "create", "lab", "--admin", f"--data-path={data_path}"], timeout=120)
    assert result.returncode == 0, result.stderr
    return {"X-API-Key": result.stdout.strip()}


@contextmanager
def serving(data_path: Path, *options: str) -> Iterator[str]:
    """`virtool-api serve` on free ports over `data_path`; its public API's URL. Stopped with SIGTERM, and it
    must exit cleanly (its runner first)."""
    port, jobs_port = free_port(), free_port()
    process = virtool_api_process(
        [
            "--log-level=info",
            "serve",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--jobs-port={jobs_port}",
            f"--data-path={data_path}",
            *options,
        ]
    )
    try:
        wait_for_port(process, port)
        wait_for_port(process, jobs_port)
        yield f"http://127.0.0.1:{port}/api"
    finally:
        process.terminate()
        assert process.wait(timeout=90) == 0


async def upload(session: aiohttp.ClientSession, url: str, data: bytes, kind: str, name: str) -> int:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name)
    async with session.post(f"{url}/uploads", params={"name": name, "type": kind}, data=form) as response:
        assert response.status == 201, await response.text()
        return (await response.json())["id"]


async def call(
    session: aiohttp.ClientSession, method: str, url: str, body: Any = None, status: int = 200
) -> Any:
    async with session.request(method, url, json=body) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def eventually(check, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not (result := await check()):
        assert time.monotonic() < deadline, f"not within {WAIT} s: {what}"
        await asyncio.sleep(0.5)
    return result


async def test_a_job_waiting_when_the_server_stops_runs_once_it_is_back_with_its_runner(tmp_path):
    data_path = tmp_path / "data"
    headers = create_administrator(data_path)
    with serving(data_path, "--no-runner") as url:
        async with aiohttp.ClientSession(headers=headers) as session:
            upload_id = await upload(session, url, REFERENCE_EXPORT, "reference", "reference.json.gz")
            reference = await call(session, "POST", f"{url}/references", {"import_from": upload_id}, 201)
            index = await call(session, "POST", f"{url}/references/{reference['id']}/indexes", None, 201)
            await asyncio.sleep(2)
            assert (await call(session, "GET", f"{url}/indexes/{index['id']}"))["job"]["state"] == "waiting"

    with serving(data_path, "--runner") as url:
        async with aiohttp.ClientSession(headers=headers) as session:

            async def built() -> dict[str, Any] | None:
                # The runner finalizes the index, then reports its job complete: wait for both.
                shown = await call(session, "GET", f"{url}/indexes/{index['id']}")
                return shown if shown["ready"] and shown["job"]["state"] != "running" else None

            shown = await eventually(built, "the index built by the server's runner")
            runners = await call(session, "GET", f"{url}/runners")

    assert shown["job"]["state"] == "complete"
    assert len(runners["runners"]) == 1
    assert "build_index" in runners["runners"][0]["workflows"]
    assert not list((data_path / "work").iterdir())


@pytest.mark.skipif(why_missing([SPADES]) is not None, reason=f"needs SPAdes: {why_missing([SPADES])}")
async def test_from_uploaded_reads_to_named_viruses_as_make_run_serves(tmp_path):
    """`make run` serves with its runner: reads uploaded by a person become a sample, the reference's index
    and a host subtraction are built, and Pathoscope and NuVs analyses finish, all through the public API."""
    data_path = tmp_path / "data"
    headers = create_administrator(data_path)
    genomes = read_fasta_gz(DEMO_DATA / "plant-viruses.fa.gz")
    proteins_of_glrav3 = proteins(genomes["EU259806"])
    profiles, annotations = build_hmms(
        [(n + 1, f"GLRaV3 {n + 1}", p) for n, p in enumerate(proteins_of_glrav3)]
    )
    host = simulate.random_genome(50_000, 0.4, seed=8)
    reads = simulate.reads(
        [
            ("NC_001367", genomes["NC_001367"], 2000),
            ("NC_004667", genomes["NC_004667"], 3000),
            ("host", host, 1000),
        ],
        seed=4,
    )
    with serving(data_path, "--runner") as url:
        async with aiohttp.ClientSession(headers=headers) as session:
            reads_upload = await upload(session, url, reads, "reads", "vine.fq.gz")
            sample = await call(
                session, "POST", f"{url}/samples", {"name": "Vine", "files": [reads_upload]}, 201
            )
            reference_upload = await upload(session, url, REFERENCE_EXPORT, "reference", "reference.json.gz")
            reference = await call(
                session, "POST", f"{url}/references", {"import_from": reference_upload}, 201
            )
            index = await call(session, "POST", f"{url}/references/{reference['id']}/indexes", None, 201)
            host_upload = await upload(
                session, url, gzip.compress(f">host\n{host}\n".encode()), "subtraction", "host.fa.gz"
            )
            subtraction = await call(
                session, "POST", f"{url}/subtractions", {"name": "Host", "upload_id": host_upload}, 201
            )
            hmm = {
                "annotations": await upload(session, url, annotations, "hmm", "annotations.json.gz"),
                "profiles": await upload(session, url, profiles, "hmm", "profiles.hmm"),
            }
            await call(session, "PUT", f"{url}/hmms", hmm)

            async def ready(path: str) -> dict[str, Any] | None:
                shown = await call(session, "GET", f"{url}{path}")
                assert (shown.get("job") or {}).get("state") not in ("error", "cancelled", "timeout"), shown
                return shown if shown["ready"] else None

            shown_sample = await eventually(lambda: ready(f"/samples/{sample['id']}"), "the sample created")
            await eventually(lambda: ready(f"/indexes/{index['id']}"), "the index built")
            await eventually(lambda: ready(f"/subtractions/{subtraction['id']}"), "the subtraction built")
            analyses = {}
            for workflow in ("pathoscope_bowtie", "nuvs"):
                body = {"workflow": workflow, "ref_id": reference["id"], "subtractions": [subtraction["id"]]}
                analyses[workflow] = await call(
                    session, "POST", f"{url}/samples/{sample['id']}/analyses", body, 201
                )
            finished = {
                workflow: await eventually(
                    lambda a=analysis: ready(f"/analyses/{a['id']}"), f"{workflow} finished"
                )
                for workflow, analysis in analyses.items()
            }
            listing = await call(session, "GET", f"{url}/references/{reference['id']}/otus?per_page=100")

    assert shown_sample["quality"]["count"] == 6000
    pathoscope = finished["pathoscope_bowtie"]["results"]
    named = {hit["otu"]["id"] for hit in pathoscope["hits"] if hit["final"]["pi"] > 0.01}
    otus = {otu["id"]: otu["name"] for otu in listing["documents"]}
    assert {otus[otu] for otu in named} == {"Tobacco mosaic virus", "Grapevine leafroll-associated virus 3"}
    assert finished["nuvs"]["results"]["hits"] == []  # every virus read explained by the index
