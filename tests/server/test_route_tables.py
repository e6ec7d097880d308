"""The route tables are built once per process and registered by every app that serves them
(`ApiRoutes.built`, the web client's `_client`): each app still has a router of its own, and what one app
adds to it, or the endpoints it lists, stays its own."""

import dataclasses

import pytest
from aiohttp import web

from virtool_api.api.routes import ENDPOINTS
from virtool_api.context import Context
from virtool_api.server.app import create_jobs_app, create_public_app


def routes(app: web.Application) -> list[tuple[str, str, object]]:
    return [(route.method, route.resource.canonical, route.handler) for route in app.router.routes()]


async def test_two_apps_serve_the_same_routes_from_routers_of_their_own(ctx: Context):
    first, second = create_public_app(ctx), create_public_app(ctx)
    assert first.router is not second.router
    assert routes(first) == routes(second)
    assert len(routes(first)) > 100
    assert routes(create_jobs_app(ctx, watch_timeouts=False)) == routes(create_jobs_app(ctx))


async def test_a_route_added_to_one_app_is_not_in_the_next(ctx: Context):
    async def extra(_request: web.Request) -> web.Response:
        return web.Response()

    first = create_public_app(ctx)
    before = routes(first)
    first.router.add_get("/api/extra", extra)
    first[ENDPOINTS].clear()

    second = create_public_app(ctx)
    assert routes(second) == before
    assert "/api/extra" not in {path for _, path, _ in routes(second)}
    assert second[ENDPOINTS]


async def test_an_apps_endpoints_cannot_be_changed_in_place(ctx: Context):
    endpoint = create_public_app(ctx)[ENDPOINTS][0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        endpoint.path = "/elsewhere"  # type: ignore[misc]
