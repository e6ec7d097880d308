"""`virtool-api copy-to-servers`: a lab's embedded data directory, copied into MongoDB and PostgreSQL, serves
the same answers afterwards; an interrupted copy continues without duplicates; counts that differ fail it.

The source is a data directory on the embedded stores, filled through the APIs and the service layer. The
target is the test PostgreSQL (`VIRTOOL_TEST_POSTGRES_URL`, this worker's database) and MongoDB
(`VIRTOOL_TEST_MONGODB_URL`, a database of the test's own); without them, a second embedded store of the same
kind in another directory, with the files copied beside it, so the copying is exercised all the same.
"""

import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.factory import Factory
from tests.support.forked import run_virtool_api
from tests.support.jobs import acquire
from tests.support.reads import FASTQ_GZ, multipart_file
from tests.support.real_server import serve_command
from tests.support.stores import truncate_postgres
from tests.support.workers import MONGODB_URL, POSTGRES_URL
from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.operations.copy_to_servers import CopyRefused, copy_stores
from virtool_api.server.app import create_jobs_app, create_public_app
from virtool_api.server.context import create_context
from virtool_api.storage import mongo
from virtool_api.utils import random_id

FASTA = b">contig_1\nACGTACGTACGT\n"
READ_BACK = ["/api/samples", "/api/analyses", "/api/jobs", "/api/uploads", "/api/users", "/api/account/keys"]
"""Listings whose answers must be the same from the copy as from the original."""


def mongodb_database_url() -> str | None:
    if not MONGODB_URL:
        return None
    base, _, query = MONGODB_URL.partition("?")
    return f"{base.rstrip('/')}/virtool_copy_{random_id()}" + (f"?{query}" if query else "")


@pytest.fixture
async def lab(tmp_path: Path, aiohttp_client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A data directory on the embedded stores with samples, analyses with files, uploads, jobs and users;
    what its public API answers, to compare the copy with."""
    data_path = tmp_path / "lab"
    ctx = await create_context(Config(data_path=data_path))
    try:
        public = await aiohttp_client(create_public_app(ctx))
        jobs = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
        factory = Factory(ctx)
        _, headers = await factory.person(administrator=True)
        for number in range(4):
            response = await public.post(
                "/api/uploads",
                params={"name": f"reads_{number}.fq.gz", "type": "reads"},
                data=multipart_file(FASTQ_GZ),
                headers=headers,
            )
            assert response.status == 201, await response.text()
        newest = (await response.json())["id"]
        # The newest upload's id is gone with it, and SQLite never gives it out again: nor may the copy.
        assert (await public.delete(f"/api/uploads/{newest}", headers=headers)).status == 204
        uploads = [
            upload["id"]
            for upload in (await (await public.get("/api/uploads", headers=headers)).json())["documents"]
        ]
        response = await public.post(
            "/api/samples", json={"name": "Vine 1", "files": uploads[:1]}, headers=headers
        )
        assert response.status == 201, await response.text()
        analysis_files = []
        for _ in range(3):
            analysis = await factory.analysis()
            job = await factory.analysis_job(analysis)
            auth = await acquire(jobs, job["_id"])
            response = await jobs.post(
                f"/api/analyses/{analysis['_id']}/files?name=contigs.fa&format=fasta",
                data=multipart_file(FASTA),
                headers=auth,
            )
            assert response.status == 201, await response.text()
            analysis_files.append((analysis["_id"], (await response.json())["id"]))
        answers = {path: await (await public.get(path, headers=headers)).json() for path in READ_BACK}
    finally:
        await ctx.close()
    return {
        "data_path": data_path,
        "headers": headers,
        "answers": answers,
        "analysis_files": analysis_files,
        "deleted_upload": newest,
    }


@pytest.fixture
async def target(tmp_path: Path, lab: dict[str, Any], postgres_schema: str | None) -> AsyncIterator[Config]:
    """Where the lab is copied to: the test's real databases, else embedded stores in a second directory
    holding the lab's files."""
    if postgres_schema:
        await truncate_postgres(postgres_schema)
    mongodb_url = mongodb_database_url()
    if mongodb_url and POSTGRES_URL:
        config = Config(data_path=lab["data_path"], mongodb_url=mongodb_url, postgres_url=POSTGRES_URL)
    else:
        data_path = tmp_path / "target"
        shutil.copytree(lab["data_path"], data_path, ignore=shutil.ignore_patterns("db", "virtool.sqlite3*"))
        config = Config(data_path=data_path, mongodb_url=mongodb_url, postgres_url=POSTGRES_URL)
    yield config
    if mongodb_url:
        client, database = mongo.connect(mongodb_url, lab["data_path"])
        await client.drop_database(database.name)
        await client.close()


async def serving(config: Config, aiohttp_client) -> tuple[Context, Any]:  # type: ignore[no-untyped-def]
    ctx = await create_context(config, migrate_schema=False)
    return ctx, await aiohttp_client(create_public_app(ctx))


def source_of(lab: dict[str, Any]) -> Config:
    return Config(data_path=lab["data_path"])


async def test_the_copy_answers_as_the_original(lab, target, aiohttp_client):
    counts = await copy_stores(source_of(lab), target, report=lambda line: None)

    assert counts and all(count.equal for count in counts), counts
    names = {count.name for count in counts}
    assert {
        "samples",
        "analyses",
        "jobs",
        "users",
        "keys",
        "uploads",
        "analysis_files",
        "sample_reads",
    } <= names
    ctx, public = await serving(target, aiohttp_client)
    try:
        for path, answer in lab["answers"].items():
            response = await public.get(path, headers=lab["headers"])
            assert response.status == 200, path
            assert await response.json() == answer, path
        for analysis_id, file_id in lab["analysis_files"]:
            response = await public.get(
                f"/api/analyses/{analysis_id}/files/{file_id}", headers=lab["headers"]
            )
            assert response.status == 200
            assert await response.read() == FASTA
    finally:
        await ctx.close()


async def test_new_rows_on_the_copy_take_ids_after_every_id_the_original_gave(lab, target, aiohttp_client):
    await copy_stores(source_of(lab), target, report=lambda line: None)
    copied = [upload["id"] for upload in lab["answers"]["/api/uploads"]["documents"]]
    assert lab["deleted_upload"] > max(copied)

    ctx, public = await serving(target, aiohttp_client)
    try:
        response = await public.post(
            "/api/uploads",
            params={"name": "more.fq.gz", "type": "reads"},
            data=multipart_file(FASTQ_GZ),
            headers=lab["headers"],
        )
        assert response.status == 201, await response.text()
        assert (await response.json())["id"] > lab["deleted_upload"]
    finally:
        await ctx.close()


async def test_copying_again_copies_nothing_and_still_matches(lab, target):
    first, second = [], []
    await copy_stores(source_of(lab), target, report=first.append)
    counts = await copy_stores(source_of(lab), target, report=second.append)

    assert all(count.equal for count in counts)
    assert any(not line.endswith(": 0 documents copied") for line in first)
    assert all(line.endswith((": 0 documents copied", ": 0 rows copied")) for line in second), second


async def test_a_copy_stopped_by_a_conflict_continues_once_it_is_removed(lab, target):
    """A target that already holds a sample of the same name (a unique index) stops the copy with the store's
    own error part-way; once that sample is gone, copying again completes with equal counts."""
    client, database = mongo.connect(target.mongodb_url, target.data_path)
    try:
        await mongo.create_indexes(database)
        await database.samples.insert_one({"_id": "zzzz_in_the_way", "name": "Vine 1"})
    finally:
        await client.close()

    with pytest.raises(CopyRefused, match=r"collection samples: the target refused a document: .*Vine 1"):
        await copy_stores(source_of(lab), target, batch_size=1, report=lambda line: None)

    client, database = mongo.connect(target.mongodb_url, target.data_path)
    try:
        await database.samples.delete_one({"_id": "zzzz_in_the_way"})
    finally:
        await client.close()
    counts = await copy_stores(source_of(lab), target, batch_size=1, report=lambda line: None)
    assert counts and all(count.equal for count in counts), counts


async def test_documents_already_in_the_target_make_the_counts_differ(lab, target):
    client, database = mongo.connect(target.mongodb_url, target.data_path)
    try:
        await database.samples.insert_one({"_id": "extra", "name": "Not from the lab"})
    finally:
        await client.close()

    counts = await copy_stores(source_of(lab), target, report=lambda line: None)

    assert [(count.name, count.target - count.source) for count in counts if not count.equal] == [
        ("samples", 1)
    ]


# The command, in a process of its own, killed half-way


def copy_command(
    lab: dict[str, Any], target: Config, *options: str, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "VIRTOOL_TEST_CRASH_AT"}
    if crash_at:
        environment["VIRTOOL_TEST_CRASH_AT"] = crash_at
    urls = [f"--mongodb-url={target.mongodb_url}"] if target.mongodb_url else []
    urls += [f"--postgres-url={target.postgres_url}"] if target.postgres_url else []
    return run_virtool_api(
        ["copy-to-servers", f"--data-path={lab['data_path']}", *urls, *options], env=environment, timeout=300
    )


def test_the_command_needs_somewhere_to_copy_to(lab):
    result = subprocess.run(
        [*serve_command(), "copy-to-servers", f"--data-path={lab['data_path']}"],
        env={key: value for key, value in os.environ.items() if not key.startswith("VIRTOOL_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "give --mongodb-url, --postgres-url or both" in result.stderr


@pytest.mark.skipif(
    not POSTGRES_URL, reason="needs VIRTOOL_TEST_POSTGRES_URL: the command copies into servers only"
)
def test_rows_killed_half_way_are_finished_by_running_again(lab, target):
    postgres_only = Config(data_path=lab["data_path"], postgres_url=target.postgres_url)

    killed = copy_command(lab, postgres_only, "--batch-size=1", crash_at="copy_rows_batch")
    assert killed.returncode == -9, killed.stderr

    finished = copy_command(lab, postgres_only, "--batch-size=1")
    assert finished.returncode == 0, finished.stderr
    assert "table uploads: 3 in the data directory, 3 in the target ok" in finished.stdout
    assert "DIFFERS" not in finished.stdout
    assert finished.stdout.rstrip().endswith("every count matches: start the server with the new URLs")


@pytest.mark.skipif(
    not (MONGODB_URL and POSTGRES_URL),
    reason="needs VIRTOOL_TEST_MONGODB_URL and VIRTOOL_TEST_POSTGRES_URL: the command copies documents into"
    " MongoDB only (the embedded-to-embedded copy above exercises the same code without it)",
)
def test_documents_killed_half_way_are_finished_by_running_again(lab, target):
    killed = copy_command(lab, target, "--batch-size=1", crash_at="copy_documents_batch")
    assert killed.returncode == -9, killed.stderr

    finished = copy_command(lab, target, "--batch-size=1")
    assert finished.returncode == 0, finished.stderr
    assert "collection samples: 1 in the data directory, 1 in the target ok" in finished.stdout
    assert "DIFFERS" not in finished.stdout
