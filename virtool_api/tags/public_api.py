"""Public API: tags, the free names samples carry."""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import SMALL_FORM, ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.tags import service
from virtool_api.tags.models import CreateTagRequest, Tag

routes = ApiRoutes("tags")


@routes.get("/tags", response=list[Tag])
async def find(request: web.Request) -> list[dict]:
    """List every tag, by name."""
    tags = await service.find_tags(request.app[CONTEXT])
    return [tag.model_dump(mode="json", by_alias=True) for tag in tags]


@routes.post(
    "/tags",
    body=CreateTagRequest,
    max_body=SMALL_FORM,
    response=Tag,
    status=201,
    errors=(service.NAME_IN_USE,),
)
async def create(request: web.Request, body: CreateTagRequest) -> web.Response:
    """Create a tag."""
    tag = await service.create_tag(request.app[CONTEXT], request[USER], body.name)
    return created(tag, f"/api/tags/{tag.id}")


@routes.get("/tags/{tag_id}", response=Tag, errors=(NotFound,))
async def get(request: web.Request) -> Tag:
    """Get a tag."""
    return await service.get_tag(request.app[CONTEXT], request.match_info["tag_id"])


@routes.delete("/tags/{tag_id}", status=204, errors=(InsufficientRights, NotFound))
async def remove(request: web.Request) -> None:
    """Remove a tag (its creator or an administrator) and take it off every sample."""
    await service.remove_tag(request.app[CONTEXT], request[USER], request.match_info["tag_id"])
