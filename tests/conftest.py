"""Fixtures: the real apps over the real stores.

Embedded stores (our document store and SQLite, under a temporary data path) by default; real PostgreSQL when
`VIRTOOL_TEST_POSTGRES_URL` is set and real MongoDB when `VIRTOOL_TEST_MONGODB_URL` is set. Under pytest-xdist
each worker uses databases of its own derived from these URLs (`tests/support/workers.py`).
"""

import gc
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from tests.support.factory import Factory
from tests.support.stores import copy_migrated_sqlite, create_database_if_missing, empty_postgres
from tests.support.workers import GIVEN_POSTGRES_URL, MONGODB_URL, POSTGRES_URL, REDIS_URL
from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.server.app import create_jobs_app, create_public_app
from virtool_api.server.context import create_context
from virtool_api.server.repairs import run_repairs
from virtool_api.storage import migrate
from virtool_api.storage.sql import SQLITE_FILE, sqlalchemy_url
from virtool_api.users import passwords
from virtool_api.utils import random_id

# Server processes the tests start run no runner of their own unless a test asks (`--runner`): a test that
# plays a job by hand must not find it acquired by ours.
os.environ["VIRTOOL_RUNNER"] = "false"

pytest_plugins = ["tests.support.real_server", "tests.support.web_site", "tests.support.import_servers"]
"""Fixtures that run a real server process (`seeded`, `jobs_server`; `site` and `browser`: web client;
`administrator`: the import tests)."""


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
            await create_database_if_missing(GIVEN_POSTGRES_URL, POSTGRES_URL)

        engine = create_async_engine(url)
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
        await migrate.upgrade_to_head(url)

    asyncio.run(reset())
    return url


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


@pytest.fixture
async def ctx(config: Config, postgres_schema: str | None, migrated_sqlite: Path) -> AsyncIterator[Context]:
    copy_migrated_sqlite(
        migrated_sqlite, config.data_path, sql=not postgres_schema, documents=not config.mongodb_url
    )
    context = await create_context(config, migrate_schema=False)
    if postgres_schema:
        await empty_postgres(context.engine)
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


@pytest.fixture
def factory(ctx: Context) -> Factory:
    return Factory(ctx)


@pytest.fixture
async def admin(factory: Factory) -> tuple[dict[str, Any], dict[str, str]]:
    """An administrator with an API key: their user document and the headers that act as them."""
    return await factory.person(administrator=True)
