"""Operating the server: health and readiness, metrics, request logs and the refusals at startup."""

import asyncio
import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import FASTQ_GZ, POSTGRES_URL, acquire, basic_auth, multipart_file
from virtool_api.cli import main
from virtool_api.config import Config
from virtool_api.operations.logs import JsonFormatter
from virtool_api.server.app import create_jobs_app, create_public_app
from virtool_api.server.context import create_context
from virtool_api.server.health import startup_problem
from virtool_api.server.observability import DURATION_BUCKETS, RequestSeries, describe_stores, mask_url
from virtool_api.storage import migrate, revision
from virtool_api.users.keys import create_api_key

ALL_OK = {"document_store": "ok", "sql_store": "ok", "data_path": "ok", "migrations": "ok"}
HEAD = revision.head_revision()


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "virtool_api.requests"]


async def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:  # type: ignore[no-untyped-def]
    """`/metrics` as `{(sample name, sorted labels): value}`."""
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def requests_total(samples: dict, method: str, route: str, status: int) -> float:  # type: ignore[type-arg]
    key = ("virtool_http_requests_total", (("method", method), ("route", route), ("status", str(status))))
    return samples.get(key, 0.0)


# Health and readiness ------------------------------------------------------------------------------------


async def test_health_on_the_public_api(public_client):
    response = await public_client.get("/api/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_health_on_the_job_api_needs_no_job_credentials(jobs_client):
    response = await jobs_client.get("/api/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_ready_on_the_public_api(public_client):
    response = await public_client.get("/api/ready")
    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": ALL_OK}


async def test_ready_on_the_job_api(jobs_client):
    response = await jobs_client.get("/api/ready")
    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": ALL_OK}


async def test_ready_is_503_when_the_data_path_is_a_file(aiohttp_client, tmp_path):
    ctx = await create_context(Config(data_path=tmp_path / "data"), migrate_schema=True)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        assert (await client.get("/api/ready")).status == 200
        # The directory is gone and a file holds its name: no upload could be stored.
        (tmp_path / "data").rename(tmp_path / "moved")
        (tmp_path / "data").write_text("not a directory")

        response = await client.get("/api/ready")
        assert response.status == 503
        body = await response.json()
        assert body["id"] == "service_unavailable"
        assert body["message"].startswith("Not ready:")
        assert "data_path" in body["message"]
        assert body["checks"]["data_path"] == "not writable: Not a directory"
    finally:
        await ctx.close()


async def test_ready_is_503_and_jobs_go_unreported_when_the_document_store_is_gone(aiohttp_client, tmp_path):
    ctx = await create_context(Config(data_path=tmp_path / "data"), migrate_schema=True)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        assert ("virtool_jobs", (("state", "waiting"),)) in await scrape(client)
        await ctx.mongo_client.close()

        response = await client.get("/api/ready")
        assert response.status == 503
        body = await response.json()
        assert body["message"] == "Not ready: document_store"
        assert body["checks"]["document_store"].startswith("unreachable: ")
        assert {name: body["checks"][name] for name in ("sql_store", "data_path", "migrations")} == {
            "sql_store": "ok",
            "data_path": "ok",
            "migrations": "ok",
        }
        assert not any(name == "virtool_jobs" for name, _ in await scrape(client))
    finally:
        await ctx.engine.dispose()


async def test_ready_is_503_when_the_schema_is_behind(aiohttp_client, tmp_path):
    ctx = await create_context(Config(data_path=tmp_path / "data"), migrate_schema=False)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        response = await client.get("/api/ready")
        assert response.status == 503
        assert await response.json() == {
            "id": "service_unavailable",
            "message": "Not ready: migrations",
            "checks": {**ALL_OK, "migrations": f"at revision none, the newest is {HEAD}"},
        }
    finally:
        await ctx.close()


async def test_ready_turns_200_once_migrated(aiohttp_client, tmp_path):
    config = Config(data_path=tmp_path / "data")
    ctx = await create_context(config, migrate_schema=False)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        assert (await client.get("/api/ready")).status == 503
        await migrate.upgrade_to_head(f"sqlite+aiosqlite:///{config.data_path.resolve() / 'virtool.sqlite3'}")
        response = await client.get("/api/ready")
        assert response.status == 200
        assert (await response.json())["checks"] == ALL_OK
    finally:
        await ctx.close()


# Metrics ---------------------------------------------------------------------------------------------------


async def test_metrics_count_requests_by_route_template_and_status(jobs_client, factory):
    job = await factory.create_sample_job(await factory.sample())
    auth = await acquire(jobs_client, job["_id"])
    assert (await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)).status == 200
    assert (await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)).status == 200
    assert (await jobs_client.get(f"/api/jobs/{job['_id']}")).status == 401
    assert (await jobs_client.get("/api/no/such/route")).status == 404

    samples = await scrape(jobs_client)

    assert requests_total(samples, "PATCH", "/api/jobs/{job_id}", 200) == 1
    assert requests_total(samples, "GET", "/api/jobs/{job_id}", 200) == 2
    assert requests_total(samples, "GET", "/api/jobs/{job_id}", 401) == 1
    assert requests_total(samples, "GET", "unmatched", 404) == 1
    histogram_count = (
        "virtool_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/api/jobs/{job_id}")),
    )
    assert samples[histogram_count] == 3
    # Raw paths never become labels: the job id appears in no series.
    assert not any(job["_id"] in value for _, labels in samples for _, value in labels)


def test_request_series_are_written_as_prometheus_counters_and_histograms_write_them():
    """The request counts and durations are kept as plain numbers, and scraped as the same text a `Counter`
    and a `Histogram` write for the same requests: every bucket's edge (a duration equal to a bound counts
    in that bucket), above the last bound, and label values that need escaping."""
    theirs, ours = CollectorRegistry(), CollectorRegistry()
    requests = Counter(
        "virtool_http_requests",
        "HTTP requests answered, by route template and status.",
        ["method", "route", "status"],
        registry=theirs,
    )
    duration = Histogram(
        "virtool_http_request_duration_seconds",
        "Time from receiving a request to sending the last byte of its response.",
        ["method", "route"],
        buckets=DURATION_BUCKETS,
        registry=theirs,
    )
    series = RequestSeries()
    ours.register(series)
    seconds = [0.0, *DURATION_BUCKETS, *(bound * 1.01 for bound in DURATION_BUCKETS), 0.3, 301.0]
    for number, value in enumerate(seconds):
        method, route, status = (
            ("GET", "/api/samples/{sample_id}", 200) if number % 3 else ("POST", 'a"b\\', 404)
        )
        requests.labels(method, route, str(status)).inc()
        duration.labels(method, route).observe(value)
        series.observe(method, route, status, value)

    assert sorted(generate_latest(ours).splitlines()) == sorted(generate_latest(theirs).splitlines())


async def test_metrics_need_no_credentials_on_the_public_api(public_client):
    await public_client.get("/api/health")
    samples = await scrape(public_client)
    assert requests_total(samples, "GET", "/api/health", 200) == 1


async def test_metrics_count_jobs_by_state(jobs_client, factory):
    sample = await factory.sample()
    first = await factory.create_sample_job(sample)
    await factory.create_sample_job(sample)
    await factory.create_sample_job(sample)
    await acquire(jobs_client, first["_id"])

    samples = await scrape(jobs_client)

    assert samples[("virtool_jobs", (("state", "waiting"),))] == 2
    assert samples[("virtool_jobs", (("state", "preparing"),))] == 1
    assert samples[("virtool_jobs", (("state", "complete"),))] == 0


async def test_metrics_count_uploaded_and_downloaded_bytes(jobs_client, factory):
    sample = await factory.sample()
    job = await factory.create_sample_job(sample)
    auth = await acquire(jobs_client, job["_id"])
    path = f"/api/samples/{sample['_id']}/reads/reads_1.fq.gz"
    response = await jobs_client.put(path, data=multipart_file(FASTQ_GZ), headers=auth)
    assert response.status == 201, await response.text()
    response = await jobs_client.get(path, headers=auth)
    assert response.status == 200
    assert await response.read() == FASTQ_GZ

    samples = await scrape(jobs_client)

    route = (("route", "/api/samples/{sample_id}/reads/{name}"),)
    uploaded = samples[("virtool_http_uploaded_bytes_total", route)]
    # The multipart body: the file plus its part headers and boundaries.
    assert len(FASTQ_GZ) < uploaded < len(FASTQ_GZ) + 1024
    assert samples[("virtool_http_downloaded_bytes_total", route)] == len(FASTQ_GZ)


async def test_metrics_of_two_apps_are_separate(ctx, aiohttp_client):
    public = await aiohttp_client(create_public_app(ctx))
    jobs = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    await public.get("/api/health")
    await public.get("/api/health")
    await jobs.get("/api/health")

    assert requests_total(await scrape(public), "GET", "/api/health", 200) == 2
    assert requests_total(await scrape(jobs), "GET", "/api/health", 200) == 1


# Request logs ----------------------------------------------------------------------------------------------


async def test_a_job_request_logs_one_line_without_its_key(jobs_client, factory, caplog):
    job = await factory.create_sample_job(await factory.sample())
    response = await jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True})
    key = (await response.json())["key"]
    auth = basic_auth(f"job-{job['_id']}", key)
    caplog.clear()
    caplog.set_level(logging.INFO, logger="virtool_api.requests")

    status = {"state": "running", "progress": 10, "stage": "map"}
    assert (await jobs_client.post(f"/api/jobs/{job['_id']}/status", json=status, headers=auth)).status == 201

    [record] = request_records(caplog)
    assert record.levelno == logging.INFO
    assert record.fields == {
        "api": "jobs",
        "method": "POST",
        "path": f"/api/jobs/{job['_id']}/status",
        "status": 201,
        "duration_ms": record.fields["duration_ms"],
        "client_kind": "job",
        "client_id": job["_id"],
    }
    assert isinstance(record.fields["duration_ms"], float)
    message = record.getMessage()
    assert message.startswith(f"POST /api/jobs/{job['_id']}/status 201 ")
    assert message.endswith(f"ms job:{job['_id']}")
    json_line = JsonFormatter().format(record)
    for text in (caplog.text, json_line):
        assert key not in text
        assert auth["Authorization"] not in text


async def test_a_user_request_logs_the_user(public_client, factory, ctx, caplog):
    user = await factory.user()
    _, key = await create_api_key(ctx, user["id"], "operations test")
    caplog.set_level(logging.INFO, logger="virtool_api.requests")

    response = await public_client.get("/api/uploads", headers={"X-API-Key": key})
    assert response.status == 200, await response.text()

    [record] = request_records(caplog)
    assert record.getMessage().endswith(f"ms user:{user['id']}")
    assert record.fields["client_kind"] == "user"
    assert record.fields["client_id"] == user["id"]
    assert key not in caplog.text


async def test_an_unauthenticated_request_logs_anonymous(public_client, caplog):
    caplog.set_level(logging.INFO, logger="virtool_api.requests")

    response = await public_client.get("/api/uploads", headers={"X-API-Key": "wrong-key-wrong-key"})
    assert response.status == 401

    [record] = request_records(caplog)
    assert record.getMessage().startswith("GET /api/uploads 401 ")
    assert record.getMessage().endswith("ms anonymous")
    assert record.fields["client_kind"] == "anonymous"
    assert record.fields["client_id"] is None
    assert "wrong-key-wrong-key" not in caplog.text


async def test_a_json_log_line_is_one_object_with_the_request_fields(jobs_client, caplog):
    caplog.set_level(logging.INFO, logger="virtool_api.requests")
    await jobs_client.get("/api/no/such/route")

    [record] = request_records(caplog)
    line = JsonFormatter().format(record)

    assert "\n" not in line
    body = json.loads(line)
    assert body["level"] == "INFO"
    assert body["logger"] == "virtool_api.requests"
    assert body["message"] == record.getMessage()
    assert body["time"].endswith("+00:00")
    assert {key: body[key] for key in ("api", "method", "path", "status", "client_kind", "client_id")} == {
        "api": "jobs",
        "method": "GET",
        "path": "/api/no/such/route",
        "status": 404,
        "client_kind": "anonymous",
        "client_id": None,
    }


async def test_probes_log_at_debug_only(public_client, caplog):
    caplog.set_level(logging.INFO, logger="virtool_api.requests")
    await public_client.get("/api/health")
    await public_client.get("/metrics")
    assert request_records(caplog) == []


async def test_what_runners_send_every_few_seconds_logs_at_debug_only(jobs_client, factory, caplog):
    job = await factory.create_sample_job(await factory.sample())
    response = await jobs_client.patch(f"/api/jobs/{job['_id']}", json={"acquired": True})
    auth = basic_auth(f"job-{job['_id']}", (await response.json())["key"])
    caplog.set_level(logging.INFO, logger="virtool_api.requests")
    # The acquire above is worth a line, and an earlier test in this worker that set INFO may have caught it.
    caplog.clear()

    assert (await jobs_client.put(f"/api/jobs/{job['_id']}/ping", headers=auth)).status == 200
    assert (await jobs_client.get(f"/api/jobs/{job['_id']}", headers=auth)).status == 200
    assert (await jobs_client.get("/api/queue", params={"workflows": "nuvs", "wait": "0"})).status == 200
    report = {"host": "lab", "pid": 7, "version": "1", "workflows": ["nuvs"], "slots": 1, "source": "server"}
    assert (await jobs_client.put("/api/runners/runner-1", json=report)).status in (200, 201)
    assert request_records(caplog) == []

    # The same routes answering with an error are worth a line.
    assert (await jobs_client.put(f"/api/jobs/{job['_id']}/ping")).status == 401
    [record] = request_records(caplog)
    assert record.getMessage().startswith(f"PUT /api/jobs/{job['_id']}/ping 401 ")


def test_startup_lines_mask_credentials():
    config = Config(
        data_path=Path("/srv/virtool"),
        mongodb_url="mongodb://virtool:mongo-secret@mongo:27017/virtool?replicaSet=rs0",
        postgres_url="postgresql://virtool:pg-secret@postgres:5432/virtool",
        redis_url="redis://:redis-secret@redis:6379/0",
    )
    lines = describe_stores(config)
    assert lines == [
        "document store: MongoDB at mongodb://virtool:***@mongo:27017/virtool?replicaSet=rs0",
        "SQL store: PostgreSQL at postgresql://virtool:***@postgres:5432/virtool",
        "data path: /srv/virtool",
        "job hand-off: Redis at redis://:***@redis:6379/0 (runners wait on lists jobs_<workflow>); no runner"
        " is started with the server (start `virtool-api runner` where jobs should run)",
    ]


def test_startup_lines_name_the_embedded_stores(tmp_path):
    lines = describe_stores(Config(data_path=tmp_path))
    assert lines == [
        f"document store: embedded (SQLite) at {tmp_path / 'db' / 'documents.sqlite'}",
        f"SQL store: embedded SQLite at {tmp_path / 'virtool.sqlite3'}",
        f"data path: {tmp_path}",
        "job hand-off: the server's queue (GET /api/queue on the job API), where our runner takes jobs; to"
        " attach runners on other machines, or Virtool's, serve with --redis-url redis://HOST:6379/0"
        " (VIRTOOL_REDIS_URL); our runner starts with the server (turn it off with --no-runner)",
    ]


def test_mask_url_hides_a_password_parameter():
    assert mask_url("postgresql://u@h/db?password=hunter2&sslmode=require") == (
        "postgresql://u@h/db?password=***&sslmode=require"
    )


# Refusing to start -----------------------------------------------------------------------------------------


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """Invoke `virtool-api`; the root logging setup it installs is put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    runner = CliRunner()
    # Port 0: these starts are refused before listening, but the port check comes first and must pass.
    env = {"VIRTOOL_DATA_PATH": None, "VIRTOOL_PORT": "0", "VIRTOOL_JOBS_PORT": "0"}
    yield lambda *args: runner.invoke(main, list(args), env=env)
    root.handlers[:] = handlers
    root.setLevel(level)


def test_serve_refuses_an_unreachable_postgres(cli, tmp_path):
    result = cli(
        "serve", "--data-path", str(tmp_path), "--postgres-url", "postgresql://virtool:pw@127.0.0.1:1/x"
    )
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot reach PostgreSQL at postgresql://virtool:***@127.0.0.1:1/x: ")
    assert "pw@" not in result.output


def test_serve_refuses_an_unreachable_mongodb(cli, tmp_path):
    # Given up on after --store-timeout (5 s by default), twice: looking whether it is a new database, then
    # checking that it answers.
    url = "mongodb://admin:pw@127.0.0.1:1/virtool"
    result = cli("serve", "--data-path", str(tmp_path), "--mongodb-url", url, "--store-timeout", "0.5")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot reach MongoDB at mongodb://admin:***@127.0.0.1:1/virtool: ")
    assert "pw@" not in result.output


def test_serve_refuses_a_data_path_that_cannot_be_a_directory(cli, tmp_path):
    (tmp_path / "file").write_text("a file where a directory should be")
    result = cli("serve", "--data-path", str(tmp_path / "file" / "data"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: data path {tmp_path / 'file' / 'data'} is not a writable directory: Not a directory"
    ]


def test_serve_no_migrate_refuses_a_schema_behind(cli, tmp_path):
    result = cli("serve", "--data-path", str(tmp_path), "--no-migrate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: the SQL schema is at revision none, the newest is {HEAD}: "
        "run `virtool-api migrate` first, or start without --no-migrate"
    ]


def test_no_migrate_accepts_a_migrated_schema(cli, tmp_path):
    result = cli("migrate", "--data-path", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert asyncio.run(startup_problem(Config(data_path=tmp_path), check_schema=True)) is None


def test_migrate_refuses_an_unreachable_postgres(cli, tmp_path):
    result = cli("migrate", "--data-path", str(tmp_path), "--postgres-url", "postgresql://u@127.0.0.1:1/x")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot reach PostgreSQL at postgresql://u@127.0.0.1:1/x: ")


@pytest.mark.skipif(not POSTGRES_URL, reason="needs VIRTOOL_TEST_POSTGRES_URL")
async def test_a_reachable_migrated_postgres_passes(postgres_schema, tmp_path):
    config = Config(data_path=tmp_path, postgres_url=POSTGRES_URL)
    assert await startup_problem(config, check_schema=True) is None


async def test_the_startup_checks_leave_no_probe_file_behind(tmp_path):
    assert await startup_problem(Config(data_path=tmp_path / "data")) is None
    assert [path.name for path in (tmp_path / "data").iterdir() if path.name.startswith(".ready-")] == []
