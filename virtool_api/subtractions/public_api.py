"""Public API: subtractions (administrators create and remove; everyone signed in reads)."""

from aiohttp import web

from virtool_api.api.files import download
from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.model_fields import ModelFields
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.pagination import PageQuery
from virtool_api.subtractions import service
from virtool_api.subtractions.files import SUBTRACTION_FILES
from virtool_api.subtractions.models import CreateSubtractionRequest, Subtraction, SubtractionSearchResult
from virtool_api.uploads.reservations import FILE_DOES_NOT_EXIST

routes = ApiRoutes("subtractions")


class SubtractionSearchQuery(PageQuery):
    ready: bool | None = None


@routes.get(
    "/subtractions",
    query=SubtractionSearchQuery,
    response=SubtractionSearchResult,
)
async def find(request: web.Request, query: SubtractionSearchQuery) -> SubtractionSearchResult:
    """List subtractions by name; `ready=true` for those an analysis can use."""
    return await service.find_subtractions(request.app[CONTEXT], query.page, query.per_page, query.ready)


@routes.post(
    "/subtractions",
    body=CreateSubtractionRequest,
    response=Subtraction,
    status=201,
    errors=(
        FILE_DOES_NOT_EXIST,
        InsufficientRights,
    ),
)
async def create(request: web.Request, body: CreateSubtractionRequest) -> web.Response:
    """Create a subtraction from an upload of type `subtraction` (administrators); its job makes its files."""
    subtraction = await service.create_subtraction(request.app[CONTEXT], request[USER], body)
    return created(subtraction, f"/api/subtractions/{subtraction.id}")


@routes.get(
    "/subtractions/{subtraction_id}",
    response=Subtraction,
    errors=(NotFound,),
)
async def get(request: web.Request) -> ModelFields:
    """Get a subtraction with its files, job and the samples that use it."""
    return await service.get_subtraction(request.app[CONTEXT], request.match_info["subtraction_id"])


@routes.delete(
    "/subtractions/{subtraction_id}",
    status=204,
    errors=(
        InsufficientRights,
        NotFound,
        service.IN_USE,
        service.STILL_BEING_CREATED,
    ),
)
async def remove(request: web.Request) -> None:
    """Remove a subtraction and its files (administrators), unless a sample or analysis uses it."""
    await service.remove_subtraction(
        request.app[CONTEXT], request[USER], request.match_info["subtraction_id"]
    )


@routes.get(
    "/subtractions/{subtraction_id}/files/{name}",
    file_download=True,
    errors=(NotFound,),
)
async def download_file(request: web.Request) -> web.FileResponse:
    """Download one of a subtraction's files (anyone signed in, as anyone may read the subtraction)."""
    name = request.match_info["name"]
    path = await SUBTRACTION_FILES.path(request.app[CONTEXT], request.match_info["subtraction_id"], name)
    return download(path, name)
