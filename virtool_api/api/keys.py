"""Typed keys for what the app and each request carry."""

from typing import Any

from aiohttp import web

from virtool_api.context import Context

CONTEXT: web.AppKey[Context] = web.AppKey("context", Context)
JOB: web.RequestKey[dict[str, Any]] = web.RequestKey("job", dict)
USER: web.RequestKey[dict[str, Any]] = web.RequestKey("user", dict)
SESSION: web.RequestKey[str] = web.RequestKey("session", str)
"""The id of the browser session that authenticated the request; absent for API keys."""
