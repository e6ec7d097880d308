"""Job API: the job protocol (acquire, read, ping, report status)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, JOB, JOB_CREDENTIALS
from virtool_api.api.routes import SMALL_FORM, ApiRoutes, created
from virtool_api.errors import BadRequest, InsufficientRights, JobFinished, NotFound
from virtool_api.jobs import queue, service
from virtool_api.jobs.models import (
    AcquiredJob,
    AcquireJobRequest,
    Job,
    JobPing,
    JobStatusEntry,
    QueueAnswer,
    QueueQuery,
    ReportStatusRequest,
)

routes = ApiRoutes("jobs")

ONLY_ACQUIRING = BadRequest.declare("Only acquiring a job is supported")


@routes.patch(
    "/jobs/{job_id}",
    body=AcquireJobRequest,
    max_body=SMALL_FORM,
    response=AcquiredJob,
    auth=False,
    errors=(ONLY_ACQUIRING, service.ALREADY_ACQUIRED, NotFound, JobFinished),
)
async def acquire(request: web.Request, body: AcquireJobRequest) -> AcquiredJob:
    """Acquire a job: the response carries its key, exactly once."""
    if not body.acquired:
        raise ONLY_ACQUIRING
    return await service.acquire_job(request.app[CONTEXT], request.match_info["job_id"])


@routes.get(
    "/jobs/{job_id}",
    response=Job,
    errors=(InsufficientRights, NotFound),
)
async def get(request: web.Request) -> Job:
    """Get the calling job's own document."""
    return await service.get_job(request.app[CONTEXT], request[JOB], request.match_info["job_id"])


@routes.put(
    "/jobs/{job_id}/ping",
    response=JobPing,
    finished_job=True,
    errors=(InsufficientRights, NotFound),
)
async def ping(request: web.Request) -> JobPing:
    """Tell the server the job is alive; a job not pinged for five minutes times out."""
    return await service.ping_job(request.app[CONTEXT], request[JOB], request.match_info["job_id"])


@routes.post(
    "/jobs/{job_id}/status",
    body=ReportStatusRequest,
    response=JobStatusEntry,
    status=201,
    authenticates_job=True,
    errors=(service.INVALID_STATE, service.MISSING_ERROR, InsufficientRights, NotFound),
)
async def report_status(request: web.Request, body: ReportStatusRequest) -> web.Response:
    """Report the job's state and progress."""
    job_id = request.match_info["job_id"]
    entry = await service.report_status(request.app[CONTEXT], request[JOB_CREDENTIALS], job_id, body)
    # The entry has no address of its own: it is the newest of the job's `status` list.
    return created(entry, f"/api/jobs/{job_id}")


@routes.get("/queue", query=QueueQuery, response=QueueAnswer, auth=False)
async def next_job(request: web.Request, query: QueueQuery) -> QueueAnswer:
    """The oldest waiting job of the given workflows, offered to this runner alone for 30 s, which then
    acquires it as usual; `{"job": null}` if none is waiting within `wait` seconds. For runners without
    Redis."""
    workflows = queue.parse_workflows(query.workflows)

    def client_gone() -> bool:
        return request.transport is None or request.transport.is_closing()

    return QueueAnswer(job=await queue.next_job(request.app[CONTEXT], workflows, query.wait, client_gone))
