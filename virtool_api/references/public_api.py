"""Public API: references and their OTUs (administrators create or import, everyone signed in reads)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
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
from virtool_api.uploads.reservations import FILE_DOES_NOT_EXIST

routes = ApiRoutes("references")
otu_routes = ApiRoutes("otus")


@routes.get(
    "/references",
    query=PageQuery,
    response=ReferenceSearchResult,
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
        FILE_DOES_NOT_EXIST,
        InvalidReferenceFile,
        service.NO_NAME,
        InsufficientRights,
        NotFound,
        service.IMPORT_ABANDONED,
    ),
)
async def create(request: web.Request, body: CreateReferenceRequest) -> web.Response:
    """Create a reference (administrators): empty, or imported from an upload of type `reference`."""
    reference = await service.create_reference(request.app[CONTEXT], request[USER], body)
    return created(reference, f"/api/references/{reference.id}")


@routes.get("/references/{reference_id}", response=Reference, errors=(NotFound,))
async def get(request: web.Request) -> Reference:
    """Get a reference with its OTU count and newest ready index."""
    return await service.get_reference(request.app[CONTEXT], request.match_info["reference_id"])


@routes.get(
    "/references/{reference_id}/otus",
    query=OTUSearchQuery,
    response=OTUSearchResult,
    errors=(NotFound,),
)
async def find_otus(request: web.Request, query: OTUSearchQuery) -> OTUSearchResult:
    """List a reference's OTUs by name; `find` matches name or abbreviation."""
    return await otus.find_otus(
        request.app[CONTEXT], request.match_info["reference_id"], query.find, query.page, query.per_page
    )


@otu_routes.get("/otus/{otu_id}", response=OTU, errors=(NotFound,))
async def get_otu(request: web.Request) -> OTU:
    """Get an OTU with its isolates and their sequences."""
    return await otus.get_otu(request.app[CONTEXT], request.match_info["otu_id"])
