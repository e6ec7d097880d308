"""The web client, served by the public app: the page at `/` and at every client route (so a deep link
survives a reload), its files under `/static/`, and the API documentation at `/docs`.

The page talks to the public API like any script, with the session cookie. When the request carries a valid
session, the page is rendered with the account in it, so the client knows who is signed in without a request
(and without a 401 when nobody is).
"""

import functools
import html
import json
from typing import Any

from aiohttp import web

from virtool_api.api.keys import CONTEXT
from virtool_api.users.service import render_user
from virtool_api.users.session_cookie import session_user
from virtool_api.users.setup import setup_required
from virtool_api.web.assets import Assets

CLIENT_SECTIONS = (
    "login",
    "setup",
    "samples",
    "analyses",
    "jobs",
    "references",
    "otus",
    "indexes",
    "subtractions",
    "hmms",
    "account",
    "administration",
)
"""First path segments that are pages of the client; anything else outside `/api` is 404."""

ASSETS: web.AppKey[Assets] = web.AppKey("web_assets", Assets)
INDEX: web.AppKey["Page"] = web.AppKey("web_index")


class Page:
    """index.html, and its Content-Security-Policy: scripts from this server only. The page loads one module,
    `static/app/client.js`, the client bundled from `web/client/` (see `web/build.mjs`)."""

    CSP = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, assets: Assets) -> None:
        index = assets.get("index.html")
        assert index is not None, "the package lacks virtool_api/web/static/index.html"
        self.template = index.body.decode()
        self.csp = self.CSP

    def render(self, account: dict[str, Any] | None, setup_required: bool = False) -> str:
        """The page with the signed-in account in it; without one, whether the first administrator is still
        to be made (the client then shows its setup page instead of signing in)."""
        if account is None:
            flag = '<script type="application/json" id="setup-required">true</script>'
            return self.template.replace("<!--account-->", flag if setup_required else "")
        # `<` escaped, so no value can close the script element early.
        data = json.dumps(account).replace("<", "\\u003c")
        return self.template.replace(
            "<!--account-->", f'<script type="application/json" id="account">{data}</script>'
        )


DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

_PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _public(handler: Any) -> Any:
    handler.requires_auth = False  # the pages hold no data; the API they call checks who is asking
    return handler


@_public
async def client_page(request: web.Request) -> web.Response:
    """The client's page, with the signed-in account (if any) in it. Never cached: it names the person."""
    ctx = request.app[CONTEXT]
    user = await session_user(request)
    account = None
    if user is not None:
        account = (await render_user(ctx, user)).model_dump(mode="json")
    return web.Response(
        text=request.app[INDEX].render(account, account is None and await setup_required(ctx)),
        content_type="text/html",
        headers={
            **_PAGE_HEADERS,
            "Content-Security-Policy": request.app[INDEX].csp,
            "Cache-Control": "no-store",
        },
    )


@_public
async def docs_page(request: web.Request) -> web.StreamResponse:
    """The OpenAPI document of both APIs (`/api/openapi.json`), rendered by the vendored Swagger UI."""
    return _asset_response(request, "docs.html", {**_PAGE_HEADERS, "Content-Security-Policy": DOCS_CSP})


_NOT_FOUND_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not found · Virtool</title><link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/app/app.css"></head>
<body><main id="main"><section><h1>Not found</h1>
<p>There is no page at <code>{path}</code>.</p>
<p><a href="/">Go to the start page</a> · <a href="/samples">Samples</a> ·
<a href="/docs">API documentation</a></p>
</section></main></body>
</html>
"""


@_public
async def not_found_page(request: web.Request) -> web.Response:
    """404 as a page people can read, naming the address and linking back (the API answers JSON 404s)."""
    return web.Response(
        status=404,
        text=_NOT_FOUND_PAGE.format(path=html.escape(request.path)),
        content_type="text/html",
        headers={**_PAGE_HEADERS, "Content-Security-Policy": Page.CSP, "Cache-Control": "no-store"},
    )


@_public
async def static_file(request: web.Request) -> web.StreamResponse:
    return _asset_response(request, request.match_info["name"], {"X-Content-Type-Options": "nosniff"})


def _asset_response(request: web.Request, name: str, headers: dict[str, str]) -> web.StreamResponse:
    """The asset with an ETag (a reload answers 304) and gzip when the browser takes it."""
    asset = request.app[ASSETS].get(name)
    if asset is None:
        raise web.HTTPNotFound()
    headers = {**headers, "ETag": asset.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    body = asset.body
    if asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        body, headers["Content-Encoding"] = asset.gzipped, "gzip"
    charset = (
        "utf-8" if asset.content_type.startswith("text/") or asset.content_type.endswith("+xml") else None
    )
    return web.Response(body=body, content_type=asset.content_type, charset=charset, headers=headers)


def register(app: web.Application) -> None:
    """Add the client's routes to the public app."""
    assets, page, resources = _client()
    app[ASSETS] = assets
    app[INDEX] = page
    for resource in resources:
        app.router.register_resource(resource)


@functools.cache
def _client() -> tuple[Assets, Page, tuple[web.AbstractResource, ...]]:
    """The client's files, its page and its routes, once per process and shared by every public app: the
    package's files do not change while it runs, and neither do the routes once built (as `ApiRoutes.built`).
    Made for each app, they were a third of the CPU a public app took to build."""
    assets = Assets()
    router = web.UrlDispatcher()
    router.add_get("/", client_page)
    for section in CLIENT_SECTIONS:
        router.add_get(f"/{section}", client_page)
        router.add_get(f"/{section}/{{tail:.*}}", client_page)
    router.add_get("/docs", docs_page)
    router.add_get("/static/{name:.+}", static_file)
    # Last: any other page a person may open is an HTML "not found" with a way back (the API's stay JSON).
    router.add_get(r"/{tail:(?!api/|api$|static/).*}", not_found_page)
    return assets, Page(assets), tuple(router.resources())
