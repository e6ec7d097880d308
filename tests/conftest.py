"""Fixtures: the real apps over the real stores.

Embedded stores (our document store and SQLite, under a temporary data path) by default; real PostgreSQL when
`VIRTOOL_TEST_POSTGRES_URL` is set and real MongoDB when `VIRTOOL_TEST_MONGODB_URL` is set. Under pytest-xdist
each worker uses databases of its own derived from these URLs (`tests/support/workers.py`).
"""

import gc
import gzip
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.workers import worker_number, worker_postgres_url, worker_redis_url
from virtool_api.analyses.documents import create_analysis
from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.jobs.service import create_job
from virtool_api.jobs.statuses import status_history
from virtool_api.samples.documents import create_sample
from virtool_api.server.app import create_jobs_app, create_public_app
from virtool_api.server.context import create_context
from virtool_api.server.repairs import run_repairs
from virtool_api.storage import migrate
from virtool_api.storage.docstore import store_path
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.sql import SQLITE_FILE, sqlalchemy_url
from virtool_api.users import passwords
from virtool_api.users.keys import create_api_key
from virtool_api.users.service import create_user
from virtool_api.utils import random_id, utc_now

# Server processes the tests start run no runner of their own unless a test asks (`--runner`): a test that
# plays a job by hand must not find it acquired by ours.
os.environ["VIRTOOL_RUNNER"] = "false"

pytest_plugins = ["tests.support.real_server", "tests.support.web_site", "tests.support.import_servers"]
"""Fixtures that run a real server process (`seeded`, `jobs_server`; `site` and `browser`: web client;
`administrator`: the import tests)."""

GIVEN_POSTGRES_URL = os.environ.get("VIRTOOL_TEST_POSTGRES_URL") or None
POSTGRES_URL = GIVEN_POSTGRES_URL and worker_postgres_url(GIVEN_POSTGRES_URL, worker_number())
"""This worker's own PostgreSQL database (created by `postgres_schema` if missing)."""
MONGODB_URL = os.environ.get("VIRTOOL_TEST_MONGODB_URL") or None
GIVEN_REDIS_URL = os.environ.get("VIRTOOL_TEST_REDIS_URL") or None
REDIS_URL = GIVEN_REDIS_URL and worker_redis_url(GIVEN_REDIS_URL, worker_number())
"""This worker's own Redis database."""

QUALITY = {
    "bases": [[31.0, 32.0, 33.0, 34.0, 35.0, 36.0]],
    "composition": [[29.0, 18.0, 22.0, 31.0]],
    "count": 1000,
    "encoding": "Sanger / Illumina 1.9",
    "gc": 40.0,
    "length": [76, 151],
    "sequences": [0, 10, 990],
}

FASTQ_GZ = gzip.compress(b"@r1\nACGT\n+\nIIII\n" * 50)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules marked `slow` (their tests take over about 15 s together: real tools, browsers, fuzzing, server
    processes) first, each kept whole and in its order. `make test` hands modules to the workers in this order
    (`--no-loadscope-reorder`; by default pytest-xdist sends the modules with the most tests first), so the
    long ones start early instead of running alone at the end: the fuzzing module (55 s) had ended a
    four-worker run 16 s after the other workers."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the suite is collected, what was built to collect it (the test modules, schemathesis's and
    hypothesis's schemas, the apps' modules) is set aside from the garbage collector (`gc.freeze`), and the
    youngest generation is collected every 10,000 allocations rather than every 700: the collector scanned
    the same long-lived objects again and again, 8% of the test process's samples in a profile of the
    ordinary tests (their CPU 25.2 and 21.3 s before, 20.8 and 18.7 s after, load 5-7). Server processes the
    tests start keep Python's defaults."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""argon2id at its lowest cost (8 KiB, one pass, one lane): 0.04 ms of CPU a hash here instead of 165 ms."""


@pytest.fixture(autouse=True)
def cheap_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords hashed in the test process are argon2id at its lowest cost, unless the test is marked
    `real_password_cost` (the tests of the cost itself: its parameters, a dummy hash as slow as a real one,
    hashing that holds up no other request). The same code runs, salts and all; only the work per hash
    shrinks, which took 35 of the suite's 395 s of CPU. Server processes a test starts hash at the real
    cost."""
    if request.node.get_closest_marker("real_password_cost"):
        return
    passwords._dummy_hash.cache_clear()
    monkeypatch.setattr(passwords, "_hasher", CHEAP_HASHER)
    request.addfinalizer(passwords._dummy_hash.cache_clear)


@pytest.fixture(scope="session")
def postgres_schema() -> str | None:
    """Once per run (per worker): an empty `public` schema migrated to head on this worker's PostgreSQL
    database, which is created beside the given one first if it is missing."""
    if not POSTGRES_URL or not GIVEN_POSTGRES_URL:
        return None
    import asyncio

    url = sqlalchemy_url(POSTGRES_URL, Path("."))

    async def reset() -> None:
        from sqlalchemy.ext.asyncio import create_async_engine

        if POSTGRES_URL != GIVEN_POSTGRES_URL:
            await _create_database_if_missing(GIVEN_POSTGRES_URL, POSTGRES_URL)

        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
        await migrate.upgrade_to_head(url)

    asyncio.run(reset())
    return url


async def _create_database_if_missing(given_url: str, own_url: str) -> None:
    """Create `own_url`'s database, connected to the given (existing) one, unless it exists."""
    import asyncpg

    name = own_url.rpartition("/")[2].partition("?")[0]
    connection = await asyncpg.connect(given_url)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            try:
                await connection.execute(f'CREATE DATABASE "{name}"')
            except asyncpg.DuplicateDatabaseError:
                pass  # made meanwhile by another run on the same server
    finally:
        await connection.close()


EMPTY_POSTGRES = """
DO $$
DECLARE
    name text;
    written text[] := '{}';
    found boolean;
BEGIN
    FOR name IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'
    LOOP
        EXECUTE 'SELECT EXISTS (SELECT FROM ' || quote_ident(name) || ')' INTO found;
        IF found THEN
            written := written || quote_ident(name);
        END IF;
    END LOOP;
    IF cardinality(written) > 0 THEN
        EXECUTE 'TRUNCATE ' || array_to_string(written, ', ') || ' CASCADE';
    END IF;
    FOR name IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL
    LOOP
        EXECUTE 'ALTER SEQUENCE ' || quote_ident(name) || ' RESTART';
    END LOOP;
END $$
"""
"""Empty this worker's migrated PostgreSQL schema for the next test, as TRUNCATE ... RESTART IDENTITY of every
table would, but only the tables a test wrote to and the sequences it used (a sequence a test advanced, on a
table left empty by a rolled-back insert or not), in one statement: one round trip and one commit.

Truncating all tables took 0.10-0.16 s a test here (each TRUNCATE gives a table new files); finding the few a
test touched first takes 0.02 s. Copying a template database instead (CREATE DATABASE ... TEMPLATE, 0.03 s)
needs a DROP DATABASE after each test, which waits for a checkpoint of the whole cluster: seconds, and tens of
seconds while other suites write to the same server."""


async def _truncate_postgres(url: str) -> None:
    """`EMPTY_POSTGRES` on a connection of its own, for tests that start servers on the schema."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
    try:
        await connection.execute(EMPTY_POSTGRES)
    finally:
        await connection.close()


async def _empty_postgres(engine: AsyncEngine) -> None:
    """`EMPTY_POSTGRES` on the test's own engine: the connection it then uses is the one that emptied the
    schema (a new connection is a new PostgreSQL process, several round trips and authentication)."""
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute(EMPTY_POSTGRES)


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """This worker's own real, empty Redis database (from `VIRTOOL_TEST_REDIS_URL`; under pytest-xdist the
    number counts down by worker, see `tests/support/workers.py`), flushed before and after the test.

    A test that asks for it also gets a server wired to it (see `config`). Skipped, saying why, without one:
    the embedded default has no Redis.
    """
    if not REDIS_URL:
        pytest.skip(
            "needs Redis: set VIRTOOL_TEST_REDIS_URL=redis://127.0.0.1:6379/15"
            " (the embedded default has none)"
        )
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    await client.flushdb()
    yield REDIS_URL
    await client.flushdb()
    await client.aclose()


@pytest.fixture
def config(tmp_path: Path, postgres_schema: str | None, request: pytest.FixtureRequest) -> Config:
    mongodb_url = None
    if MONGODB_URL:
        base, _, query = MONGODB_URL.partition("?")
        mongodb_url = f"{base.rstrip('/')}/virtool_test_{random_id()}" + (f"?{query}" if query else "")
    return Config(
        data_path=tmp_path / "data",
        mongodb_url=mongodb_url,
        postgres_url=POSTGRES_URL,
        redis_url=request.getfixturevalue("redis_url") if "redis_url" in request.fixturenames else None,
        job_ping_timeout=300,
    )


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded stores as a first start leaves them, made once per run (per worker): the SQL store
    migrated to head and, beside it in the same data path, the document store with every index and the
    markers of the start-up backfills (each test's start then reads a marker instead of searching). Each test
    starts from a copy (`copy_migrated_sqlite`) instead of running every migration again (a quarter of a
    second a test) and declaring the 40 indexes one by one (0.2 s a test; declaring them again over a copy
    finds them made)."""
    import asyncio

    data_path = tmp_path_factory.mktemp("migrated")

    async def make() -> None:
        context = await create_context(Config(data_path=data_path), migrate_schema=True)
        try:
            await run_repairs(context)  # a first start's backfills leave their markers
        finally:
            await context.close()

    asyncio.run(make())
    return data_path / SQLITE_FILE


def copy_migrated_sqlite(migrated: Path, data_path: Path, sql: bool = True, documents: bool = True) -> None:
    """Give a new data path the embedded stores made once by `migrated_sqlite` (the SQL store migrated to
    head, the document store with its indexes), so opening them finds nothing to migrate or index: 0.5-1 s
    less for each server a test starts on this machine. `sql=False` where PostgreSQL holds the tables,
    `documents=False` where MongoDB holds the documents."""
    data_path.mkdir(parents=True, exist_ok=True)
    if sql:
        shutil.copyfile(migrated, data_path / SQLITE_FILE)
    if documents:
        store_path(data_path).parent.mkdir(exist_ok=True)
        shutil.copyfile(store_path(migrated.parent), store_path(data_path))


@pytest.fixture
async def ctx(config: Config, postgres_schema: str | None, migrated_sqlite: Path) -> AsyncIterator[Context]:
    copy_migrated_sqlite(
        migrated_sqlite, config.data_path, sql=not postgres_schema, documents=not config.mongodb_url
    )
    context = await create_context(config, migrate_schema=False)
    if postgres_schema:
        await _empty_postgres(context.engine)
    yield context
    if config.mongodb_url:
        await context.mongo_client.drop_database(context.db.name)
    await context.close()


@pytest.fixture
async def jobs_client(ctx: Context, aiohttp_client):  # type: ignore[no-untyped-def]
    # `ctx` first: fixtures tear down in reverse order, so the app and its background tasks stop before the
    # stores close (the other way round, a stopping task reopens a connection nobody closes).
    return await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))


@pytest.fixture
async def public_client(ctx: Context, aiohttp_client):  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_public_app(ctx))


class Factory:
    """Builds samples, analyses and jobs through the service layer, as the public API will."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._user: dict[str, Any] | None = None

    async def user(self) -> dict[str, str]:
        if self._user is None:
            document = await insert_with_random_id(
                self.ctx.db.users,
                {
                    "handle": f"user_{random_id(4)}",
                    "administrator": False,
                    "groups": [],
                    "created_at": utc_now(),
                },
            )
            self._user = {"id": document["_id"], "handle": document["handle"]}
        return self._user

    async def sample(self, ready: bool = False, **fields: Any) -> dict[str, Any]:
        extra = {"ready": True, "quality": QUALITY, "status": "available"} if ready else {}
        user = fields.pop("user", None) or await self.user()
        name = fields.pop("name", None) or f"Sample {random_id(6)}"
        return await create_sample(self.ctx, name=name, user=user, **{**extra, **fields})

    async def create_sample_job(self, sample: dict[str, Any]) -> dict[str, Any]:
        job = await create_job(
            self.ctx, "create_sample", {"sample_id": sample["_id"], "files": []}, await self.user()
        )
        await self.ctx.db.samples.update_one({"_id": sample["_id"]}, {"$set": {"job": {"id": job["_id"]}}})
        return job

    async def analysis(self, sample: dict[str, Any] | None = None, workflow: str = "pathoscope_bowtie"):  # type: ignore[no-untyped-def]
        sample = sample or await self.sample(ready=True)
        user = await self.user()
        reference = await insert_with_random_id(
            self.ctx.db.references, {"name": "Plant viruses", "data_type": "genome", "building_index": None}
        )
        index = await insert_with_random_id(
            self.ctx.db.indexes,
            {
                "reference": {"id": reference["_id"], "name": "Plant viruses", "data_type": "genome"},
                "version": 3,
                "ready": True,
                "has_files": True,
                "created_at": utc_now(),
                "user": user,
                "job": None,
            },
        )
        subtraction = await insert_with_random_id(
            self.ctx.db.subtractions,
            {
                "name": "Arabidopsis thaliana",
                "nickname": "",
                "ready": True,
                "created_at": utc_now(),
                "file": {"id": 1, "name": "arabidopsis.fa.gz"},
                "user": user,
                "job": None,
            },
        )
        return await create_analysis(
            self.ctx,
            sample=sample,
            workflow=workflow,
            reference=reference,
            index=index,
            subtractions=[subtraction],
            user=await self.user(),
        )

    async def analysis_job(self, analysis: dict[str, Any]) -> dict[str, Any]:
        job = await create_job(
            self.ctx,
            analysis["workflow"],
            {
                "analysis_id": analysis["_id"],
                "sample_id": analysis["sample"]["id"],
                "ref_id": analysis["reference"]["id"],
                "index_id": analysis["index"]["id"],
                "subtractions": [subtraction["id"] for subtraction in analysis["subtractions"]],
            },
            await self.user(),
        )
        await self.ctx.db.analyses.update_one({"_id": analysis["_id"]}, {"$set": {"job": {"id": job["_id"]}}})
        return job

    async def person(
        self, administrator: bool = False, groups: list[str] | None = None, handle: str | None = None
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """A user with an API key: returns the user document and the `X-API-Key` headers to act as them."""
        user = await create_user(self.ctx, handle or f"person_{random_id(5)}", administrator, groups)
        _, key = await create_api_key(self.ctx, user["_id"], "tests")
        return user, {"X-API-Key": key}


@pytest.fixture
def factory(ctx: Context) -> Factory:
    return Factory(ctx)


@pytest.fixture
async def admin(factory: Factory) -> tuple[dict[str, Any], dict[str, str]]:
    """An administrator with an API key: their user document and the headers that act as them."""
    return await factory.person(administrator=True)


async def stored_job(ctx: Context, job_id: str) -> dict[str, Any]:
    """The job document as stored, with its status history as the job API reads it (`jobs/statuses.py`)."""
    document = await ctx.db.jobs.find_one({"_id": job_id})
    assert document is not None, job_id
    return {**document, "status": await status_history(ctx, document)}


def basic_auth(login: str, password: str) -> dict[str, str]:
    return {"Authorization": aiohttp.encode_basic_auth(login, password)}


async def acquire(client, job_id: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Acquire a job as a runner would; returns the headers that authenticate as that job."""
    response = await client.patch(f"/api/jobs/{job_id}", json={"acquired": True})
    assert response.status == 200, await response.text()
    return basic_auth(f"job-{job_id}", (await response.json())["key"])


def multipart_file(data: bytes, filename: str = "file") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=filename, content_type="application/octet-stream")
    return form
