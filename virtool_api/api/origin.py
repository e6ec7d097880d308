"""Where a request comes from: the caller's address and scheme (believing `X-Forwarded-*` only from trusted
proxies) and whether a browser request was sent by our own page.

A request authenticated by the session cookie that could change something (any method but GET, HEAD and
OPTIONS) must prove it comes from our own page: it carries the `X-Requested-With` header, which a cross-site
form cannot send and which no other site's script may send without a CORS grant (this server grants none),
and its `Origin` (or, without one, its `Referer`) names this site. API keys need neither: a browser never
sends them by itself.
"""

import functools
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from aiohttp import hdrs, web

from virtool_api.api.keys import CONTEXT
from virtool_api.errors import InsufficientRights

PAGE_HEADER = "X-Requested-With"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CROSS_SITE = InsufficientRights.declare("Cross-site request refused")


def only_from_our_page(handler: Any) -> None:
    """Mark a route that needs no credentials but only our page may call (signing in: a cross-site form must
    not sign a visitor in to someone else's account). Checked before the body is read."""
    handler.only_from_our_page = True


@functools.cache
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in trusted)


def _is_trusted(request: web.Request, address: str | None) -> bool:
    networks = _networks(request.app[CONTEXT].config.trusted_proxies)
    if not networks or not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _from_trusted_proxy(request: web.Request) -> bool:
    return _is_trusted(request, request.remote)


def _forwarded(request: web.Request, header: str) -> str | None:
    """The first value of an `X-Forwarded-*` header, believed only from a trusted proxy."""
    if not _from_trusted_proxy(request):
        return None
    value = request.headers.get(header, "").split(",")[0].strip()
    return value or None


def client_address(request: web.Request) -> str:
    """The caller's IP address: the peer, or, behind trusted proxies, the nearest untrusted address in
    `X-Forwarded-For` (read from the right, so a client cannot pose as someone else by sending the header)."""
    address = request.remote or "unknown"
    if not _is_trusted(request, address):
        return address
    for hop in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        hop = hop.strip()
        if hop and not _is_trusted(request, hop):
            return hop
    return address


def came_over_tls(request: web.Request) -> bool:
    """Whether the browser reached us over HTTPS: directly, or per a trusted proxy's `X-Forwarded-Proto`."""
    if request.secure:
        return True
    return (_forwarded(request, "X-Forwarded-Proto") or "").lower() == "https"


def _our_host(request: web.Request) -> str:
    """The host the browser asked for. `X-Forwarded-Host` is never read, even from a trusted proxy: a proxy
    that does not set it passes the client's own on, and the nginx example in docs/operating.md passes `Host`
    instead."""
    return request.host.lower()


def require_our_page(request: web.Request) -> None:
    """403 "Cross-site request refused" unless the request carries `X-Requested-With` and its `Origin` (or
    `Referer`), when sent, names this host. Only hosts are compared: behind a TLS-terminating proxy the page
    is `https://lab.example` while we are reached over plain HTTP."""
    if not request.headers.get(PAGE_HEADER):
        raise CROSS_SITE
    source = request.headers.get(hdrs.ORIGIN) or request.headers.get(hdrs.REFERER)
    if source is not None and urlsplit(source).netloc.lower() != _our_host(request):
        raise CROSS_SITE
