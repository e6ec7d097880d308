"""Schemathesis against the OpenAPI document, from the suite: a real server process is fed requests generated
from every operation of both APIs, valid and invalid, and every answer must be documented: no 5xx, no status
the operation does not list, no body that does not match its schema.

Bounded to about two minutes: a fixed number of examples per operation (`EXAMPLES`, derandomized so runs
repeat; about a minute here), and a time budget after which the remaining operations are skipped with a
warning naming them (a slow machine must not turn the suite red). The server uses the test PostgreSQL when
`VIRTOOL_TEST_POSTGRES_URL` is set (what PostgreSQL refuses, SQLite may not), the embedded stores otherwise.

`KNOWN_FAILURES` lists what is known to fail, each naming its issue item, like `xfail(strict=True)`: an entry
that stops failing fails the test, so the list only ever shrinks.
"""

import asyncio
import base64
import http.cookiejar
import json
import subprocess
import time
import urllib.request
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.factory import Factory
from tests.support.forked import virtool_api_process
from tests.support.real_server import free_port, stop, wait_for_port
from tests.support.workers import POSTGRES_URL
from virtool_api.config import Config
from virtool_api.server.context import create_context

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`

EXAMPLES = 30
BUDGET = 300.0
"""Seconds for both APIs together: about 60 are spent on an idle machine; under `make test`'s two workers on a
loaded machine 120 left a third of the public operations unfuzzed."""
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

KNOWN_FAILURES: dict[str, str] = {}
"""`"METHOD /path"` -> the issue item that will fix it."""
ENDLESS = {"GET /api/events"}
"""Operations whose answer never ends (a server-sent event stream): every example would wait out the timeout.
`tests/live/test_live_events.py` tests them."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, postgres_schema: str | None) -> Iterator[dict[str, Any]]:
    """Both APIs in one process, with an administrator's key and an acquired job."""
    config = Config(data_path=tmp_path_factory.mktemp("schemathesis") / "data", postgres_url=POSTGRES_URL)
    seeded = asyncio.run(_seed(config))
    public_port, jobs_port = free_port(), free_port()
    process = virtool_api_process(
        [
            "--log-level=error",
            "serve",
            "--host=127.0.0.1",
            f"--port={public_port}",
            f"--jobs-port={jobs_port}",
            f"--data-path={config.data_path}",
            *([f"--postgres-url={POSTGRES_URL}"] if POSTGRES_URL else []),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for port in (public_port, jobs_port):
            wait_for_port(process, port)
        jobs_url = f"http://127.0.0.1:{jobs_port}/api"
        public_url = f"http://127.0.0.1:{public_port}"
        yield {
            "public": (_document(f"{public_url}/api"), public_url, {"X-API-Key": seeded["key"]}),
            "jobs": (_document(jobs_url), jobs_url, _job_auth(jobs_url, seeded["job_id"])),
            "finished jobs": (_document(jobs_url), jobs_url, _finished_job_auth(jobs_url, seeded["done_id"])),
        }
    finally:
        stop(process)


def _document(api_url: str) -> dict[str, Any]:
    """The OpenAPI document an API serves (both serve the same one, which describes both)."""
    with urllib.request.urlopen(f"{api_url}/openapi.json", timeout=10) as response:
        return json.load(response)


async def _seed(config: Config) -> dict[str, Any]:
    ctx = await create_context(config, migrate_schema=config.postgres_url is None)
    try:
        factory = Factory(ctx)
        _, headers = await factory.person(administrator=True, handle="fuzzer")
        analysis = await factory.analysis()
        job = await factory.analysis_job(analysis)
        done = await factory.analysis_job(await factory.analysis())
        return {"key": headers["X-API-Key"], "job_id": job["_id"], "done_id": done["_id"]}
    finally:
        await ctx.close()


def _call(url: str, method: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _job_auth(jobs_url: str, job_id: str) -> dict[str, str]:
    """The headers of the job, acquired."""
    key = _call(f"{jobs_url}/jobs/{job_id}", "PATCH", {"acquired": True})["key"]
    return {"Authorization": "Basic " + base64.b64encode(f"job-{job_id}:{key}".encode()).decode()}


def _finished_job_auth(jobs_url: str, job_id: str) -> dict[str, str]:
    """The headers of a job that was acquired and then failed: every route but two must answer 409."""
    headers = _job_auth(jobs_url, job_id)
    failed = {"state": "error", "progress": 1, "error": {"type": "Boom", "traceback": [], "details": []}}
    _call(f"{jobs_url}/jobs/{job_id}/status", "POST", failed, headers)
    return headers


def _operations(document: dict[str, Any], api: str) -> list[Any]:
    schema = schemathesis.openapi.from_dict(document)
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in ENDLESS:
            continue
        is_job_operation = any(tag.startswith("job-api: ") for tag in operation.tags or ())
        if is_job_operation == (api == "jobs"):
            found.append(operation)
    return found


def _without_long_polls(case: Any) -> Any:
    """`GET /queue?wait=N` waits up to N seconds (30 at most) for a job, by design: asked with a number, it
    is asked not to wait, so the budget goes on finding wrong answers rather than on waiting."""
    query = case.query if isinstance(case.query, dict) else {}
    try:
        if "wait" in query and float(query["wait"]) > 0:
            query["wait"] = 0
    except (TypeError, ValueError):
        pass
    return case


def _session() -> requests.Session:
    """The connection every example of a run is sent on, kept alive as a client's would be: not a new
    session, proxy look-up and TCP connection for each (what schemathesis does without one). It keeps no
    cookie, so each example is sent as a new client's first request would be, as schemathesis's own are."""
    session = requests.Session()
    session.trust_env = False
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def _fuzz(
    operation: Any,
    base_url: str,
    headers: dict[str, str],
    session: requests.Session,
    examples: int = EXAMPLES,
) -> str | None:
    """The first failure schemathesis finds in the operation, in one paragraph, or None."""
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ).map(_without_long_polls)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        case.call_and_validate(base_url=base_url, session=session, headers=headers, checks=CHECKS, timeout=30)

    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # schemathesis reports a FailureGroup
        return " ".join(str(error).split())[:1500]
    return None


@pytest.mark.parametrize("api", ["public", "jobs"])
def test_every_answer_is_documented(server: dict[str, Any], api: str) -> None:
    document, base_url, headers = server[api]
    operations = _operations(document, api)
    assert operations, f"no {api} operations in the document"
    total = len(_operations(document, "public")) + len(_operations(document, "jobs"))
    deadline = time.monotonic() + BUDGET * len(operations) / total
    failures: dict[str, str] = {}
    checked = []
    with _session() as session:
        for operation in operations:
            if time.monotonic() > deadline:
                break
            checked.append(operation.label)
            if failure := _fuzz(operation, base_url, headers, session):
                failures[operation.label] = failure

    unexpected = {label: failure for label, failure in failures.items() if label not in KNOWN_FAILURES}
    fixed = [label for label in KNOWN_FAILURES if label in checked and label not in failures]
    assert not unexpected, "\n\n".join(f"{label}: {failure}" for label, failure in unexpected.items())
    assert not fixed, f"known failures that no longer fail (remove them from KNOWN_FAILURES): {fixed}"
    if unchecked := [operation.label for operation in operations[len(checked) :]]:
        warnings.warn(f"time budget spent: {len(unchecked)} operations not fuzzed: {unchecked}", stacklevel=1)


def test_a_finished_jobs_answers_are_documented(server: dict[str, Any]) -> None:
    """With the key of a job that has finished, every job route answers what the document lists (its 409
    "Job is finished" above all): a few examples each, since the answer comes before the route's own rules."""
    document, base_url, headers = server["finished jobs"]
    failures = {}
    with _session() as session:
        for operation in _operations(document, "jobs"):
            if failure := _fuzz(operation, base_url, headers, session, examples=3):
                failures[operation.label] = failure
    assert not failures, "\n\n".join(f"{label}: {failure}" for label, failure in failures.items())


def test_both_apis_serve_the_same_document(server: dict[str, Any]) -> None:
    assert server["public"][0] == server["jobs"][0]
