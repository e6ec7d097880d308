"""Job API: what analysis jobs do with their analysis (docs/api.md, "Job API")."""

from aiohttp import web

from virtool_api.analyses import files, lifecycle
from virtool_api.analyses.documents import RESULTS_FILE_MISSING
from virtool_api.analyses.models import (
    ANALYSIS_FINALIZED,
    Analysis,
    AnalysisFile,
    AnalysisFileQuery,
    FinalizeAnalysisRequest,
)
from virtool_api.analyses.responses import analysis_response
from virtool_api.api.files import download, multipart_file_chunks
from virtool_api.api.keys import CONTEXT, JOB
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, InsufficientStorage, NotFound
from virtool_api.storage.files import FILE_MISSING, INVALID_FILE_NAME

routes = ApiRoutes("analyses")


@routes.get(
    "/analyses/{analysis_id}",
    response=Analysis,
    errors=(InsufficientRights, NotFound, RESULTS_FILE_MISSING),
)
async def get(request: web.Request) -> web.Response:
    """Get the analysis the job is running."""
    shown = await lifecycle.get_analysis_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["analysis_id"]
    )
    return analysis_response(shown)


@routes.post(
    "/analyses/{analysis_id}/files",
    query=AnalysisFileQuery,
    response=AnalysisFile,
    status=201,
    file_upload=True,
    errors=(
        files.UNSUPPORTED_FORMAT,
        INVALID_FILE_NAME,
        InsufficientRights,
        NotFound,
        files.FILE_ALREADY_STORED,
        ANALYSIS_FINALIZED,
    ),
)
async def upload_file(request: web.Request, query: AnalysisFileQuery) -> web.Response:
    """Upload a result file (multipart field `file`)."""
    analysis_id = request.match_info["analysis_id"]
    stored = await files.upload_analysis_file(
        request.app[CONTEXT],
        request[JOB],
        analysis_id,
        query.name,
        query.format,
        multipart_file_chunks(request),
    )
    return created(stored, f"/api/analyses/{analysis_id}/files/{stored.id}")


@routes.get(
    "/analyses/{analysis_id}/files/{file_id}",
    file_download=True,
    errors=(
        InsufficientRights,
        NotFound,
        FILE_MISSING,
    ),
)
async def download_file(request: web.Request) -> web.FileResponse:
    """Download a file of the analysis."""
    path = await files.analysis_file_path_for_job(
        request.app[CONTEXT],
        request[JOB],
        request.match_info["analysis_id"],
        request.match_info["file_id"],
    )
    return download(path, path.name.split("-", 1)[1])


@routes.patch(
    "/analyses/{analysis_id}",
    body=FinalizeAnalysisRequest,
    response=Analysis,
    errors=(
        InsufficientRights,
        NotFound,
        lifecycle.ALREADY_FINALIZED,
        RESULTS_FILE_MISSING,
        InsufficientStorage,
    ),
)
async def finalize(request: web.Request, body: FinalizeAnalysisRequest) -> web.Response:
    """Set the results of the analysis and make it ready."""
    shown = await lifecycle.finalize_analysis(
        request.app[CONTEXT], request[JOB], request.match_info["analysis_id"], body.results
    )
    return analysis_response(shown)


@routes.delete(
    "/analyses/{analysis_id}",
    status=204,
    finished_job=True,
    errors=(InsufficientRights, NotFound, ANALYSIS_FINALIZED),
)
async def remove(request: web.Request) -> None:
    """Remove the unfinalized analysis a failing job was running."""
    await lifecycle.remove_unfinalized_analysis(
        request.app[CONTEXT], request[JOB], request.match_info["analysis_id"]
    )
