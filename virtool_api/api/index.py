"""`GET /api`: where things are, for a person or a script that starts at the API's root."""

from typing import Any

from aiohttp import web

from virtool_api.api.openapi import package_version
from virtool_api.api.routes import ApiRoutes

routes = ApiRoutes("api")

RESOURCES = {
    "account": "/api/account",
    "samples": "/api/samples",
    "analyses": "/api/analyses",
    "jobs": "/api/jobs",
    "runners": "/api/runners",
    "uploads": "/api/uploads",
    "references": "/api/references",
    "subtractions": "/api/subtractions",
    "hmms": "/api/hmms",
    "labels": "/api/labels",
    "tags": "/api/tags",
    "projects": "/api/projects",
    "settings": "/api/settings",
    "users": "/api/users",
    "groups": "/api/groups",
}


@routes.get("", response=dict[str, Any], auth=False)
async def index(request: web.Request) -> dict[str, Any]:
    """Where things are: the documentation, the OpenAPI document, live events, health and each resource."""
    return {
        "name": "virtool-api",
        "version": package_version(),
        "web_client": "/",
        "documentation": "/docs",
        "openapi": "/api/openapi.json",
        "events": "/api/events",
        "health": "/api/health",
        "ready": "/api/ready",
        "authentication": "X-API-Key: <key> (create one on /account), or the session of the web client",
        "resources": RESOURCES,
    }
