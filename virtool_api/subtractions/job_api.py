"""Job API: what create-subtraction and analysis jobs do with subtractions (docs/api.md, "Job API")."""

from aiohttp import web

from virtool_api.api.files import download, multipart_file_chunks
from virtool_api.api.keys import CONTEXT, JOB
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.storage.placement import FILE_NAME_EXISTS
from virtool_api.subtractions import lifecycle
from virtool_api.subtractions.models import (
    SUBTRACTION_FINALIZED,
    FinalizeSubtractionRequest,
    Subtraction,
    SubtractionFileModel,
)

routes = ApiRoutes("subtractions")


@routes.get("/subtractions/{subtraction_id}", response=Subtraction, errors=(InsufficientRights, NotFound))
async def get(request: web.Request) -> Subtraction:
    """Get a subtraction the job uses or creates, with its files."""
    return await lifecycle.get_subtraction_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["subtraction_id"]
    )


@routes.get(
    "/subtractions/{subtraction_id}/files/{name}",
    file_download=True,
    errors=(InsufficientRights, NotFound),
)
async def download_file(request: web.Request) -> web.FileResponse:
    """Download one of the subtraction's files, as stored."""
    path = await lifecycle.subtraction_file_path_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["subtraction_id"], request.match_info["name"]
    )
    return download(path)


@routes.put(
    "/subtractions/{subtraction_id}/files/{name}",
    response=SubtractionFileModel,
    status=201,
    file_upload=True,
    errors=(
        InsufficientRights,
        NotFound,
        FILE_NAME_EXISTS,
        SUBTRACTION_FINALIZED,
    ),
)
async def upload_file(request: web.Request) -> web.Response:
    """Upload one of the subtraction's files (multipart field `file`); `format` is accepted and ignored."""
    subtraction_id, name = request.match_info["subtraction_id"], request.match_info["name"]
    stored = await lifecycle.upload_subtraction_file(
        request.app[CONTEXT], request[JOB], subtraction_id, name, multipart_file_chunks(request)
    )
    return created(stored, f"/api/subtractions/{subtraction_id}/files/{name}")


@routes.patch(
    "/subtractions/{subtraction_id}",
    body=FinalizeSubtractionRequest,
    response=Subtraction,
    errors=(
        InsufficientRights,
        NotFound,
        SUBTRACTION_FINALIZED,
    ),
)
async def finalize(request: web.Request, body: FinalizeSubtractionRequest) -> Subtraction:
    """Finalize the subtraction with its nucleotide composition (`gc`) and sequence `count`."""
    return await lifecycle.finalize_subtraction(
        request.app[CONTEXT], request[JOB], request.match_info["subtraction_id"], body
    )


@routes.delete(
    "/subtractions/{subtraction_id}",
    status=204,
    finished_job=True,
    errors=(InsufficientRights, NotFound, lifecycle.ONLY_UNFINALIZED),
)
async def remove(request: web.Request) -> None:
    """Remove the unfinalized subtraction a failing create-subtraction job was creating, with its files."""
    await lifecycle.remove_unfinalized_subtraction(
        request.app[CONTEXT], request[JOB], request.match_info["subtraction_id"]
    )
