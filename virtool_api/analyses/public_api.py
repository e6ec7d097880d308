"""Public API: analyses (docs/api.md, "Analyses"). Rights on an analysis are rights on its sample."""

from aiohttp import web

from virtool_api.analyses import service
from virtool_api.analyses.documents import RESULTS_FILE_MISSING
from virtool_api.analyses.models import (
    Analysis,
    AnalysisSearchQuery,
    AnalysisSearchResult,
    CreateAnalysisRequest,
)
from virtool_api.analyses.responses import analysis_response
from virtool_api.api.files import download
from virtool_api.api.keys import CONTEXT, READ, USER
from virtool_api.api.routes import ApiRoutes, created, query_reads
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.storage.files import FILE_MISSING
from virtool_api.subtractions.service import SUBTRACTION_MISSING, SUBTRACTION_NOT_READY

routes = ApiRoutes("analyses")


@routes.get(
    "/analyses",
    query=AnalysisSearchQuery,
    response=AnalysisSearchResult,
    reads=query_reads(AnalysisSearchQuery, service.analyses_page_read),
)
async def find(request: web.Request, query: AnalysisSearchQuery) -> AnalysisSearchResult:
    """List the analyses of the samples the caller may see, newest first."""
    return service.analyses_page(query.page, query.per_page, request[READ])


@routes.get(
    "/samples/{sample_id}/analyses",
    query=AnalysisSearchQuery,
    response=AnalysisSearchResult,
    errors=(InsufficientRights, NotFound),
)
async def find_for_sample(request: web.Request, query: AnalysisSearchQuery) -> AnalysisSearchResult:
    """List the analyses of one sample, newest first."""
    return await service.find_sample_analyses(
        request.app[CONTEXT],
        request[USER],
        request.match_info["sample_id"],
        query.page,
        query.per_page,
        query.workflow,
        query.ready,
    )


@routes.post(
    "/samples/{sample_id}/analyses",
    body=CreateAnalysisRequest,
    response=Analysis,
    status=201,
    errors=(
        service.SAMPLE_NOT_READY,
        service.INCOMPATIBLE_WORKFLOW,
        service.REFERENCE_MISSING,
        service.NO_READY_INDEX,
        SUBTRACTION_MISSING,
        SUBTRACTION_NOT_READY,
        InsufficientRights,
        NotFound,
    ),
)
async def create(request: web.Request, body: CreateAnalysisRequest) -> web.Response:
    """Start an analysis of a finalized sample with the newest ready index of a reference."""
    analysis = await service.start_analysis(
        request.app[CONTEXT],
        request[USER],
        request.match_info["sample_id"],
        body.workflow.value,
        body.ref_id,
        body.subtractions,
    )
    return created(analysis, f"/api/analyses/{analysis.id}")


@routes.get(
    "/analyses/{analysis_id}",
    response=Analysis,
    errors=(service.PARENT_SAMPLE_MISSING, InsufficientRights, NotFound, RESULTS_FILE_MISSING),
    reads=lambda request, user: service.analysis_read(user, request.match_info["analysis_id"]),
)
async def get(request: web.Request) -> web.Response:
    """Get a complete analysis document."""
    return analysis_response(await service.shown_analysis(request.app[CONTEXT], request[USER], request[READ]))


@routes.delete(
    "/analyses/{analysis_id}",
    status=204,
    errors=(
        service.PARENT_SAMPLE_MISSING,
        InsufficientRights,
        NotFound,
        service.ANALYSIS_RUNNING,
    ),
)
async def remove(request: web.Request) -> None:
    """Remove an analysis, its files and their records; cancel a running analysis's job first."""
    await service.remove_analysis(request.app[CONTEXT], request[USER], request.match_info["analysis_id"])


@routes.get(
    "/analyses/{analysis_id}/files/{file_id}",
    file_download=True,
    errors=(
        service.PARENT_SAMPLE_MISSING,
        InsufficientRights,
        NotFound,
        FILE_MISSING,
    ),
)
async def download_file(request: web.Request) -> web.FileResponse:
    """Download a result file of the analysis."""
    path = await service.analysis_file_path_for_user(
        request.app[CONTEXT], request[USER], request.match_info["analysis_id"], request.match_info["file_id"]
    )
    return download(path, path.name.split("-", 1)[1])
