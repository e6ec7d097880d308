"""Public routes for downloading a sample's files: anyone who may read the sample (the browser client's
download links, and scripts)."""

from aiohttp import web

from virtool_api.api.files import download
from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.samples import files
from virtool_api.storage.files import FILE_MISSING

routes = ApiRoutes("samples")

ERRORS = (
    InsufficientRights,
    NotFound,
    FILE_MISSING,
)


@routes.get("/samples/{sample_id}/reads/{name}", file_download=True, errors=ERRORS)
async def download_reads(request: web.Request) -> web.FileResponse:
    """Download a reads file (`reads_1.fq.gz`, `reads_2.fq.gz`) of a sample the caller may read."""
    path = await files.reads_path_for_user(
        request.app[CONTEXT], request[USER], request.match_info["sample_id"], request.match_info["name"]
    )
    return download(path)


@routes.get("/samples/{sample_id}/artifacts/{name}", file_download=True, errors=ERRORS)
async def download_artifact(request: web.Request) -> web.FileResponse:
    """Download an artifact of a sample the caller may read."""
    path = await files.artifact_path_for_user(
        request.app[CONTEXT], request[USER], request.match_info["sample_id"], request.match_info["name"]
    )
    return download(path)
