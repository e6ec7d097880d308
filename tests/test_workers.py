"""Each pytest-xdist worker's databases: the rules of `tests/support/workers.py`, and that this worker uses
them."""

import pytest
from sqlalchemy import text

from tests.support.workers import (
    GIVEN_POSTGRES_URL,
    GIVEN_REDIS_URL,
    worker_number,
    worker_postgres_url,
    worker_redis_url,
)


def test_outside_xdist_the_given_urls_are_used_as_they_are():
    assert worker_postgres_url("postgresql://postgres@127.0.0.1:5432/test", None) == (
        "postgresql://postgres@127.0.0.1:5432/test"
    )
    assert worker_redis_url("redis://127.0.0.1:6379/15", None) == "redis://127.0.0.1:6379/15"


def test_each_worker_gets_a_postgres_database_suffixed_with_its_name():
    url = "postgresql://postgres:postgres@127.0.0.1:5432/test"
    assert worker_postgres_url(url, 0) == "postgresql://postgres:postgres@127.0.0.1:5432/test_gw0"
    assert worker_postgres_url(url, 1) == "postgresql://postgres:postgres@127.0.0.1:5432/test_gw1"


def test_the_postgres_query_string_is_kept():
    assert worker_postgres_url("postgresql://u@h/test?sslmode=disable", 1) == (
        "postgresql://u@h/test_gw1?sslmode=disable"
    )


def test_a_postgres_url_without_a_database_is_refused():
    with pytest.raises(ValueError, match="names no database"):
        worker_postgres_url("postgresql://u@h/", 0)


def test_redis_databases_count_down_from_the_given_one():
    assert worker_redis_url("redis://127.0.0.1:6379/15", 0) == "redis://127.0.0.1:6379/15"
    assert worker_redis_url("redis://127.0.0.1:6379/15", 1) == "redis://127.0.0.1:6379/14"


def test_a_redis_number_too_low_for_the_workers_is_refused():
    with pytest.raises(ValueError, match="leaves no database for worker gw1"):
        worker_redis_url("redis://127.0.0.1:6379/0", 1)


def test_a_redis_url_without_a_database_number_is_refused():
    with pytest.raises(ValueError, match=r"must end in a database number"):
        worker_redis_url("redis://127.0.0.1:6379", 0)


async def test_the_server_under_test_uses_this_workers_postgres_database(ctx):
    if not GIVEN_POSTGRES_URL:
        pytest.skip("needs VIRTOOL_TEST_POSTGRES_URL")
    async with ctx.engine.connect() as connection:
        name = (await connection.execute(text("SELECT current_database()"))).scalar_one()
    worker = worker_number()
    given = GIVEN_POSTGRES_URL.rpartition("/")[2].partition("?")[0]
    assert name == (given if worker is None else f"{given}_gw{worker}")


async def test_the_server_under_test_uses_this_workers_redis_database(ctx, redis_url):
    worker = worker_number()
    given = int((GIVEN_REDIS_URL or "").rpartition("/")[2])
    assert ctx.redis.connection_pool.connection_kwargs["db"] == given - (worker or 0)
