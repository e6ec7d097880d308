"""Job API: what build-index and analysis jobs do with indexes (docs/api.md, "Job API")."""

from aiohttp import web

from virtool_api.api.files import download, multipart_file_chunks
from virtool_api.api.keys import CONTEXT, JOB
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.indexes import lifecycle
from virtool_api.indexes.models import INDEX_FINALIZED, Index, IndexFileModel
from virtool_api.storage.placement import FILE_NAME_EXISTS

routes = ApiRoutes("indexes")


@routes.get("/indexes/{index_id}", response=Index, errors=(InsufficientRights, NotFound))
async def get(request: web.Request) -> Index:
    """Get the index the job builds or analyses with, with its files and manifest."""
    return await lifecycle.get_index_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["index_id"]
    )


@routes.get("/indexes/{index_id}/files/{name}", file_download=True, errors=(InsufficientRights, NotFound))
async def download_file(request: web.Request) -> web.FileResponse:
    """Download one of the index's files, as stored."""
    path = await lifecycle.index_file_path_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["index_id"], request.match_info["name"]
    )
    return download(path)


@routes.put(
    "/indexes/{index_id}/files/{name}",
    response=IndexFileModel,
    status=201,
    file_upload=True,
    errors=(
        InsufficientRights,
        lifecycle.INDEX_FILE_NOT_FOUND,
        NotFound,
        FILE_NAME_EXISTS,
        INDEX_FINALIZED,
    ),
)
async def upload_file(request: web.Request) -> web.Response:
    """Upload one of the index's files (multipart field `file`); `format` is accepted and ignored."""
    index_id, name = request.match_info["index_id"], request.match_info["name"]
    stored = await lifecycle.upload_index_file(
        request.app[CONTEXT], request[JOB], index_id, name, multipart_file_chunks(request)
    )
    return created(stored, f"/api/indexes/{index_id}/files/{name}")


@routes.patch(
    "/indexes/{index_id}",
    response=Index,
    errors=(
        InsufficientRights,
        NotFound,
        lifecycle.FASTA_MISSING,
        lifecycle.BOWTIE2_FILES_MISSING,
        INDEX_FINALIZED,
    ),
)
async def finalize(request: web.Request) -> Index:
    """Finalize the index (body `{}`): it becomes ready, and analyses of its reference use it."""
    return await lifecycle.finalize_index(request.app[CONTEXT], request[JOB], request.match_info["index_id"])


@routes.delete(
    "/indexes/{index_id}",
    status=204,
    finished_job=True,
    errors=(InsufficientRights, NotFound, lifecycle.ONLY_UNFINALIZED),
)
async def remove(request: web.Request) -> None:
    """Remove the unfinalized index a failing build-index job was building, with its files."""
    await lifecycle.remove_unfinalized_index(
        request.app[CONTEXT], request[JOB], request.match_info["index_id"]
    )
