"""Job API: NuVs jobs download the installed HMM files (any job may)."""

from aiohttp import web

from virtool_api.api.files import download
from virtool_api.api.keys import CONTEXT
from virtool_api.api.routes import ApiRoutes
from virtool_api.errors import NotFound
from virtool_api.hmms import service

routes = ApiRoutes("hmms")


@routes.get(
    "/hmms/files/{name}",
    file_download=True,
    errors=(NotFound,),
)
async def download_file(request: web.Request) -> web.FileResponse:
    """Download `annotations.json.gz` or `profiles.hmm`, as installed."""
    return download(service.hmm_file_path(request.app[CONTEXT], request.match_info["name"]))
