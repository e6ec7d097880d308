"""Job API: what analysis jobs do with their analysis (docs/api.md, "Job API")."""

from aiohttp import web

from virtool_api.analyses import files, lifecycle
from virtool_api.analyses.documents import RESULTS_FILE_MISSING
from virtool_api.analyses.models import (
    Analysis,
    AnalysisFile,
    AnalysisFileQuery,
    FinalizeAnalysisRequest,
)
from virtool_api.analyses.responses import analysis_response
from virtool_api.api.files import download, multipart_file_chunks
from virtool_api.api.keys import CONTEXT, JOB
from virtool_api.api.routes import ApiRoutes, created

routes = ApiRoutes("analyses")

AUTH_ERRORS = ((401, "Requires authorization"), (403, "Insufficient rights"))


@routes.get(
    "/analyses/{analysis_id}",
    response=Analysis,
    errors=(*AUTH_ERRORS, (404, "Not found"), (404, RESULTS_FILE_MISSING)),
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
        (400, "Unsupported analysis file format"),
        (400, "Invalid file name"),
        *AUTH_ERRORS,
        (404, "Not found"),
        (409, "File is already associated with analysis"),
        (409, "Analysis is finalized"),
        (422, "Invalid query"),
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
        *AUTH_ERRORS,
        (404, "Not found"),
        (404, "Uploaded file not found at expected location"),
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
        *AUTH_ERRORS,
        (404, "Not found"),
        (409, "There is already a result for this analysis"),
        (422, "Invalid input"),
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
    errors=(*AUTH_ERRORS, (404, "Not found"), (409, "Analysis is finalized")),
)
async def remove(request: web.Request) -> None:
    """Remove the unfinalized analysis a failing job was running."""
    await lifecycle.remove_unfinalized_analysis(
        request.app[CONTEXT], request[JOB], request.match_info["analysis_id"]
    )
