"""Public API: a reference's indexes (administrators build the next one; everyone signed in reads them)."""

from aiohttp import web

from virtool_api.api.files import download
from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, InsufficientStorage, NotFound
from virtool_api.indexes import service
from virtool_api.indexes.files import INDEX_FILES
from virtool_api.indexes.models import Index, IndexSearchResult
from virtool_api.pagination import PageQuery

routes = ApiRoutes("indexes")


@routes.post(
    "/references/{reference_id}/indexes",
    response=Index,
    status=201,
    errors=(
        service.NO_OTUS,
        InsufficientRights,
        NotFound,
        service.ALREADY_BUILDING,
        InsufficientStorage,
    ),
)
async def create(request: web.Request) -> web.Response:
    """Build the reference's next index (administrators): not ready until its build-index job finalizes it."""
    index = await service.create_index(
        request.app[CONTEXT], request[USER], request.match_info["reference_id"]
    )
    return created(index, f"/api/indexes/{index.id}")


@routes.get(
    "/references/{reference_id}/indexes",
    query=PageQuery,
    response=IndexSearchResult,
    errors=(NotFound,),
)
async def find(request: web.Request, query: PageQuery) -> IndexSearchResult:
    """List a reference's indexes, newest version first."""
    return await service.find_indexes(
        request.app[CONTEXT], request.match_info["reference_id"], query.page, query.per_page
    )


@routes.get("/indexes/{index_id}", response=Index, errors=(NotFound,))
async def get(request: web.Request) -> Index:
    """Get an index with its files, manifest and job."""
    return await service.get_index(request.app[CONTEXT], request.match_info["index_id"])


@routes.get(
    "/indexes/{index_id}/files/{name}",
    file_download=True,
    errors=(NotFound,),
)
async def download_file(request: web.Request) -> web.FileResponse:
    """Download one of an index's files (anyone signed in, as anyone may read the index)."""
    name = request.match_info["name"]
    return download(await INDEX_FILES.path(request.app[CONTEXT], request.match_info["index_id"], name), name)
