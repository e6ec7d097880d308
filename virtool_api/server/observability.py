"""What an operator sees: one log line per request, Prometheus metrics at `/metrics`, readable startup lines.

`install(app, api)` adds both to an application. Each application gets its own `CollectorRegistry`, so two
apps in one process (or many in a test run) never share counters. Logs never carry keys, passwords or the
`Authorization` header: a request line names the client by kind and id only.
"""

import asyncio
import bisect
import itertools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientPayloadError, web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    disable_created_metrics,
    gc_collector,
    generate_latest,
    platform_collector,
    process_collector,
)
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from virtool_api.api.keys import CONTEXT, JOB, USER
from virtool_api.api.routes import ENDPOINTS, Endpoint
from virtool_api.config import Config
from virtool_api.jobs.service import count_by_state
from virtool_api.options import declared, flag
from virtool_api.storage.docstore import store_path
from virtool_api.storage.sql import SQLITE_FILE
from virtool_api.utils import mask_url

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("virtool_api.requests")

METRICS_PATH = "/metrics"
PROBE_PATHS = frozenset({"/api/health", "/api/ready", METRICS_PATH})
"""Successful probes and scrapes log at DEBUG: every few seconds at INFO would drown the real requests."""

ROUTINE_RUNNER_CALLS = frozenset(
    {
        ("GET", "/api/jobs/{job_id}"),
        ("PUT", "/api/jobs/{job_id}/ping"),
        ("GET", "/api/queue"),
        ("PUT", "/api/runners/{runner_id}"),
    }
)
"""What each runner sends every few seconds on the job API (a job's ping and look for a cancel, a wait for
work, a report of itself). Answered without error, they log at DEBUG for the same reason as probes: ten
runners would otherwise write a line a second saying nothing; status posts, uploads and errors stay INFO."""

UNMATCHED_ROUTE = "unmatched"
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
JOB_COUNT_TIMEOUT = 5.0

# `*_created` series double the output and no dashboard of ours reads them.
disable_created_metrics()

REDIS_URL = declared(Config, ["redis_url"])[0]
"""Named by the start-up line that says how to attach other runners."""


def describe_stores(config: Config) -> list[str]:
    """Lines for the startup log: which stores this process uses, credentials masked."""
    if config.mongodb_url:
        documents = f"MongoDB at {mask_url(config.mongodb_url)}"
    else:
        documents = f"embedded (SQLite) at {store_path(config.data_path).resolve()}"
    if config.postgres_url:
        sql = f"PostgreSQL at {mask_url(config.postgres_url)}"
    else:
        sql = f"embedded SQLite at {(config.data_path / SQLITE_FILE).resolve()}"
    if config.redis_url:
        handoff = (
            f"job hand-off: Redis at {mask_url(config.redis_url)} (runners wait on lists jobs_<workflow>)"
        )
    else:
        handoff = (
            "job hand-off: the server's queue (GET /api/queue on the job API), where our runner takes jobs;"
            f" to attach runners on other machines, or Virtool's, serve with {REDIS_URL.flag} redis://HOST:6379/0"
            f" ({REDIS_URL.env})"
        )
    if config.runner is False or (config.runner is None and config.redis_url):
        handoff += "; no runner is started with the server (start `virtool-api runner` where jobs should run)"
    else:
        handoff += (
            f"; our runner starts with the server (turn it off with {flag(Config, 'runner', off=True)})"
        )
    return [
        f"document store: {documents}",
        f"SQL store: {sql}",
        f"data path: {config.data_path.resolve()}",
        handoff,
    ]


def client_of(request: web.Request) -> tuple[str, str | None]:
    """`("job", id)`, `("user", id)` or `("anonymous", None)`: who the auth middleware said was calling."""
    job = request.get(JOB)
    if job:
        return "job", str(job.get("_id") or job.get("id"))
    user = request.get(USER)
    if user:
        return "user", str(user.get("_id") or user.get("id"))
    return "anonymous", None


# Metrics -------------------------------------------------------------------------------------------------


class RequestSeries(Collector):
    """Requests answered by (method, route template, status) and their durations by (method, route), as
    plain numbers: one `dict` look-up and three additions a request, where a `Counter` and a `Histogram`
    child take a lock for each of their values. Observed and scraped on the event loop only. Written out at
    each scrape as the families `Counter` and `Histogram` would write (`virtool_http_requests_total`;
    `virtool_http_request_duration_seconds_bucket`, `_count` and `_sum`)."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, int], int] = {}
        self.durations: dict[tuple[str, str], list[float]] = {}
        """Each (method, route)'s count in each bucket (the last one `+Inf`), then the sum of seconds."""

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        self.counts[key] = self.counts.get(key, 0) + 1
        durations = self.durations.get((method, route))
        if durations is None:
            durations = self.durations[method, route] = [0] * (len(DURATION_BUCKETS) + 2)
        durations[bisect.bisect_left(DURATION_BUCKETS, seconds)] += 1
        durations[-1] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "virtool_http_requests",
            "HTTP requests answered, by route template and status.",
            labels=["method", "route", "status"],
        )
        for (method, route, status), count in self.counts.items():
            requests.add_metric([method, route, str(status)], count)
        yield requests
        duration = HistogramMetricFamily(
            "virtool_http_request_duration_seconds",
            "Time from receiving a request to sending the last byte of its response.",
            labels=["method", "route"],
        )
        bounds = [*(floatToGoString(bound) for bound in DURATION_BUCKETS), "+Inf"]
        for (method, route), durations in self.durations.items():
            cumulative = itertools.accumulate(durations[:-1])
            duration.add_metric([method, route], list(zip(bounds, cumulative, strict=True)), durations[-1])
        yield duration


@dataclass
class Metrics:
    """The collectors of one application, in a registry of its own."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    endpoints: dict[Any, Endpoint] = field(default_factory=dict)

    def __post_init__(self) -> None:
        registry = self.registry
        self.requests = RequestSeries()
        registry.register(self.requests)
        self.uploaded = Counter(
            "virtool_http_uploaded_bytes",
            "Request body bytes received by file upload routes.",
            ["route"],
            registry=registry,
        )
        self.downloaded = Counter(
            "virtool_http_downloaded_bytes",
            "Response body bytes sent by file download routes.",
            ["route"],
            registry=registry,
        )
        self.jobs = Gauge(
            "virtool_jobs",
            "Jobs in the document store by state, counted at each scrape (the same for every process).",
            ["state"],
            registry=registry,
        )
        process_collector.ProcessCollector(registry=registry)
        platform_collector.PlatformCollector(registry=registry)
        gc_collector.GCCollector(registry=registry)

    def endpoint(self, route: web.AbstractRoute) -> Endpoint | None:
        return self.endpoints.get(route.handler)

    def observe(
        self,
        request: web.Request,
        status: int,
        seconds: float,
        response: web.StreamResponse | None,
    ) -> None:
        route = request.match_info.route
        template = route.resource.canonical if route.resource is not None else UNMATCHED_ROUTE
        self.requests.observe(request.method, template, status, seconds)
        endpoint = self.endpoint(route)
        if endpoint is None:
            return
        if endpoint.file_upload:
            self.uploaded.labels(template).inc(request.content.total_bytes)
        if endpoint.file_download and response is not None and status < 300 and request.method != "HEAD":
            size = response.content_length
            self.downloaded.labels(template).inc(size if size is not None else response.body_length)

    async def count_jobs(self, db: Any) -> None:
        for state, count in (await count_by_state(db)).items():
            self.jobs.labels(state).set(count)


METRICS: web.AppKey[Metrics] = web.AppKey("metrics", Metrics)
API_NAME: web.AppKey[str] = web.AppKey("api_name", str)


async def metrics_handler(request: web.Request) -> web.Response:
    """Prometheus text format. Job counts come from the document store at each scrape."""
    metrics = request.app[METRICS]
    try:
        await asyncio.wait_for(metrics.count_jobs(request.app[CONTEXT].db), JOB_COUNT_TIMEOUT)
    except Exception as error:
        # No series rather than stale ones: an alert on absent `virtool_jobs` tells the store is unreachable.
        metrics.jobs.clear()
        logger.warning("could not count jobs for /metrics: %s", type(error).__name__)
    response = web.Response(body=generate_latest(metrics.registry))
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


metrics_handler.requires_auth = False  # type: ignore[attr-defined]


# The middleware ------------------------------------------------------------------------------------------


def _routine(request: web.Request, api: str) -> bool:
    if request.path in PROBE_PATHS:
        return True
    resource = request.match_info.route.resource
    return (
        api == "jobs"
        and resource is not None
        and (request.method, resource.canonical) in ROUTINE_RUNNER_CALLS
    )


def _log_request(request: web.Request, api: str, status: int, seconds: float) -> None:
    """The request's line, at INFO (DEBUG for routine calls answered without error); nothing of it is
    worked out when INFO, and so DEBUG, is off (`--log-level=warning`)."""
    if not request_logger.isEnabledFor(logging.INFO):
        return
    level = logging.DEBUG if status < 400 and _routine(request, api) else logging.INFO
    if not request_logger.isEnabledFor(level):
        return
    kind, client_id = client_of(request)
    duration_ms = round(seconds * 1000, 1)
    who = f"{kind}:{client_id}" if client_id else kind
    request_logger.log(
        level,
        "%s %s %d %.1fms %s",
        request.method,
        request.path,
        status,
        duration_ms,
        who,
        extra={
            "fields": {
                "api": api,
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
                "client_kind": kind,
                "client_id": client_id,
            }
        },
    )


def _observe(request: web.Request, status: int, start: float, response: web.StreamResponse | None) -> None:
    seconds = time.perf_counter() - start
    app = request.app
    app[METRICS].observe(request, status, seconds, response)
    _log_request(request, app[API_NAME], status, seconds)


def _observe_when_sent(request: web.Request, response: web.FileResponse, start: float) -> None:
    """Defer the observation of a file response until its body is sent.

    aiohttp sends a file inside `prepare`, after the middlewares return; only then are the duration of the
    transfer and the final status (206, 304, 416 are decided while preparing) known.
    """
    prepare = response.prepare

    async def prepare_then_observe(request: web.Request):  # type: ignore[no-untyped-def]
        status = 500
        try:
            writer = await prepare(request)
            status = response.status
            return writer
        except (ConnectionResetError, ClientPayloadError, asyncio.CancelledError):
            status = 499  # the client went away
            raise
        finally:
            _observe(request, status, start, response)

    response.prepare = prepare_then_observe  # type: ignore[method-assign,assignment]


@web.middleware
async def observe_middleware(request: web.Request, handler) -> web.StreamResponse:  # type: ignore[no-untyped-def]
    """Outermost: times each request, then counts it and logs one line once its response is ready."""
    start = time.perf_counter()
    status = 500
    response: web.StreamResponse | None = None
    deferred = False
    try:
        response = await handler(request)
        status = response.status
        if isinstance(response, web.FileResponse) and not response.prepared:
            _observe_when_sent(request, response, start)
            deferred = True
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    except (ConnectionResetError, ClientPayloadError, asyncio.CancelledError):
        status = 499  # the client went away
        raise
    finally:
        if not deferred:
            _observe(request, status, start, response)


async def _index_endpoints(app: web.Application) -> None:
    app[METRICS].endpoints.update({endpoint.handler: endpoint for endpoint in app.get(ENDPOINTS, [])})


def install(app: web.Application, api: str) -> None:
    """Request logging and metrics for `app` (named `api` in the logs): call before the app starts."""
    app[API_NAME] = api
    app[METRICS] = Metrics()
    app.middlewares.insert(0, observe_middleware)
    app.router.add_get(METRICS_PATH, metrics_handler)
    app.on_startup.append(_index_endpoints)
