"""Public API: a user's jobs (an administrator sees all): list, read, cancel."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, READ, USER
from virtool_api.api.routes import ApiRoutes, query_reads
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.jobs import service
from virtool_api.jobs.models import Job, JobSearchQuery, JobSearchResult

routes = ApiRoutes("jobs")

JOB_ERRORS = (InsufficientRights, NotFound)


@routes.get(
    "/jobs",
    query=JobSearchQuery,
    response=JobSearchResult,
    reads=query_reads(JobSearchQuery, service.jobs_page_read),
)
async def find(request: web.Request, query: JobSearchQuery) -> JobSearchResult:
    """List the caller's jobs, newest first; filter by `state` and `workflow`."""
    return service.jobs_page(query.page, query.per_page, request[READ])


@routes.get("/jobs/{job_id}", response=Job, errors=JOB_ERRORS)
async def get(request: web.Request) -> Job:
    """Get a job with its status history."""
    return await service.get_job_for_user(request.app[CONTEXT], request[USER], request.match_info["job_id"])


@routes.put(
    "/jobs/{job_id}/cancel",
    response=Job,
    errors=(*JOB_ERRORS, service.NOT_CANCELLABLE),
)
async def cancel(request: web.Request) -> Job:
    """Cancel a waiting, preparing or running job."""
    return await service.cancel_job(request.app[CONTEXT], request[USER], request.match_info["job_id"])
