"""Fixtures the runner tests share: `runner`, a workflow runner played over HTTP for a workflow's jobs."""

import pytest

from tests.support.runner import Runner


@pytest.fixture
def runner(redis_url, jobs_client):
    return lambda workflow: Runner(jobs_client, redis_url, workflow)
