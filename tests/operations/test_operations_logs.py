"""Operating the server: one log line a request (without credentials, probes at debug only) and the lines
that name the stores at startup."""

import json
import logging
from pathlib import Path

import pytest

from tests.support.jobs import basic_auth
from virtool_api.config import Config
from virtool_api.operations.logs import JsonFormatter
from virtool_api.server.observability import describe_stores, mask_url
from virtool_api.users.keys import create_api_key


def request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "virtool_api.requests"]


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
