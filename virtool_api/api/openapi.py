"""The OpenAPI 3.1 document of both APIs, generated from the route tables that serve them.

Every `Endpoint` carries its path, models, status and errors (api/routes.py), so the document is derived from
exactly what the two apps register. Both apps serve the same document at `/api/openapi.json`.

The public and job APIs share paths (`GET /api/samples/{sample_id}` is on both), and an OpenAPI document has
one entry per path. Public paths are therefore written in full under the server `http://{host}:{port}`, and
job paths relative to a path-level server `http://{host}:{jobs_port}/api`: the server joined to the path is
the real URL in both cases. Job operations carry `job-api: <tag>` tags and `job_` operation ids.
"""

import inspect
import json
import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from aiohttp import web
from pydantic import TypeAdapter
from pydantic.json_schema import JsonSchemaMode

from virtool_api.api.keys import CONTEXT
from virtool_api.api.routes import INVALID_JSON, ApiRoutes, Endpoint, answers
from virtool_api.api.slow_clients import MALFORMED_REQUEST
from virtool_api.config import Config
from virtool_api.errors import (
    InsufficientStorage,
    InvalidQuery,
    JobFinished,
    PayloadTooLarge,
    ServiceError,
    Unauthorized,
)
from virtool_api.models import ErrorBody
from virtool_api.storage.files import MALFORMED_MULTIPART, NO_FILE_PART, NOT_MULTIPART

routes = ApiRoutes("openapi")

PREFIX = "/api"
SCHEMA_REF = "#/components/schemas/{model}"
MULTIPART_ERRORS = [NOT_MULTIPART, NO_FILE_PART, MALFORMED_MULTIPART, InsufficientStorage]

SECURITY_SCHEMES = {
    "apiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A user's API key.",
    },
    "basic": {
        "type": "http",
        "scheme": "basic",
        "description": "`<handle>:<key>`, or `<key>:` with an empty password.",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "virtool_session",
        "description": "The browser client's session, from `POST /account/login`. Requests that change "
        "something also send `X-Requested-With` (and the browser an `Origin` of this site).",
    },
    "jobBasic": {
        "type": "http",
        "scheme": "basic",
        "description": "`job-{id}:{key}`, with the key returned once when the job is acquired.",
    },
}
PUBLIC_SECURITY: list[dict[str, list[str]]] = [{"apiKey": []}, {"basic": []}, {"session": []}]
JOB_SECURITY: list[dict[str, list[str]]] = [{"jobBasic": []}]


@dataclass(frozen=True)
class Api:
    """One of the two applications as the document presents it."""

    server_base: str
    """The part of each route's prefix its server URL already carries; the rest goes into the path key."""
    operation_prefix: str
    tag_prefix: str
    security: list[dict[str, list[str]]]
    server: dict[str, Any] | None
    """A path-level server, for the API that is not the document's default."""
    job_scoped: bool = False
    """The job API: a finished job's key is refused on every route that does not declare otherwise."""


def _server(description: str, port: int, base_path: str) -> dict[str, Any]:
    return {
        "url": "http://{host}:{port}" + base_path,
        "description": description,
        "variables": {"host": {"default": "localhost"}, "port": {"default": str(port)}},
    }


def package_version() -> str:
    try:
        return version("virtool-api")
    except PackageNotFoundError:
        return "0.0.0"


def build_openapi(public: Sequence[Endpoint], jobs: Sequence[Endpoint], config: Config) -> dict[str, Any]:
    """The document for the endpoints the public app and the job app register (`app[ENDPOINTS]`)."""
    public_api = Api("", "", "", PUBLIC_SECURITY, None)
    job_server = _server("Job API (workflow jobs)", config.jobs_port, PREFIX)
    job_api = Api(PREFIX, "job_", "job-api: ", JOB_SECURITY, job_server, job_scoped=True)
    listed = [(public_api, endpoint) for endpoint in public] + [(job_api, endpoint) for endpoint in jobs]

    schemas, components = _schemas(endpoint for _, endpoint in listed)
    paths: dict[str, dict[str, Any]] = {}
    tags: dict[str, str] = {}
    operation_ids: set[str] = set()

    for api, endpoint in listed:
        path, parameters = _path_and_parameters(endpoint.path)
        item = paths.setdefault(endpoint.prefix.removeprefix(api.server_base) + path, {})
        if api.server is not None:
            item["servers"] = [api.server]
        operation = _operation(api, endpoint, parameters, schemas, components)
        operation["operationId"] = _unique(
            f"{api.operation_prefix}{'_'.join(endpoint.tags)}_{endpoint.handler.__name__}", operation_ids
        )
        item[endpoint.method.lower()] = operation
        for tag in operation["tags"]:
            tags.setdefault(tag, "Job API (workflow jobs)" if api is job_api else "Public API")

    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "virtool-api",
            "version": package_version(),
            "description": (
                "Samples, analyses and workflow jobs for plant virus detection. The public API is for people "
                "and scripts; the job API (tags `job-api: ...`) is for workflow jobs, on its own port."
            ),
        },
        # Relative: "Try it out" on /docs calls the server the page came from, whatever its host name (and the
        # page's Content-Security-Policy admits only that origin).
        "servers": [{"url": "/", "description": "Public API (this server)"}],
        "tags": [{"name": name, "description": description} for name, description in tags.items()],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": SECURITY_SCHEMES},
    }
    _drop_unreferenced(document, components)
    return document


def _path_and_parameters(path: str) -> tuple[str, list[dict[str, Any]]]:
    """`/samples/{id}/files/{name:.+}` -> `/samples/{id}/files/{name}` and its path parameters."""
    names: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        name = match.group(1).split(":", 1)[0].strip()
        names.append(name)
        return "{" + name + "}"

    template = re.sub(r"\{([^{}]+)\}", placeholder, path)
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in names
    ]
    return template, parameters


def _schemas(endpoints: Iterable[Endpoint]) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """One JSON Schema generation over every model, so shared models become one component each.

    Request models are described as they are validated and response models as they are serialized (pydantic
    suffixes a component `-Input`/`-Output` only where the two differ).
    """
    inputs: dict[tuple[Any, JsonSchemaMode], TypeAdapter[Any]] = {
        (ErrorBody, "serialization"): TypeAdapter(ErrorBody)
    }
    for endpoint in endpoints:
        models: tuple[tuple[Any, JsonSchemaMode], ...] = (
            (endpoint.query, "validation"),
            (endpoint.body, "validation"),
            (endpoint.response, "serialization"),
        )
        for model, mode in models:
            if model is not None and (model, mode) not in inputs:
                inputs[(model, mode)] = TypeAdapter(model)
    schemas, definitions = TypeAdapter.json_schemas(
        [(model, mode, adapter) for (model, mode), adapter in inputs.items()], ref_template=SCHEMA_REF
    )
    components = definitions.get("$defs", {})
    renamed = readable_names(list(components))
    if not renamed:
        return dict(schemas), components
    references = {SCHEMA_REF.format(model=old): SCHEMA_REF.format(model=new) for old, new in renamed.items()}
    return (
        {key: _renamed_references(schema, references) for key, schema in schemas.items()},
        {
            renamed.get(name, name): _renamed_references(schema, references)
            for name, schema in components.items()
        },
    )


_GENERIC = re.compile(r"^(?P<generic>[A-Za-z0-9]+)_(?P<argument>[A-Za-z0-9]+)_(?P<mode>-[A-Za-z]+)?$")
"""pydantic's name for a generic model of one class: `Page_Upload_`."""


def readable_names(names: list[str]) -> dict[str, str]:
    """New names for the components pydantic names after their module when two models share a class name
    (`virtool_api__samples__models__Label-Output`): the class name, prefixed by its domain in the singular
    unless it already starts with it (`SampleLabel-Output`; `labels.models.Label` stays `Label`). A generic
    model of one class is named after both, `Page_Upload_` becoming `UploadPage`."""
    taken = {name for name in names if "__" not in name and not _GENERIC.match(name)}
    renamed: dict[str, str] = {}
    for name in sorted(names):
        if generic := _GENERIC.match(name):
            base = f"{generic['argument']}{generic['generic']}{generic['mode'] or ''}"
            renamed[name] = candidate = base if base not in taken else name
            taken.add(candidate)
            continue
        if "__" not in name:
            continue
        qualified, dash, mode = name.partition("-")
        parts = qualified.split("__")
        class_name = parts[-1]
        domain = parts[1] if len(parts) > 2 and parts[0] == "virtool_api" else parts[-2]
        prefix = domain.removesuffix("s").title().replace("_", "")
        candidate = base = (
            (class_name if class_name.startswith(prefix) else prefix + class_name) + dash + mode
        )
        number = 2
        while candidate in taken:
            candidate, number = f"{base}{number}", number + 1
        taken.add(candidate)
        renamed[name] = candidate
    return renamed


def _renamed_references(value: Any, references: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {
            key: references.get(item, item)
            if key == "$ref" and isinstance(item, str)
            else _renamed_references(item, references)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_renamed_references(item, references) for item in value]
    return value


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if ref := schema.get("$ref"):
        return components[ref.rsplit("/", 1)[1]]
    return schema


def _operation(
    api: Api,
    endpoint: Endpoint,
    parameters: list[dict[str, Any]],
    schemas: dict[Any, dict[str, Any]],
    components: dict[str, Any],
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "tags": [api.tag_prefix + tag for tag in endpoint.tags],
        "summary": endpoint.summary,
    }
    if description := _description(endpoint):
        operation["description"] = description

    if endpoint.query is not None:
        parameters = parameters + _query_parameters(
            _resolve(schemas[(endpoint.query, "validation")], components)
        )
    if parameters:
        operation["parameters"] = parameters

    if endpoint.file_upload:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            },
        }
    elif endpoint.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas[(endpoint.body, "validation")]}},
        }

    refused_when_finished = api.job_scoped and endpoint.auth and not endpoint.finished_job
    errors: list[type[ServiceError]] = [JobFinished] if refused_when_finished else []
    operation["responses"] = {str(endpoint.status): _success(endpoint, schemas)} | _error_responses(
        endpoint, errors
    )
    operation["security"] = api.security if endpoint.auth else []
    return operation


def _description(endpoint: Endpoint) -> str:
    """The handler's docstring after its first line (the summary)."""
    lines = inspect.cleandoc(endpoint.handler.__doc__ or "").splitlines()
    return "\n".join(lines[1:]).strip()


def _query_parameters(model_schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(model_schema.get("required", ()))
    parameters = []
    for name, schema in model_schema.get("properties", {}).items():
        schema = dict(schema)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if description := schema.pop("description", None):
            parameter["description"] = description
        parameter["schema"] = schema
        parameters.append(parameter)
    return parameters


def _success(endpoint: Endpoint, schemas: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": HTTPStatus(endpoint.status).phrase}
    if endpoint.status == 204:
        return response
    if endpoint.media_type is not None:
        response["content"] = {endpoint.media_type: {"schema": {"type": "string", "format": "binary"}}}
    elif endpoint.file_download:
        response["content"] = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    elif endpoint.response is not None:
        response["content"] = {"application/json": {"schema": schemas[(endpoint.response, "serialization")]}}
    return response


def parsing_errors(endpoint: Endpoint) -> list[type[ServiceError]]:
    """The answers given before a handler's own rules, documented without being declared: any request may be
    malformed HTTP (a request line past 8190 bytes: api/slow_clients.py); routes that take a JSON body, a
    query or a file may answer what `ApiRoutes` and the streaming helpers refuse."""
    errors: list[type[ServiceError]] = [MALFORMED_REQUEST]
    if endpoint.body is not None:
        errors += [INVALID_JSON, PayloadTooLarge, endpoint.body_error]
    if endpoint.query is not None:
        errors.append(InvalidQuery)
    if endpoint.file_upload:
        errors += MULTIPART_ERRORS
    return errors


def _error_responses(endpoint: Endpoint, implied: list[type[ServiceError]]) -> dict[str, Any]:
    """Each declared error, messages of one status grouped; 401 on every route that authenticates; the
    parsing errors of routes that take a body, a query or a file; `implied`: what the app's middleware
    answers for it (a finished job's 409 on the job API)."""
    errors = answers([*endpoint.errors, *parsing_errors(endpoint), *implied])
    if endpoint.auth and not any(status == Unauthorized.status for status, _ in errors):
        errors += answers([Unauthorized])
    messages: dict[int, list[str]] = {}
    for status, message in sorted(errors, key=lambda error: error[0]):
        if message not in messages.setdefault(status, []):
            messages[status].append(message)
    error_schema = {"$ref": SCHEMA_REF.format(model="ErrorBody")}
    return {
        str(status): {
            "description": texts[0] if len(texts) == 1 else "\n".join(f"- {text}" for text in texts),
            "content": {"application/json": {"schema": error_schema}},
        }
        for status, texts in messages.items()
    }


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate, number = f"{name}_{number}", number + 1
    taken.add(candidate)
    return candidate


def _drop_unreferenced(document: dict[str, Any], components: dict[str, Any]) -> None:
    """Query models are spread into parameters; their own components are left out unless still referenced."""
    while True:
        text = json.dumps(document)
        unused = [name for name in components if f'"{SCHEMA_REF.format(model=name)}"' not in text]
        if not unused:
            return
        for name in unused:
            del components[name]


BothApis = Callable[[], tuple[list[Endpoint], list[Endpoint]]]
BOTH_APIS: web.AppKey[BothApis] = web.AppKey("both_apis")
"""What the public app and the job app register: set on each app where it is built (`server/app.py`)."""


_documents: "weakref.WeakKeyDictionary[web.Application, dict[str, Any]]" = weakref.WeakKeyDictionary()


def openapi_document(app: web.Application) -> dict[str, Any]:
    """Built on the first request to each app: the route tables are fixed once the app exists."""
    if app not in _documents:
        _documents[app] = build_openapi(*app[BOTH_APIS](), app[CONTEXT].config)
    return _documents[app]


@routes.get("/openapi.json", response=dict[str, Any], auth=False)
async def get(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of the public and job APIs (gzipped for clients that take it)."""
    response = web.json_response(openapi_document(request.app))
    response.enable_compression()
    return response
