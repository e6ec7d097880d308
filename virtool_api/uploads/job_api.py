"""Job API: a create-sample job downloads the uploads named in its `args.files`."""

from aiohttp import web

from virtool_api.api.files import download
from virtool_api.api.keys import CONTEXT, JOB
from virtool_api.api.routes import ApiRoutes
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.storage.files import FILE_MISSING
from virtool_api.uploads import service

routes = ApiRoutes("uploads")


@routes.get(
    "/uploads/{upload_id}",
    file_download=True,
    errors=(
        InsufficientRights,
        NotFound,
        FILE_MISSING,
    ),
)
async def download_upload(request: web.Request) -> web.FileResponse:
    """Download an upload the job was created with."""
    path, name = await service.upload_path_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["upload_id"]
    )
    return download(path, name)
