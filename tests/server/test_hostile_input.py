"""Hostile input on every route that parses it: a 4xx (or an empty listing), never a 500, on both stores.

These walk every route the two apps register, so a route added later is covered without touching this file.
"""

import re
from typing import Any

import pytest

from tests.support.jobs import acquire
from virtool_api.api.keys import CONTEXT
from virtool_api.api.routes import ENDPOINTS, Endpoint

DEPTH = 1500
INVALID_JSON = {"id": "bad_request", "message": "Invalid JSON body"}


def url(endpoint: Endpoint) -> str:
    """The route with every path parameter filled by an id that names nothing."""
    return endpoint.prefix + re.sub(r"\{[^{}]+\}", "unknown", endpoint.path)


def nested(depth: int, opening: str = "[", closing: str = "]") -> bytes:
    return (opening * depth + closing * depth).encode()


@pytest.fixture
async def credentials(factory, jobs_client) -> dict[str, dict[str, str]]:
    """An administrator's key for the public API and an acquired job's credentials for the job API."""
    _, public = await factory.person(administrator=True)
    job = await factory.analysis_job(await factory.analysis())
    return {"public": public, "jobs": await acquire(jobs_client, job["_id"])}


def json_routes(client) -> list[Endpoint]:  # type: ignore[no-untyped-def]
    return [endpoint for endpoint in client.app[ENDPOINTS] if endpoint.body is not None]


def query_routes(client) -> list[Endpoint]:  # type: ignore[no-untyped-def]
    return [endpoint for endpoint in client.app[ENDPOINTS] if endpoint.query is not None]


# Deeply nested JSON


@pytest.mark.parametrize("api", ["public", "jobs"])
@pytest.mark.parametrize("shape", [("[", "]"), ('{"acquired": ', "}")])
async def test_deeply_nested_json_is_invalid_json_on_every_route(
    public_client, jobs_client, credentials, api: str, shape: tuple[str, str]
) -> None:
    client = public_client if api == "public" else jobs_client
    opening, closing = shape
    body = opening * DEPTH + "true" + closing * DEPTH
    routes = json_routes(client)
    assert routes, "no JSON routes found"
    for endpoint in routes:
        # X-Requested-With, as our page sends it: signing in refuses requests without it before reading them.
        headers = {"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest"}
        if endpoint.auth:
            headers |= credentials[api]
        response = await client.request(endpoint.method, url(endpoint), data=body.encode(), headers=headers)
        assert response.status == 400, (endpoint.method, endpoint.path, await response.text())
        assert await response.json() == INVALID_JSON, (endpoint.method, endpoint.path)


async def test_deeply_nested_json_is_refused_before_authentication_matters(jobs_client, factory) -> None:
    """Acquiring a job needs no credentials: the body is the first thing an anonymous caller reaches."""
    job = await factory.analysis_job(await factory.analysis())
    response = await jobs_client.patch(
        f"/api/jobs/{job['_id']}",
        data=b'{"acquired": ' + nested(DEPTH) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 400
    assert await response.json() == INVALID_JSON
    assert (await response_job_state(jobs_client, job["_id"])) == "waiting"


async def response_job_state(jobs_client, job_id: str) -> str:  # type: ignore[no-untyped-def]
    document = await jobs_client.app[CONTEXT].db.jobs.find_one({"_id": job_id})
    return document["state"]


# Query parameters


@pytest.mark.parametrize("api", ["public", "jobs"])
async def test_nul_in_any_query_parameter_is_an_invalid_query(
    public_client, jobs_client, credentials, api: str
) -> None:
    client = public_client if api == "public" else jobs_client
    routes = query_routes(client)
    assert routes, "no routes with query parameters found"
    for endpoint in routes:
        assert endpoint.query is not None
        for name in endpoint.query.model_fields:
            response = await client.request(
                endpoint.method, url(endpoint), params={name: "a\x00b"}, headers=credentials[api]
            )
            where = (endpoint.method, endpoint.path, name)
            assert response.status == 422, (*where, await response.text())
            body = await response.json()
            assert (body["id"], body["message"]) == ("invalid_query", "Invalid query"), where
            assert body["errors"] == {name: ["must not contain NUL characters"]}, where


HOSTILE_VALUES = [
    "\x00",
    "%00",
    "\ufffd\ufffd",
    ".*",
    "^(a+)+$",
    "\\",
    "' OR 1=1 --",
    '{"$gt": ""}',
    "$where",
    "\u202e\U0001f9a0",
    "\x01\x1f\x7f",
    "-1",
    "9" * 40,
    "x" * 2000,
]


def listing_routes(client) -> list[Endpoint]:  # type: ignore[no-untyped-def]
    return [e for e in query_routes(client) if e.method == "GET" and "{" not in e.path]


async def test_hostile_values_in_listing_queries_are_refused_or_find_nothing(
    public_client, factory, credentials
) -> None:
    """Every listing's every parameter, with values that trouble regexes, SQL text and BSON."""
    await factory.sample(ready=True)
    routes = listing_routes(public_client)
    assert {e.path for e in routes} >= {"/uploads", "/samples", "/analyses", "/jobs", "/references"}
    for endpoint in routes:
        assert endpoint.query is not None
        for name in endpoint.query.model_fields:
            for value in HOSTILE_VALUES:
                response = await public_client.get(
                    url(endpoint), params={name: value}, headers=credentials["public"]
                )
                where = (endpoint.path, name, value[:20])
                assert 400 <= response.status < 500 or response.status == 200, (*where, await response.text())
                body: Any = await response.json()
                if response.status == 200 and name not in ("page", "per_page"):
                    assert body["documents"] == [], where
