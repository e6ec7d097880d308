"""Typed keys for what the app and each request carry."""

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from virtool_api.context import Context

CONTEXT: web.AppKey[Context] = web.AppKey("context", Context)
JOB: web.RequestKey[dict[str, Any]] = web.RequestKey("job", dict)


@dataclass
class JobCredentials:
    """What a job's request says it is (HTTP Basic `job-{job_id}:{key}`), and the job once a handler's
    update matched its key (`job`: None until then)."""

    job_id: str
    key: str
    job: dict[str, Any] | None = None


JOB_CREDENTIALS: web.RequestKey[JobCredentials] = web.RequestKey("job_credentials", JobCredentials)
"""On a route whose handler authenticates the job itself (`authenticates_job=True`): what to check."""
USER: web.RequestKey[dict[str, Any]] = web.RequestKey("user", dict)
SESSION: web.RequestKey[str] = web.RequestKey("session", str)
"""The id of the browser session that authenticated the request; absent for API keys."""
READ: web.RequestKey[Any] = web.RequestKey("read", object)
"""What a public route's `reads` read in the round trip that authenticated the caller (`api/routes.py`)."""
