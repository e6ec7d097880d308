"""Public API: the installed HMM clusters (everyone signed in), and installing them (administrators)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.hmms import service
from virtool_api.hmms.install import InvalidHMMFile
from virtool_api.hmms.models import HMM, HMMSearchQuery, HMMSearchResult, HMMStatus, InstallHMMsRequest
from virtool_api.uploads.reservations import FILE_DOES_NOT_EXIST

routes = ApiRoutes("hmms")


@routes.get(
    "/hmms",
    query=HMMSearchQuery,
    response=HMMSearchResult,
)
async def find(request: web.Request, query: HMMSearchQuery) -> HMMSearchResult:
    """List HMM clusters by number, with what is installed; `find` matches their names."""
    return await service.find_hmms(request.app[CONTEXT], query.find, query.page, query.per_page)


@routes.put(
    "/hmms",
    body=InstallHMMsRequest,
    stop_when_client_leaves=True,
    response=HMMStatus,
    errors=(
        FILE_DOES_NOT_EXIST,
        InvalidHMMFile,
        InsufficientRights,
    ),
)
async def install(request: web.Request, body: InstallHMMsRequest) -> HMMStatus:
    """Install HMM data from two uploads of type `hmm`, replacing what is installed (administrators)."""
    return await service.install_from_uploads(request.app[CONTEXT], request[USER], body)


@routes.get("/hmms/{hmm_id}", response=HMM, errors=(NotFound,))
async def get(request: web.Request) -> HMM:
    """Get an HMM cluster with its entries."""
    return await service.get_hmm(request.app[CONTEXT], request.match_info["hmm_id"])
