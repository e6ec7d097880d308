"""Typed keys for what the app and each request carry."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from virtool_api.context import Context

if TYPE_CHECKING:
    from virtool_api.blast.service import BlastRunner

CONTEXT: web.AppKey[Context] = web.AppKey("context", Context)
JOB: web.RequestKey[dict[str, Any]] = web.RequestKey("job", dict)
USER: web.RequestKey[dict[str, Any]] = web.RequestKey("user", dict)
BLAST_RUNNER: web.AppKey["BlastRunner"] = web.AppKey("blast_runner")
