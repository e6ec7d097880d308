"""Public API: who runs jobs. Anyone signed in may ask (a person whose job waits wants to know why)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT
from virtool_api.api.routes import ApiRoutes
from virtool_api.runners import service
from virtool_api.runners.models import RunnersStatus

routes = ApiRoutes("runners")


@routes.get("/runners", response=RunnersStatus)
async def status(request: web.Request) -> RunnersStatus:
    """The runners alive, which workflows they take, and how many jobs of each workflow wait."""
    return await service.runners_status(request.app[CONTEXT])
