"""`GET /api/openapi.json`: one OpenAPI 3.1 document of both APIs, generated from the route tables.

The route tables grow as domains are added, so these tests walk every route the two apps register rather than
a list of known paths; a few known job routes serve as worked examples.
"""

import copy
import gzip
import json
import re
from importlib.metadata import version
from typing import Any
from urllib.parse import urlparse

import pytest

from virtool_api.api.openapi import readable_names
from virtool_api.api.routes import ENDPOINTS, Endpoint, answers

PUBLIC = "9950"
JOBS = "9990"
PUBLIC_SECURITY = [{"apiKey": []}, {"basic": []}, {"session": []}]
JOB_SECURITY = [{"jobBasic": []}]


_served: list[dict[str, Any]] = []
"""The document as the first test of this process to ask was served it."""


@pytest.fixture
async def document(public_client) -> dict[str, Any]:
    """The document the public app serves: fetched once per process, then a copy for each test (each app
    builds it on its first request, 0.3 s of CPU; every app built from the same code and settings serves
    the same one, which `test_served_without_credentials_on_both_apps_and_identical` checks against another
    app's)."""
    if not _served:
        response = await public_client.get("/api/openapi.json")
        assert response.status == 200, await response.text()
        _served.append(await response.json())
    return copy.deepcopy(_served[0])


def operations(document: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every operation by (port, METHOD, URL path): the path key joined to its server, as a client would."""
    found = {}
    for key, item in document["paths"].items():
        server = item.get("servers", document["servers"])[0]
        variables = {name: variable["default"] for name, variable in server.get("variables", {}).items()}
        url = urlparse(server["url"].format(**variables))
        port = str(url.port) if url.port else PUBLIC  # a relative server: where the document was read
        for method, operation in item.items():
            if method != "servers":
                found[(port, method.upper(), url.path.rstrip("/") + key)] = operation
    return found


def registered_routes(client, port: str) -> set[tuple[str, str, str]]:
    """Every route under the API base `/api` (Prometheus' `/metrics` is for operators, not the API)."""
    return {
        (port, route.method, route.resource.canonical)
        for route in client.app.router.routes()
        if route.method != "HEAD"
        and (route.resource.canonical.startswith("/api/") or route.resource.canonical == "/api")
    }


def endpoints(public_client, jobs_client) -> list[tuple[str, Endpoint]]:
    return [(PUBLIC, endpoint) for endpoint in public_client.app[ENDPOINTS]] + [
        (JOBS, endpoint) for endpoint in jobs_client.app[ENDPOINTS]
    ]


def operation_of(document: dict[str, Any], port: str, endpoint: Endpoint) -> dict[str, Any]:
    path = re.sub(r"\{([^{}:]+)(:[^{}]+)?\}", r"{\1}", endpoint.prefix + endpoint.path)
    return operations(document)[(port, endpoint.method, path)]


async def test_document_is_valid_openapi_31(document):
    # Imported here: collecting imports every test module in every worker, and this is 0.2 s of CPU each.
    from openapi_spec_validator import validate

    validate(document)
    assert document["openapi"].startswith("3.1.")
    assert document["info"]["title"] == "virtool-api"
    assert document["info"]["version"] == version("virtool-api")


async def test_served_without_credentials_on_both_apps_and_identical(public_client, jobs_client, document):
    response = await jobs_client.get("/api/openapi.json")
    assert response.status == 200, await response.text()
    assert response.content_type == "application/json"
    assert await response.json() == document


async def test_every_registered_route_of_both_apps_is_described(public_client, jobs_client, document):
    registered = registered_routes(public_client, PUBLIC) | registered_routes(jobs_client, JOBS)
    assert registered == set(operations(document))


async def test_public_and_job_routes_on_the_same_path_are_both_described(document):
    described = operations(document)
    assert "job-api: samples" in described[(JOBS, "GET", "/api/samples/{sample_id}")]["tags"]
    assert described[(PUBLIC, "GET", "/api/openapi.json")]["tags"] == ["openapi"]
    assert described[(JOBS, "GET", "/api/openapi.json")]["tags"] == ["job-api: openapi"]


async def test_operation_ids_are_unique(document):
    ids = [operation["operationId"] for operation in operations(document).values()]
    assert len(ids) == len(set(ids))


async def test_job_finalize_analysis_lists_the_spec_errors(document):
    operation = operations(document)[(JOBS, "PATCH", "/api/analyses/{analysis_id}")]
    responses = operation["responses"]
    error_body = {"$ref": "#/components/schemas/ErrorBody"}

    assert responses["403"]["description"] == "Insufficient rights"
    assert "Not found" in responses["404"]["description"]
    assert "There is already a result for this analysis" in responses["409"]["description"]
    assert "Job is finished" in responses["409"]["description"]
    for status in ("401", "403", "404", "409", "422"):
        assert responses[status]["content"]["application/json"]["schema"] == error_body
    assert set(document["components"]["schemas"]["ErrorBody"]["required"]) == {"id", "message"}


async def test_job_finalize_analysis_describes_its_body_and_response(document):
    operation = operations(document)[(JOBS, "PATCH", "/api/analyses/{analysis_id}")]
    schemas = document["components"]["schemas"]

    assert operation["tags"] == ["job-api: analyses"]
    assert operation["security"] == JOB_SECURITY
    assert operation["parameters"] == [
        {"name": "analysis_id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/FinalizeAnalysisRequest"}
    assert schemas["FinalizeAnalysisRequest"]["required"] == ["results"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Analysis"}
    assert {"id", "ready", "sample", "files"} <= set(schemas["Analysis"]["properties"])


async def test_query_parameters_come_from_the_query_model(document):
    operation = operations(document)[(JOBS, "POST", "/api/analyses/{analysis_id}/files")]
    query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}

    assert query["name"]["required"] is True
    assert query["name"]["schema"]["type"] == "string"
    assert query["format"]["required"] is False


async def test_file_upload_and_download_of_job_reads(document):
    described = operations(document)
    upload = described[(JOBS, "PUT", "/api/samples/{sample_id}/reads/{name}")]
    download = described[(JOBS, "GET", "/api/samples/{sample_id}/reads/{name}")]

    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert form["properties"]["file"] == {"type": "string", "format": "binary"}
    assert upload["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SampleReadsFile"
    }
    assert list(download["responses"]["200"]["content"]) == ["application/octet-stream"]


async def test_no_content_response(document):
    operation = operations(document)[(JOBS, "DELETE", "/api/analyses/{analysis_id}")]
    assert operation["responses"]["204"] == {"description": "No Content"}
    assert operation["responses"]["409"]["description"] == "Analysis is finalized"


async def test_job_acquire_and_the_document_itself_need_no_credentials(document):
    described = operations(document)
    acquire = described[(JOBS, "PATCH", "/api/jobs/{job_id}")]

    assert acquire["security"] == []
    assert "401" not in acquire["responses"]
    assert described[(PUBLIC, "GET", "/api/openapi.json")]["security"] == []
    schemes = document["components"]["securitySchemes"]
    assert schemes["apiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A user's API key.",
    }
    assert schemes["basic"]["scheme"] == schemes["jobBasic"]["scheme"] == "basic"


async def test_every_route_declares_its_security(public_client, jobs_client, document):
    for port, endpoint in endpoints(public_client, jobs_client):
        operation = operation_of(document, port, endpoint)
        if not endpoint.auth:
            assert operation["security"] == [], endpoint.path
        else:
            expected = PUBLIC_SECURITY if port == PUBLIC else JOB_SECURITY
            assert operation["security"] == expected, endpoint.path
            assert operation["responses"]["401"]["description"] == "Requires authorization", endpoint.path


async def test_every_declared_error_is_a_response(public_client, jobs_client, document):
    for port, endpoint in endpoints(public_client, jobs_client):
        responses = operation_of(document, port, endpoint)["responses"]
        for status, message in answers(endpoint.errors):
            assert message in responses[str(status)]["description"], (endpoint.method, endpoint.path, message)


async def test_every_route_describes_its_path_parameters(document):
    for (_, method, path), operation in operations(document).items():
        names = re.findall(r"\{([^{}]+)\}", path)
        parameters = [p["name"] for p in operation.get("parameters", ()) if p["in"] == "path"]
        assert parameters == names, (method, path)


async def test_every_route_describes_its_request_and_success(public_client, jobs_client, document):
    for port, endpoint in endpoints(public_client, jobs_client):
        operation = operation_of(document, port, endpoint)
        success = operation["responses"][str(endpoint.status)]
        where = (endpoint.method, endpoint.path)
        if endpoint.file_upload:
            assert "multipart/form-data" in operation["requestBody"]["content"], where
        elif endpoint.body is not None:
            assert "application/json" in operation["requestBody"]["content"], where
        else:
            assert "requestBody" not in operation, where
        if endpoint.status == 204:
            assert "content" not in success, where
        elif endpoint.file_download:
            assert "application/octet-stream" in success["content"], where
        elif endpoint.response is not None:
            assert "application/json" in success["content"], where


async def test_every_schema_reference_resolves(document):
    references = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert references <= set(document["components"]["schemas"])


async def test_one_codex_routes_are_described_under_api_v1(document):
    described = operations(document)
    patch = described[(PUBLIC, "PATCH", "/api/v1/samples/{sample_id}")]
    assert patch["tags"] == ["onecodex"]
    assert patch["security"] == PUBLIC_SECURITY
    body = patch["requestBody"]["content"]["application/json"]["schema"]
    assert set(document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]["properties"]) == {
        "visibility",
        "project",
        "tags",
    }
    assert "Unknown or read-only field: {field}" in patch["responses"]["400"]["description"]
    listing = described[(PUBLIC, "GET", "/api/v1/samples")]
    assert {"where", "sort", "cursor", "per_page"} <= {p["name"] for p in listing["parameters"]}
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert (PUBLIC, "GET", "/api/v1/metadata/{sample_id}") in described
    assert (PUBLIC, "GET", "/api/samples/{sample_id}") in described


# What every route that parses a body, a query or a file can answer (issue 10, item 22)


async def test_the_issues_missing_answers_are_documented(document):
    described = operations(document)
    for port, method, path in [
        (PUBLIC, "PATCH", "/api/settings"),
        (PUBLIC, "POST", "/api/account/keys"),
        (PUBLIC, "POST", "/api/references"),
        (PUBLIC, "POST", "/api/subtractions"),
        (JOBS, "PATCH", "/api/analyses/{analysis_id}"),
        (JOBS, "PATCH", "/api/samples/{sample_id}"),
    ]:
        assert "Invalid JSON body" in described[(port, method, path)]["responses"]["400"]["description"], path
    acquire = described[(JOBS, "PATCH", "/api/jobs/{job_id}")]["responses"]
    assert acquire["422"]["description"] == "Invalid input"


async def test_every_parsed_body_query_and_file_documents_its_parsing_errors(
    public_client, jobs_client, document
):
    for port, endpoint in endpoints(public_client, jobs_client):
        responses = operation_of(document, port, endpoint)["responses"]
        where = (endpoint.method, endpoint.path)
        if endpoint.body is not None:
            assert "Invalid JSON body" in responses["400"]["description"], where
            assert responses["413"]["description"] == "Request body is too large", where
            error = endpoint.body_error
            assert error.default_message in responses[str(error.status)]["description"], where
        if endpoint.query is not None:
            assert "Invalid query" in responses["422"]["description"], where
        if endpoint.file_upload:
            assert "Malformed multipart body" in responses["400"]["description"], where
            assert responses["507"]["description"] == "Not enough free space to store the file", where


async def test_component_names_never_expose_module_paths(document):
    names = set(document["components"]["schemas"])
    assert [name for name in names if "__" in name or name.startswith("virtool_api")] == []
    assert {"Label", "SampleLabel", "Reference", "SampleReference", "UploadPage"} <= names


def test_readable_names():
    assert readable_names(
        [
            "virtool_api__labels__models__Label",
            "virtool_api__samples__models__Label-Output",
            "virtool_api__samples__models__Sample",
            "Sample",
            "Page_Upload_",
            "Job",
        ]
    ) == {
        "virtool_api__labels__models__Label": "Label",
        "virtool_api__samples__models__Label-Output": "SampleLabel-Output",
        "virtool_api__samples__models__Sample": "Sample2",
        "Page_Upload_": "UploadPage",
    }


async def test_the_document_is_served_compressed_and_names_its_own_server(public_client):
    response = await public_client.get(
        "/api/openapi.json", headers={"Accept-Encoding": "gzip"}, auto_decompress=False
    )
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    document = json.loads(gzip.decompress(await response.read()))
    # "Try it out" on /docs calls the origin the page came from, whatever its host name.
    assert document["servers"] == [{"url": "/", "description": "Public API (this server)"}]


async def test_the_api_root_says_where_things_are(public_client):
    response = await public_client.get("/api")
    assert response.status == 200
    index = await response.json()
    assert (index["documentation"], index["openapi"], index["events"]) == (
        "/docs",
        "/api/openapi.json",
        "/api/events",
    )
    for path in index["resources"].values():
        assert (await public_client.get(path)).status in (200, 401, 403), path  # each is a route
