"""Typed keys for what the app and each request carry."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from virtool_api.context import Context

if TYPE_CHECKING:
    from virtool_api.blast.service import BlastRunner

CONTEXT: web.AppKey[Context] = web.AppKey("context", Context)
JOB: web.RequestKey[dict[str, Any]] = web.RequestKey("job", dict)
USER: web.RequestKey[dict[str, Any]] = web.RequestKey("user", dict)
SESSION: web.RequestKey[str] = web.RequestKey("session", str)
"""The id of the browser session that authenticated the request; absent for API keys."""
BLAST_RUNNER: web.AppKey["BlastRunner"] = web.AppKey("blast_runner")
