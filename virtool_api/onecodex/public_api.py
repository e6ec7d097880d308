"""Public API under `/api/v1`: One Codex's wire format over our samples, for One Codex's client and scripts.

Registered with the prefix `/api/v1` (app.py). The same service layer and rights as `/api/samples`;
`onecodex/service.py` translates.
"""

from typing import Any

from aiohttp import web
from pydantic import TypeAdapter

from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.onecodex import resources, service
from virtool_api.onecodex.models import (
    V1GetQuery,
    V1ListQuery,
    V1Metadata,
    V1MetadataUpdate,
    V1PageQuery,
    V1Project,
    V1Sample,
    V1SampleUpdate,
    V1Tag,
    V1User,
)
from virtool_api.onecodex.query import InvalidListingQuery
from virtool_api.projects.service import CANNOT_ADD_SAMPLES
from virtool_api.samples import service as samples_service
from virtool_api.samples.models import InvalidSampleField

routes = ApiRoutes("onecodex")

PREFIX = "/api/v1"
PAGINATION_STYLE = "X-Pagination-Style"
NEXT_CURSOR = "X-Next-Cursor"
TOTAL_COUNT = "X-Total-Count"

LISTING_ERRORS = (InvalidListingQuery,)


class V1InvalidField(InvalidSampleField):
    """One Codex's API answers a body it cannot take with 400, and its client expects that: `/api/v1` keeps
    it, where `/api` answers 422 like every route of the wrong shape."""

    status = 400
    id = "bad_request"


def _listing(items: list[Any], total_count: int, next_cursor: str | None = None) -> web.Response:
    """A JSON array, with the count of everything matched and, on a cursor page that is not the last, the
    cursor of the next (the client stops when `X-Next-Cursor` is absent).
    """
    headers = {TOTAL_COUNT: str(total_count)}
    if next_cursor is not None:
        headers[NEXT_CURSOR] = next_cursor
    body = TypeAdapter(list[Any]).dump_python(items, mode="json", by_alias=True)
    return web.json_response(body, headers=headers)


def _cursor_style(request: web.Request, query: V1ListQuery) -> bool:
    return query.cursor is not None or request.headers.get(PAGINATION_STYLE, "").lower() == "cursor"


@routes.get("/samples", query=V1ListQuery, response=list[V1Sample], errors=LISTING_ERRORS)
async def find_samples(request: web.Request, query: V1ListQuery) -> web.Response:
    """List the samples the caller may see, newest first.

    `where` takes `$uri` (`{"$in": [...]}`), `project` (an id, a `{"$ref"}` or null), `tags`
    (`{"$containsall": [...]}`) and `visibility`; `sort` takes `created_at`. With `X-Pagination-Style: cursor`
    (or a `cursor`) pages follow `X-Next-Cursor`; otherwise `page`. `X-Total-Count` counts every match.
    """
    page = await service.find_samples(
        request.app[CONTEXT], request[USER], query, _cursor_style(request, query)
    )
    return _listing(page.samples, page.total_count, page.next_cursor)


@routes.get("/samples/public", query=V1ListQuery, response=list[V1Sample], errors=LISTING_ERRORS)
async def find_public_samples(request: web.Request, query: V1ListQuery) -> web.Response:
    """List public samples, as `GET /samples` does."""
    page = await service.find_samples(
        request.app[CONTEXT], request[USER], query, _cursor_style(request, query), public_only=True
    )
    return _listing(page.samples, page.total_count, page.next_cursor)


@routes.get("/samples/{sample_id}", query=V1GetQuery, response=V1Sample, errors=(NotFound,))
async def get_sample(request: web.Request, query: V1GetQuery) -> V1Sample:
    """Get a sample; 404 if the caller may not read it. `expand=all` embeds its tags and metadata."""
    return await service.get_sample(
        request.app[CONTEXT], request[USER], request.match_info["sample_id"], query.expand
    )


@routes.patch(
    "/samples/{sample_id}",
    body=V1SampleUpdate,
    response=V1Sample,
    body_error=V1InvalidField,
    errors=(
        samples_service.TAGS_MISSING,
        samples_service.PROJECT_DOES_NOT_EXIST,
        InsufficientRights,
        samples_service.SHARING_RESTRICTED,
        CANNOT_ADD_SAMPLES,
        NotFound,
    ),
)
async def update_sample(request: web.Request, body: V1SampleUpdate) -> V1Sample:
    """Change a sample's `visibility`, `project` or `tags` (write right); any other key is a 400."""
    return await service.update_sample(
        request.app[CONTEXT], request[USER], request.match_info["sample_id"], body
    )


@routes.delete(
    "/samples/{sample_id}",
    status=204,
    errors=(InsufficientRights, NotFound, samples_service.STILL_BEING_CREATED),
)
async def remove_sample(request: web.Request) -> None:
    """Remove a sample with its analyses and files (write right)."""
    await service.remove_sample(request.app[CONTEXT], request[USER], request.match_info["sample_id"])


@routes.get("/metadata/{sample_id}", response=V1Metadata, errors=(NotFound,))
async def get_metadata(request: web.Request) -> V1Metadata:
    """Get a sample's metadata record (its id is the sample's)."""
    return await service.get_metadata(request.app[CONTEXT], request[USER], request.match_info["sample_id"])


@routes.patch(
    "/metadata/{sample_id}",
    body=V1MetadataUpdate,
    response=V1Metadata,
    body_error=V1InvalidField,
    errors=(InsufficientRights, NotFound),
)
async def update_metadata(request: web.Request, body: V1MetadataUpdate) -> V1Metadata:
    """Change fields of a sample's metadata record (the sample's write right)."""
    return await service.update_metadata(
        request.app[CONTEXT], request[USER], request.match_info["sample_id"], body
    )


@routes.get("/tags", query=V1PageQuery, response=list[V1Tag], errors=LISTING_ERRORS)
async def find_tags(request: web.Request, query: V1PageQuery) -> web.Response:
    """List tags by name (`where={"name": ...}`), paged by `page`; `X-Total-Count` counts every match."""
    listing = await resources.find_tags(request.app[CONTEXT], query)
    return _listing(listing.items, listing.total_count)


@routes.get("/tags/{tag_id}", response=V1Tag, errors=(NotFound,))
async def get_tag(request: web.Request) -> V1Tag:
    """Get a tag."""
    return await resources.get_tag(request.app[CONTEXT], request.match_info["tag_id"])


@routes.get("/projects", query=V1PageQuery, response=list[V1Project], errors=LISTING_ERRORS)
async def find_projects(request: web.Request, query: V1PageQuery) -> web.Response:
    """List the projects the caller may see, by name (`where={"name": ...}`), paged by `page`."""
    listing = await resources.find_projects(request.app[CONTEXT], request[USER], query)
    return _listing(listing.items, listing.total_count)


@routes.get("/projects/{project_id}", response=V1Project, errors=(NotFound,))
async def get_project(request: web.Request) -> V1Project:
    """Get a project with the caller's permissions in it; 404 if the caller may not see it."""
    return await resources.get_project(request.app[CONTEXT], request[USER], request.match_info["project_id"])


@routes.get("/users/{user_id}", response=V1User, errors=(NotFound,))
async def get_user(request: web.Request) -> V1User:
    """Get a user: `$uri`, `handle`, and `email` (null: users here have none)."""
    return await resources.get_user(request.app[CONTEXT], request.match_info["user_id"])
