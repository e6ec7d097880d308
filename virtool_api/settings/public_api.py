"""Public API: server settings (`restrict_sharing`)."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import SMALL_FORM, ApiRoutes
from virtool_api.errors import InsufficientRights
from virtool_api.settings import service
from virtool_api.settings.models import Settings, UpdateSettingsRequest

routes = ApiRoutes("settings")


@routes.get("/settings", response=Settings)
async def get(request: web.Request) -> Settings:
    """Get the server settings."""
    return await service.get_settings(request.app[CONTEXT])


@routes.patch(
    "/settings",
    body=UpdateSettingsRequest,
    max_body=SMALL_FORM,
    response=Settings,
    errors=(InsufficientRights,),
)
async def update(request: web.Request, body: UpdateSettingsRequest) -> Settings:
    """Change the server settings (administrators only)."""
    return await service.update_settings(request.app[CONTEXT], request[USER], body)
