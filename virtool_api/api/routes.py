"""Route tables that carry their own description.

`ApiRoutes` registers aiohttp handlers and records, for each, the request and response models and the
errors it can answer, so the OpenAPI document is generated from the code that serves the requests.
Handlers receive parsed, validated `body` and `query` models and return a pydantic model, a dict, or any
aiohttp response.
"""

import asyncio
import dataclasses
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from virtool_api.api.model_fields import ModelFields
from virtool_api.errors import BadRequest, InvalidInput, InvalidQuery, ServiceError
from virtool_api.utils import collection_paused

Handler = Callable[..., Awaitable[Any]]
Reads = Callable[[web.Request, dict[str, Any]], Generator[Any, Any, Any]]
"""A route's reads as steps (`storage/steps.py`), made from the request and its caller (the user found):
run in the round trip that authenticates it (`server/auth.py`), their answer in `request[READ]`."""

INVALID_JSON = BadRequest.declare("Invalid JSON body")


def answers(errors: Iterable[type[ServiceError]]) -> list[tuple[int, str]]:
    """Each (status, message) the errors may answer, as the API document lists them."""
    return [(error.status, message) for error in errors for message in error.messages()]


logger = logging.getLogger(__name__)
Q = TypeVar("Q", bound=BaseModel)

CLIENT_CHECK_INTERVAL = 0.5
"""How often a route that stops when its client leaves looks at the connection (seconds)."""
CLIENT_CLOSED = 499
"""What the request log shows for work stopped because its client went away (nginx's convention)."""


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    errors: tuple[type[ServiceError], ...] = ()
    auth: bool = True
    file_upload: bool = False
    file_download: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    prefix: str = "/api"
    """Where the route table was registered: the route is served at `prefix + path`."""
    body_error: type[ServiceError] = InvalidInput
    """What a body of the wrong shape gets (422 "Invalid input" unless the route says otherwise)."""
    finished_job: bool = False
    """On the job API: a job in a terminal state may still call it (see `ApiRoutes.route`)."""
    media_type: str | None = None
    """A route answering a file of one type (CSV, a workbook): documented as that type, binary."""


ENDPOINTS: web.AppKey[list[Endpoint]] = web.AppKey("endpoints", list)


def validation_details(error: ValidationError) -> dict[str, list[str]]:
    """`{"field.path": ["message", ...]}`: names the field that failed, without echoing the input back."""
    details: dict[str, list[str]] = {}
    for item in error.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in item["loc"]) or "body"
        details.setdefault(location, []).append(item["msg"])
    return details


SMALL_FORM = 64 * 1024
"""The body limit of small forms (signing in, a password, a key's name, a user, a group, a tag, a label,
the settings, acquiring a job): a few hundred bytes in use, so a large body is refused before it is read."""


async def read_body(request: web.Request, limit: int) -> bytes:
    """The request body, at most `limit` bytes: 413 when its `Content-Length` says more (nothing is read),
    or as soon as more than that has arrived (a body sent without a length, or with a false one)."""
    if request.content_length is not None and request.content_length > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=request.content_length)
    if request.content.is_eof():  # all of it has arrived (a small body, usually): taken without waiting
        whole = request.content.read_nowait()
        if len(whole) > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(whole))
        return whole
    body = bytearray()
    while chunk := await request.content.read(64 * 1024):
        body += chunk
        if len(body) > limit:
            raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
    return bytes(body)


async def read_json(request: web.Request, limit: int | None = None) -> Any:
    """The request's JSON body, or None without one; 400 "Invalid JSON body" for anything unreadable, 413
    beyond `limit` bytes (by default the server's `--max-json-size`).

    Parsed from bytes, so a body that is not UTF-8 is malformed JSON, not a decoding crash; nesting deeper
    than Python's parser can recurse (about 1,000 levels) is refused the same way, never a RecursionError.
    """
    if not request.body_exists:
        return None
    body = await read_body(request, request.client_max_size if limit is None else limit)
    try:
        with collection_paused():
            return json.loads(body)
    except (ValueError, RecursionError):
        raise INVALID_JSON from None


def query_values(request: web.Request) -> dict[str, str]:
    """The query string as the query model validates it; 422 for a value no store can take.

    A NUL is refused here, once for every route: PostgreSQL rejects it in text and MongoDB in a regex, so
    letting it through would be a 500 further down.
    """
    values = dict(request.query)
    hostile = {name: ["must not contain NUL characters"] for name, value in values.items() if "\x00" in value}
    if hostile:
        raise InvalidQuery(errors=hostile)
    return values


def query_reads(model: type[Q], steps: Callable[[dict[str, Any], Q], Generator[Any, Any, Any]]) -> Reads:
    """A route's reads made from its query, parsed as `model`, and its caller: a listing page read in the
    round trip that authenticates the caller. No steps for a query `model` refuses (no round trip: the handler
    then answers 422 as it would without reads)."""

    def reads(request: web.Request, user: dict[str, Any]) -> Generator[Any, Any, Any]:
        try:
            query = model.model_validate(query_values(request))
        except (ValidationError, InvalidQuery):
            return _no_steps()
        return steps(user, query)

    return reads


def _no_steps() -> Generator[Any, Any, None]:
    return
    yield


async def unless_client_leaves(request: web.Request, work: Awaitable[Any]) -> Any:
    """`work`'s result, or, once the client has closed its connection, `work` cancelled (its clean-up runs)
    and a 499 nobody reads: for work that is only for that request, such as an import whose answer the
    client would have waited for."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait([task], timeout=CLIENT_CHECK_INTERVAL)
            if done:
                return task.result()
            if request.transport is None or request.transport.is_closing():
                logger.info("client went away during %s %s: stopping its work", request.method, request.path)
                task.cancel()
                await asyncio.wait([task])
                return web.Response(status=CLIENT_CLOSED)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.wait([task])
        raise


def model_response(
    model: BaseModel, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """The model as JSON, written by pydantic in one step (half the time of a dict through `json.dumps`), as
    the bytes it writes (`model_dump_json` decodes them to text, which a response would encode again)."""
    return json_bytes_response(model.__pydantic_serializer__.to_json(model, by_alias=True), status, headers)


def json_bytes_response(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=body, status=status, content_type="application/json", charset="utf-8", headers=headers
    )


def render(result: Any, status: int) -> web.StreamResponse:
    if isinstance(result, web.StreamResponse):
        return result
    if result is None:
        return web.Response(status=204)
    if isinstance(result, BaseModel):
        return model_response(result, status)
    if isinstance(result, ModelFields):
        return json_bytes_response(result.json(), status)
    return web.json_response(result, status=status)


def created(model: BaseModel, location: str) -> web.Response:
    """201 with the new resource and, in `Location`, where it lives."""
    return model_response(model, 201, {"Location": location})


class ApiRoutes:
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []
        self._built: dict[tuple[str, int], tuple[tuple[web.AbstractResource, ...], tuple[Endpoint, ...]]] = {}

    def route(
        self,
        method: str,
        path: str,
        *,
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        response: Any = None,
        status: int = 200,
        errors: tuple[type[ServiceError], ...] = (),
        auth: bool = True,
        file_upload: bool = False,
        file_download: bool = False,
        body_error: type[ServiceError] = InvalidInput,
        finished_job: bool = False,
        authenticates_job: bool = False,
        max_body: int | None = None,
        stop_when_client_leaves: bool = False,
        media_type: str | None = None,
        reads: Reads | None = None,
    ) -> Callable[[Handler], Handler]:
        """`finished_job`: on the job API, a job in a terminal state may still call this route (the job
        protocol allows only its ping and the clean-up `DELETE`); every other route answers it 409.
        `authenticates_job`: on the job API, the handler's own conditional update authenticates the job (its
        key's hash in the condition, `request[JOB_CREDENTIALS]`), so the middleware does not read it first.
        `max_body`: the JSON body limit in bytes (`SMALL_FORM` for small forms), below the server's.
        `stop_when_client_leaves`: cancel the handler once its client is gone (`unless_client_leaves`).
        `reads`: on the public API, what the handler reads (steps made from the request and the caller), read
        in the round trip that authenticates the caller once the caller is known, and handed over as
        `request[READ]`: a read by id or a listing page costs one round trip, not two (`query_reads`).
        Read-only steps; the handler still asks the caller's rights before showing anything."""

        if not all(isinstance(error, type) and issubclass(error, ServiceError) for error in errors):
            raise TypeError(f"{method} {path}: errors must be a tuple of declared errors, not {errors!r}")

        def decorate(handler: Handler) -> Handler:
            @functools.wraps(handler)
            async def wrapper(request: web.Request) -> web.StreamResponse:
                kwargs: dict[str, Any] = {}
                if query is not None:
                    try:
                        kwargs["query"] = query.model_validate(query_values(request))
                    except ValidationError as error:
                        raise InvalidQuery(errors=validation_details(error)) from None
                if body is not None:
                    data = await read_json(request, max_body)
                    try:
                        with collection_paused():
                            kwargs["body"] = body.model_validate({} if data is None else data)
                    except ValidationError as error:
                        raise body_error(errors=validation_details(error)) from None
                work = handler(request, **kwargs)
                if stop_when_client_leaves:
                    return render(await unless_client_leaves(request, work), status)
                return render(await work, status)

            wrapper.requires_auth = auth  # type: ignore[attr-defined]
            wrapper.finished_job_allowed = finished_job  # type: ignore[attr-defined]
            wrapper.authenticates_job = authenticates_job  # type: ignore[attr-defined]
            wrapper.reads = reads  # type: ignore[attr-defined]

            self.endpoints.append(
                Endpoint(
                    method=method,
                    path=path,
                    handler=wrapper,
                    summary=(handler.__doc__ or handler.__name__).strip().splitlines()[0],
                    body=body,
                    query=query,
                    response=response,
                    status=status,
                    errors=errors,
                    auth=auth,
                    file_upload=file_upload,
                    file_download=file_download,
                    tags=(self.tag,),
                    body_error=body_error,
                    finished_job=finished_job,
                    media_type=media_type,
                )
            )
            return wrapper

        return decorate

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)

    def register(self, app: web.Application, prefix: str = "/api") -> None:
        """Serve the table's routes at `prefix` in `app`, and list its endpoints in `app[ENDPOINTS]`."""
        resources, endpoints = self.built(prefix)
        for resource in resources:
            app.router.register_resource(resource)
        if ENDPOINTS not in app:
            app[ENDPOINTS] = []
        app[ENDPOINTS].extend(endpoints)

    def built(self, prefix: str) -> tuple[tuple[web.AbstractResource, ...], tuple[Endpoint, ...]]:
        """The table's aiohttp resources (each a path and its routes' handlers) and its endpoints at `prefix`,
        built once per process and registered by every app that serves the table. Neither changes once built:
        an `Endpoint` is frozen, and aiohttp adds a route to a registered resource only for `add_route` on
        the path of the router's last resource, which no app here calls after its tables. Building them for
        each app was most of the 4.5 ms of CPU a public app took to build: each test's, and each OpenAPI
        document's (`api_endpoints`)."""
        key = (prefix, len(self.endpoints))
        if key not in self._built:
            router = web.UrlDispatcher()
            for endpoint in self.endpoints:
                router.add_route(endpoint.method, prefix + endpoint.path, endpoint.handler)
            self._built[key] = (
                tuple(router.resources()),
                tuple(dataclasses.replace(endpoint, prefix=prefix) for endpoint in self.endpoints),
            )
        return self._built[key]
