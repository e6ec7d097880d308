"""Public API: references with their indexes, and subtractions (administrators create, everyone lists)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes
from virtool_api.pagination import PageQuery
from virtool_api.references import service
from virtool_api.references.models import (
    CreateReferenceRequest,
    CreateSubtractionRequest,
    Index,
    Reference,
    ReferenceSearchResult,
    Subtraction,
    SubtractionSearchResult,
)

routes = ApiRoutes("references")
subtraction_routes = ApiRoutes("subtractions")

CREATE_ERRORS = ((401, "Requires authorization"), (403, "Insufficient rights"), (422, "Invalid input"))


@routes.get(
    "/references",
    query=PageQuery,
    response=ReferenceSearchResult,
    errors=((401, "Requires authorization"), (422, "Invalid query")),
)
async def find(request: web.Request, query: PageQuery) -> ReferenceSearchResult:
    """List references with their newest ready index."""
    return await service.find_references(request.app[CONTEXT], query.page, query.per_page)


@routes.post("/references", body=CreateReferenceRequest, response=Reference, status=201, errors=CREATE_ERRORS)
async def create(request: web.Request, body: CreateReferenceRequest) -> Reference:
    """Create a reference (administrators)."""
    reference = await service.create_reference(request.app[CONTEXT], request[USER], body.name, body.data_type)
    return reference


@routes.post(
    "/references/{reference_id}/indexes",
    response=Index,
    status=201,
    errors=((401, "Requires authorization"), (403, "Insufficient rights"), (404, "Not found")),
)
async def create_index(request: web.Request) -> Index:
    """Create a ready index of the reference with the next version (administrators)."""
    index = await service.create_index(
        request.app[CONTEXT], request[USER], request.match_info["reference_id"]
    )
    return index


@subtraction_routes.get(
    "/subtractions",
    query=PageQuery,
    response=SubtractionSearchResult,
    errors=((401, "Requires authorization"), (422, "Invalid query")),
)
async def find_subtractions(request: web.Request, query: PageQuery) -> SubtractionSearchResult:
    """List subtractions."""
    return await service.find_subtractions(request.app[CONTEXT], query.page, query.per_page)


@subtraction_routes.post(
    "/subtractions", body=CreateSubtractionRequest, response=Subtraction, status=201, errors=CREATE_ERRORS
)
async def create_subtraction(request: web.Request, body: CreateSubtractionRequest) -> Subtraction:
    """Create a ready subtraction (administrators)."""
    subtraction = await service.create_subtraction(request.app[CONTEXT], request[USER], body.name)
    return subtraction
