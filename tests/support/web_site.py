"""One real server and one headless Chromium per test process for the web client's browser tests (a pytest
plugin: `test_web_client.py` and `test_web_references.py` share them when they run in one process; under
`make test`'s workers, each worker that runs one of them starts its own).

The server runs on a data path seeded before it starts: Alice (administrator, with a password), 1,050 samples
of Bob's, and a reference with a ready index as a build-index runner leaves it. Runners are played over the
job API with `Runner`; `api` calls the public API with Alice's key, as a script would.
"""

import asyncio
import gzip
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

import virtool_api
from tests.support.browser import Browser, start_browser
from tests.support.forked import virtool_api_process
from tests.support.real_server import free_port, stop, wait_for_port
from virtool_api.config import Config
from virtool_api.samples.documents import create_sample
from virtool_api.samples.search import search_fields
from virtool_api.server.context import create_context
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.users.keys import create_api_key
from virtool_api.users.passwords import hash_password
from virtool_api.users.service import create_user
from virtool_api.utils import random_id, utc_now

PASSWORD = "grapevine leafroll 3"
MANY_SAMPLES = 1_050
QUALITY = {
    # Per position: mean, median, quartiles, 10th and 90th percentiles; quality falls along the read.
    "bases": [
        [m, m + 1, m - 3, m + 2, m - 8, m + 3]
        for m in (round(36.5 - 0.00045 * i * i - (2.5 if i < 3 else 0), 1) for i in range(150))
    ],
    # Per position: G, A, T, C (%), with the usual wobble over the first bases.
    "composition": [
        [21 + (3 if i < 10 and i % 2 else 0), 29 - (3 if i < 10 and i % 2 else 0), 29, 21] for i in range(150)
    ],
    "count": 250_000,
    "encoding": "Sanger / Illumina 1.9",
    "gc": 44.5,
    "length": [35, 150],
    "sequences": [0] * 10 + [5, 20, 80, 300, 900, 2_400, 9_000, 30_000, 80_000, 127_295] + [0] * 30,
}

DEMO_DATA = Path(virtool_api.__file__).parent / "demo_data"
BLASTN = shutil.which("blastn") and shutil.which("makeblastdb")


@dataclass
class Site:
    url: str
    jobs_url: str
    admin_key: str
    reference_id: str
    journey: dict[str, str]
    """What earlier steps made (the sample's id), for the steps after them."""


async def _seed(data_path: Path) -> tuple[str, str]:
    """Alice (administrator, with a password), 1,050 samples of Bob's, and a reference with a ready index
    (as a build-index runner leaves it), all before the server starts. Returns Alice's key and the reference
    id."""
    ctx = await create_context(Config(data_path=data_path))
    try:
        alice = await create_user(ctx, "alice", administrator=True)
        await ctx.db.users.update_one(
            {"_id": alice["_id"]}, {"$set": {"password": await hash_password(PASSWORD)}}
        )
        _, key = await create_api_key(ctx, alice["_id"], "tests")
        bob = await create_user(ctx, "bob")
        owner = {"id": bob["_id"], "handle": "bob"}
        first = await create_sample(
            ctx,
            name="Field sample 0000",
            user=owner,
            ready=True,
            status="available",
            quality=QUALITY,
            host="Vitis vinifera",
        )
        # One insert for the rest: the embedded store inserts one at a time in quadratic time.
        await ctx.db.samples.insert_many(
            [
                {
                    **first,
                    "_id": random_id(),
                    "name": f"Field sample {number:04d}",
                    **search_fields(f"Field sample {number:04d}"),
                    "created_at": utc_now(),
                }
                for number in range(1, MANY_SAMPLES)
            ]
        )
        alice_ref = {"id": alice["_id"], "handle": "alice"}
        reference = await insert_with_random_id(
            ctx.db.references,
            {"name": "Plant viruses", "data_type": "genome", "building_index": None, "created_at": utc_now()},
        )
        await insert_with_random_id(
            ctx.db.indexes,
            {
                "reference": {"id": reference["_id"], "name": "Plant viruses", "data_type": "genome"},
                "version": 0,
                "ready": True,
                "has_files": True,
                "created_at": utc_now(),
                "user": alice_ref,
                "job": None,
            },
        )
        return key, reference["_id"]
    finally:
        await ctx.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("web")
    data_path = root / "data"
    key, reference_id = asyncio.run(_seed(data_path))
    blast_options = []
    if BLASTN:
        fasta = root / "plant-viruses.fa"
        fasta.write_bytes(gzip.decompress((DEMO_DATA / "plant-viruses.fa.gz").read_bytes()))
        subprocess.run(
            [
                "makeblastdb",
                "-in",
                str(fasta),
                "-dbtype",
                "nucl",
                "-parse_seqids",
                "-out",
                str(root / "viruses"),
            ],
            check=True,
            capture_output=True,
        )
        blast_options = ["--blast-backend=local", f"--blast-database={root / 'viruses'}"]
    port, jobs_port = free_port(), free_port()
    process = virtool_api_process(
        [
            "--log-level=warning",
            "serve",
            "--host=127.0.0.1",
            f"--port={port}",
            f"--jobs-port={jobs_port}",
            f"--data-path={data_path}",
            "--no-runner",  # the tests play each runner over the job API, one call at a time
            *blast_options,
        ]
    )
    try:
        wait_for_port(process, port)
        wait_for_port(process, jobs_port)
        yield Site(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{jobs_port}", key, reference_id, {})
    finally:
        stop(process)
        shutil.rmtree(data_path, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(site: Site) -> Iterator[Browser]:
    yield from start_browser(site.url)


def sign_in(browser: Browser, path: str) -> None:
    """Open `path` signed in as Alice, signing in first if the browser is not (yet or any more)."""
    browser.open(path)
    browser.wait_for(lambda: browser.find_all("#login-handle, main#main"), what="a page")
    if browser.find_all("#login-handle"):
        browser.fill("#login-handle", "alice")
        browser.fill("#login-password", PASSWORD)
        browser.find("form button[type=submit]").click()
        browser.find("main#main")


# --- the runner, over HTTP ---------------------------------------------------------------------------------


def call(method: str, url: str, **options: Any) -> Any:
    """One HTTP request from outside the browser (the runner, or a script with an API key)."""

    async def send() -> Any:
        async with aiohttp.ClientSession() as session, session.request(method, url, **options) as response:
            assert response.status < 400, (method, url, response.status, await response.text())
            if response.content_type == "application/json":
                return await response.json()
            return await response.read()

    return asyncio.run(send())


class Runner:
    """What a workflow runner does over the job API, one call at a time."""

    def __init__(self, site: Site, job_id: str) -> None:
        self.site = site
        self.job_id = job_id
        key = call("PATCH", f"{site.jobs_url}/api/jobs/{job_id}", json={"acquired": True})["key"]
        self.auth = {"Authorization": aiohttp.encode_basic_auth(f"job-{job_id}", key)}

    def status(self, state: str, progress: int, stage: str = "", **step: str) -> None:
        """A status report; `step` may name `step_name` and `step_description`, as our runner reports."""
        body = {"state": state, "progress": progress, "stage": stage or None, **step}
        call("POST", f"{self.site.jobs_url}/api/jobs/{self.job_id}/status", json=body, headers=self.auth)

    def get(self, path: str) -> Any:
        return call("GET", f"{self.site.jobs_url}/api{path}", headers=self.auth)

    def upload(self, path: str, data: bytes, method: str = "PUT") -> Any:
        form = aiohttp.FormData()
        form.add_field("file", data, filename="file", content_type="application/octet-stream")
        return call(method, f"{self.site.jobs_url}/api{path}", data=form, headers=self.auth)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return call("PATCH", f"{self.site.jobs_url}/api{path}", json=body, headers=self.auth)


def api(site: Site, method: str, path: str, **options: Any) -> Any:
    return call(method, f"{site.url}/api{path}", headers={"X-API-Key": site.admin_key}, **options)
