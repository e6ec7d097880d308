"""Each pytest-xdist worker gets databases of its own on the real servers the suite is pointed at.

`make test` runs the suite in worker processes `gw0`, `gw1`, ... (`PYTEST_XDIST_WORKER`); a plain `pytest` run
has none and uses the given URLs as they are. The rules:

- PostgreSQL: the database named in the URL, suffixed with the worker: `.../test` -> `.../test_gw0`,
  `.../test_gw1` (created on first use; each migrated once per worker by `postgres_schema`).
- Redis: the database number in the URL, counting down by the worker's number: `redis://host/15` -> 15 for
  `gw0`, 14 for `gw1`. Redis has databases 0-15, so a base of N leaves room for N + 1 workers.
- MongoDB: every test already gets a database of its own (`virtool_test_<random id>`).

The URLs the suite is pointed at (`VIRTOOL_TEST_*_URL`, None when unset) and this worker's own are below.
"""

import os


def worker_number() -> int | None:
    """This process's pytest-xdist worker number (`gw3` -> 3), or None outside xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return int(worker.removeprefix("gw")) if worker else None


def worker_postgres_url(url: str, worker: int | None) -> str:
    """The URL of this worker's own database beside the one `url` names."""
    if worker is None:
        return url
    base, _, rest = url.rpartition("/")
    name, separator, query = rest.partition("?")
    if not name:
        raise ValueError(f"VIRTOOL_TEST_POSTGRES_URL names no database: {url}")
    return f"{base}/{name}_gw{worker}{separator}{query}"


def worker_redis_url(url: str, worker: int | None) -> str:
    """The URL of this worker's own Redis database: the given number minus the worker's."""
    if worker is None:
        return url
    base, _, rest = url.rpartition("/")
    number, separator, query = rest.partition("?")
    if not number.isdigit():
        raise ValueError(f"VIRTOOL_TEST_REDIS_URL must end in a database number (e.g. /15): {url}")
    own = int(number) - worker
    if own < 0:
        raise ValueError(
            f"VIRTOOL_TEST_REDIS_URL's database {number} leaves no database for worker gw{worker}:"
            f" give a higher number (workers count down from it) or run fewer workers"
        )
    return f"{base}/{own}{separator}{query}"


GIVEN_POSTGRES_URL = os.environ.get("VIRTOOL_TEST_POSTGRES_URL") or None
POSTGRES_URL = GIVEN_POSTGRES_URL and worker_postgres_url(GIVEN_POSTGRES_URL, worker_number())
"""This worker's own PostgreSQL database (created by `postgres_schema` if missing)."""
MONGODB_URL = os.environ.get("VIRTOOL_TEST_MONGODB_URL") or None
GIVEN_REDIS_URL = os.environ.get("VIRTOOL_TEST_REDIS_URL") or None
REDIS_URL = GIVEN_REDIS_URL and worker_redis_url(GIVEN_REDIS_URL, worker_number())
"""This worker's own Redis database."""
