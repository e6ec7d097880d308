"""Job API: a create-sample job downloads the uploads named in its `args.files`."""

from aiohttp import web

from virtool_api.api.files import download
from virtool_api.api.keys import CONTEXT, JOB
from virtool_api.api.routes import ApiRoutes
from virtool_api.uploads import service

routes = ApiRoutes("uploads")


@routes.get(
    "/uploads/{upload_id}",
    file_download=True,
    errors=(
        (401, "Requires authorization"),
        (403, "Insufficient rights"),
        (404, "Not found"),
        (404, "Uploaded file not found at expected location"),
    ),
)
async def download_upload(request: web.Request) -> web.FileResponse:
    """Download an upload the job was created with."""
    path, name = await service.upload_path_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["upload_id"]
    )
    return download(path, name)
