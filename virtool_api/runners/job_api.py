"""Job API: runners report themselves (no job key: a runner reports before it has a job)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT
from virtool_api.api.routes import ApiRoutes
from virtool_api.errors import NotFound
from virtool_api.runners import service
from virtool_api.runners.models import Runner, RunnerReport

routes = ApiRoutes("runners")


@routes.put("/runners/{runner_id}", body=RunnerReport, response=Runner, auth=False, errors=(NotFound,))
async def report(request: web.Request, body: RunnerReport) -> Runner:
    """A runner says it is alive, which workflows it takes and which jobs it runs (every 10 s)."""
    return await service.report_runner(request.app[CONTEXT], request.match_info["runner_id"], body)
