"""Typed keys for what the app and each request carry."""

from typing import Any

from aiohttp import web

from virtool_api.context import Context

CONTEXT: web.AppKey[Context] = web.AppKey("context", Context)
JOB: web.RequestKey[dict[str, Any]] = web.RequestKey("job", dict)
USER: web.RequestKey[dict[str, Any]] = web.RequestKey("user", dict)
