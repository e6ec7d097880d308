"""Every error a handler can answer is named in its route's `errors=` table, so the OpenAPI document (derived
from those tables) lists every answer the server gives; and each raise says a declared error's message.

What a handler can raise is read from the code (`error_reach.py`); what the route documents is its table plus
what the route implies: the parsing errors of a body, a query or a file, the 401 of a route that
authenticates, and on the job API the 409 of a finished job (`api/openapi.py`).
"""

import importlib
import pkgutil
import re
from typing import Any

from aiohttp import web

import virtool_api
from tests.support.error_reach import Reader
from virtool_api.api.openapi import parsing_errors
from virtool_api.api.routes import ENDPOINTS, ApiRoutes, Endpoint, answers
from virtool_api.errors import Conflict, JobFinished, NotFound, ServiceError, Unauthorized
from virtool_api.storage.files import NotGzip

ODD_ONE_OUT = Conflict.declare("Odd one out")
NOT_THERE = NotFound.declare("Not there")


NOT_GZIP = (NotGzip.status, NotGzip.default_message)
NOT_REACHED: dict[tuple[str, tuple[int, str]], str] = {
    # Where the reading follows a branch the route never takes; each says why.
    **{
        (route, (400, message)): "the rights route checks only the group it is given"
        for route in ["PATCH /api/samples/{sample_id}/rights"]
        for message in (
            "Labels do not exist: {ids}",
            "Subtractions do not exist: {ids}",
            "Tags do not exist: {ids}",
        )
    },
    (
        "PATCH /api/samples/{sample_id}",
        (400, "Group does not exist"),
    ): "a sample's group is set by its rights",
    **{
        (
            "PATCH /api/v1/samples/{sample_id}",
            answer,
        ): "One Codex's body has only visibility, project and tags"
        for answer in (
            (400, "Group does not exist"),
            (400, "Labels do not exist: {ids}"),
            (400, "Subtractions do not exist: {ids}"),
            (400, "Sample name is already in use"),
        )
    },
    **{
        (
            "POST /api/references/{reference_id}/indexes",
            answer,
        ): "the server writes otus.json.gz itself, first"
        for answer in (
            NOT_GZIP,
            (409, "File name already exists"),
            (409, "Index is finalized"),
            (409, "Job is finished"),
        )
    },
    **{
        (route, NOT_GZIP): "only reads and uploads are received with `require_gzip`"
        for route in (
            "job API PATCH /api/analyses/{analysis_id}",
            "job API POST /api/analyses/{analysis_id}/files",
            "job API POST /api/samples/{sample_id}/artifacts",
            "job API PUT /api/indexes/{index_id}/files/{name}",
            "job API PUT /api/subtractions/{subtraction_id}/files/{name}",
        )
    },
    ("POST /api/uploads", (404, "Not found")): "the uploads directory is never removed",
    ("POST /api/uploads", (409, "Upload already exists")): "an upload's name on disk starts with its new id",
    (
        "PUT /api/analyses/{analysis_id}/{sequence_index}/blast",
        (404, "Not found"),
    ): "BLAST passes its own 404",
}


def documented(endpoint: Endpoint, job_api: bool) -> set[tuple[int, str]]:
    implied = parsing_errors(endpoint)
    if endpoint.auth:
        implied.append(Unauthorized)
        if job_api and not endpoint.finished_job:
            implied.append(JobFinished)
    return set(answers([*endpoint.errors, *implied]))


def undeclared(
    endpoints: list[tuple[bool, Endpoint]], packages: tuple[str, ...] = ("virtool_api",)
) -> list[str]:
    """One line per error a handler can raise that its route does not document, and per error given its
    message where it is raised."""
    reader = Reader(packages)
    found = []
    for job_api, endpoint in endpoints:
        route = f"{'job API ' if job_api else ''}{endpoint.method} {endpoint.prefix}{endpoint.path}"
        reach = reader.function(endpoint.handler)
        declared = documented(endpoint, job_api)
        for (status, message), (_, where) in sorted(reach.answers.items()):
            if (status, message) not in declared and (route, (status, message)) not in NOT_REACHED:
                found.append(f"{route}: {status} {message!r} (raised in {where})")
        found += [f"{route}: {problem} (in {where})" for where, problem in sorted(reach.problems.items())]
    return found


async def test_every_error_a_handler_can_raise_is_declared_by_its_route(public_client, jobs_client):
    endpoints = [(False, endpoint) for endpoint in public_client.app[ENDPOINTS]] + [
        (True, endpoint) for endpoint in jobs_client.app[ENDPOINTS]
    ]
    assert undeclared(endpoints) == []


def _import_all() -> list[Any]:
    return [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(virtool_api.__path__, "virtool_api.")
        if not info.name.endswith("__main__")
    ]


def test_no_error_is_given_its_message_where_it_is_raised():
    """Beyond what handlers reach too (the middlewares, background work): every error raised by the server is
    a declared value, so its message is written once."""
    reader = Reader()
    problems: dict[str, str] = {}
    for module in _import_all():
        for value in vars(module).values():
            if getattr(value, "__module__", None) == module.__name__:
                problems.update(reader.value(value).problems)
    assert [f"{where}: {problem}" for where, problem in sorted(problems.items())] == []


def test_each_answer_is_declared_once():
    """No two declared errors say the same thing with the same status: one rule, one value."""
    _import_all()
    declared: dict[tuple[int, str], list[str]] = {}
    pending = [ServiceError]
    while pending:
        error = pending.pop()
        pending += error.__subclasses__()
        if error.__module__.startswith("virtool_api.") and error.__module__ != ServiceError.__module__:
            for answer in answers([error]):
                declared.setdefault(answer, []).append(f"{error.__module__}.{error.__qualname__}")
    assert {answer: where for answer, where in declared.items() if len(where) > 1} == {}


# The reading itself, on a small route table: each case is one a real route could get wrong.

table = ApiRoutes("examples")


def check_oddness(value: str) -> None:
    if value == "odd":
        raise ODD_ONE_OUT


def find_thing(value: str) -> str:
    if not value:
        raise NOT_THERE
    return value


@table.get("/declared", errors=(ODD_ONE_OUT,))
async def declared(request: web.Request) -> None:
    """Raises through a function it calls, and names the error."""
    check_oddness(request.match_info["value"])


@table.get("/omitted")
async def omitted(request: web.Request) -> None:
    """Raises through a function it calls, and forgets to name it."""
    check_oddness(request.match_info["value"])


@table.get("/caught")
async def caught(request: web.Request) -> str:
    """The error is caught before it reaches the client."""
    try:
        return find_thing(request.match_info["value"])
    except NotFound:
        return "nothing"


@table.get("/caught-and-raised-again")
async def caught_and_raised_again(request: web.Request) -> str:
    """A handler that raises what it caught lets it through."""
    try:
        return find_thing(request.match_info["value"])
    except NotFound:
        raise


@table.get("/message-at-the-raise", errors=(Conflict,))
async def message_at_the_raise(request: web.Request) -> None:
    """A message written where the error is raised is a second declaration, which nothing keeps in step."""
    raise Conflict(f"{request.match_info['value']} is taken")


def example(path: str) -> list[str]:
    """What the check says of one example route, without line numbers."""
    found = undeclared(
        [(False, endpoint) for endpoint in table.endpoints if endpoint.path == path],
        ("virtool_api", __name__),
    )
    return [re.sub(r" \(line \d+\)", "", line) for line in found]


def test_an_error_raised_through_a_called_function_and_named_passes():
    assert example("/declared") == []


def test_an_error_raised_through_a_called_function_and_not_named_fails():
    assert example("/omitted") == [
        "GET /api/omitted: 409 'Odd one out' (raised in tests.server.test_error_declarations.check_oddness)"
    ]


def test_an_error_caught_on_the_way_is_not_answered():
    assert example("/caught") == []


def test_an_error_caught_and_raised_again_is_answered():
    assert example("/caught-and-raised-again") == [
        "GET /api/caught-and-raised-again: 404 'Not there' "
        "(raised in tests.server.test_error_declarations.find_thing)"
    ]


def test_a_message_written_at_the_raise_fails():
    assert example("/message-at-the-raise") == [
        "GET /api/message-at-the-raise: Conflict given its message where it is raised: declare it "
        "(in tests.server.test_error_declarations.message_at_the_raise)"
    ]
