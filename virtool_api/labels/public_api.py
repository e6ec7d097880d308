"""Public API: sample labels (`name`, `color`, `description`); administrators change them."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import SMALL_FORM, ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.labels import service
from virtool_api.labels.models import CreateLabelRequest, Label, UpdateLabelRequest

routes = ApiRoutes("labels")


@routes.get("/labels", response=list[Label])
async def find(request: web.Request) -> list[dict]:
    """List every label, by name."""
    labels = await service.find_labels(request.app[CONTEXT])
    return [label.model_dump(mode="json") for label in labels]


@routes.post(
    "/labels",
    body=CreateLabelRequest,
    max_body=SMALL_FORM,
    response=Label,
    status=201,
    errors=(service.NAME_IN_USE, InsufficientRights),
)
async def create(request: web.Request, body: CreateLabelRequest) -> web.Response:
    """Create a label (administrators only)."""
    label = await service.create_label(request.app[CONTEXT], request[USER], body)
    return created(label, f"/api/labels/{label.id}")


@routes.patch(
    "/labels/{label_id}",
    body=UpdateLabelRequest,
    max_body=SMALL_FORM,
    response=Label,
    errors=(service.NAME_IN_USE, InsufficientRights, NotFound),
)
async def update(request: web.Request, body: UpdateLabelRequest) -> Label:
    """Change a label's name, color or description (administrators only)."""
    return await service.update_label(
        request.app[CONTEXT], request[USER], request.match_info["label_id"], body
    )


@routes.delete("/labels/{label_id}", status=204, errors=(InsufficientRights, NotFound))
async def remove(request: web.Request) -> None:
    """Remove a label and take it off every sample (administrators only)."""
    await service.remove_label(request.app[CONTEXT], request[USER], request.match_info["label_id"])
