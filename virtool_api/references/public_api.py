"""Public API: references and their OTUs (administrators create or import, everyone signed in reads)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import NotFound
from virtool_api.pagination import PageQuery
from virtool_api.references import otus, service
from virtool_api.references.export import InvalidReferenceFile
from virtool_api.references.models import (
    OTU,
    CreateReferenceRequest,
    OTUSearchQuery,
    OTUSearchResult,
    Reference,
    ReferenceSearchResult,
)

routes = ApiRoutes("references")
otu_routes = ApiRoutes("otus")

READ_ERRORS = ((401, "Requires authorization"), (404, "Not found"))


@routes.get(
    "/references",
    query=PageQuery,
    response=ReferenceSearchResult,
    errors=((401, "Requires authorization"), (422, "Invalid query")),
)
async def find(request: web.Request, query: PageQuery) -> ReferenceSearchResult:
    """List references with their OTU count and newest ready index."""
    return await service.find_references(request.app[CONTEXT], query.page, query.per_page)


@routes.post(
    "/references",
    body=CreateReferenceRequest,
    response=Reference,
    status=201,
    stop_when_client_leaves=True,
    errors=(
        (400, "File does not exist"),
        InvalidReferenceFile,
        service.NO_NAME,
        (401, "Requires authorization"),
        (403, "Insufficient rights"),
        NotFound,
        service.IMPORT_ABANDONED,
        (422, "Invalid input"),
    ),
)
async def create(request: web.Request, body: CreateReferenceRequest) -> web.Response:
    """Create a reference (administrators): empty, or imported from an upload of type `reference`."""
    reference = await service.create_reference(request.app[CONTEXT], request[USER], body)
    return created(reference, f"/api/references/{reference.id}")


@routes.get("/references/{reference_id}", response=Reference, errors=READ_ERRORS)
async def get(request: web.Request) -> Reference:
    """Get a reference with its OTU count and newest ready index."""
    return await service.get_reference(request.app[CONTEXT], request.match_info["reference_id"])


@routes.get(
    "/references/{reference_id}/otus",
    query=OTUSearchQuery,
    response=OTUSearchResult,
    errors=(*READ_ERRORS, (422, "Invalid query")),
)
async def find_otus(request: web.Request, query: OTUSearchQuery) -> OTUSearchResult:
    """List a reference's OTUs by name; `find` matches name or abbreviation."""
    return await otus.find_otus(
        request.app[CONTEXT], request.match_info["reference_id"], query.find, query.page, query.per_page
    )


@otu_routes.get("/otus/{otu_id}", response=OTU, errors=READ_ERRORS)
async def get_otu(request: web.Request) -> OTU:
    """Get an OTU with its isolates and their sequences."""
    return await otus.get_otu(request.app[CONTEXT], request.match_info["otu_id"])
