"""Public API: samples, as people and scripts see them; every call asks `samples/rights.py` through the
service.
"""

from aiohttp import web

from virtool_api.api.keys import CONTEXT, READ, USER
from virtool_api.api.model_fields import ModelFields
from virtool_api.api.routes import ApiRoutes, created, query_reads
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.projects.service import CANNOT_ADD_SAMPLES
from virtool_api.samples import service
from virtool_api.samples.models import (
    CreateSampleRequest,
    InvalidSampleField,
    Sample,
    SampleRightsDocument,
    SampleSearchQuery,
    SampleSearchResult,
    UpdateRightsRequest,
    UpdateSampleRequest,
)
from virtool_api.uploads.reservations import FILE_ALREADY_RESERVED, FILE_DOES_NOT_EXIST

routes = ApiRoutes("samples")

REFERENCES = (
    service.LABELS_MISSING,
    service.SUBTRACTIONS_MISSING,
    service.TAGS_MISSING,
    service.PROJECT_DOES_NOT_EXIST,
)


@routes.get(
    "/samples",
    query=SampleSearchQuery,
    response=SampleSearchResult,
    reads=query_reads(SampleSearchQuery, service.samples_page_read),
)
async def find(request: web.Request, query: SampleSearchQuery) -> SampleSearchResult:
    """List the samples the caller may see, newest first (`find` matches names, case-insensitively)."""
    return service.samples_page(query, request[READ])


@routes.post(
    "/samples",
    body=CreateSampleRequest,
    response=Sample,
    status=201,
    body_error=InvalidSampleField,
    errors=(
        service.NAME_IN_USE,
        service.FILES_MUST_DIFFER,
        FILE_DOES_NOT_EXIST,
        service.GROUP_DOES_NOT_EXIST,
        *REFERENCES,
        service.SHARING_RESTRICTED,
        CANNOT_ADD_SAMPLES,
        FILE_ALREADY_RESERVED,
        service.REMOVED_WHILE_CREATED,
    ),
)
async def create(request: web.Request, body: CreateSampleRequest) -> web.Response:
    """Create a sample from 1-2 uploads; a `create_sample` job imports them."""
    sample = await service.create_sample_for_user(request.app[CONTEXT], request[USER], body)
    return created(sample, f"/api/samples/{sample.id}")


@routes.get(
    "/samples/{sample_id}",
    response=Sample,
    errors=(InsufficientRights, NotFound),
    reads=lambda request, _user: service.sample_read(request.match_info["sample_id"]),
)
async def get(request: web.Request) -> ModelFields:
    """Get a sample with its files, labels and subtractions."""
    return await service.shown_sample(request.app[CONTEXT], request[USER], request[READ])


@routes.patch(
    "/samples/{sample_id}",
    body=UpdateSampleRequest,
    response=Sample,
    body_error=InvalidSampleField,
    errors=(
        service.NAME_IN_USE,
        *REFERENCES,
        InsufficientRights,
        service.SHARING_RESTRICTED,
        CANNOT_ADD_SAMPLES,
        NotFound,
    ),
)
async def update(request: web.Request, body: UpdateSampleRequest) -> Sample:
    """Change a sample's editable fields, its visibility, project or tags (write right)."""
    return await service.update_sample(
        request.app[CONTEXT], request[USER], request.match_info["sample_id"], body
    )


@routes.patch(
    "/samples/{sample_id}/rights",
    body=UpdateRightsRequest,
    response=SampleRightsDocument,
    body_error=InvalidSampleField,
    errors=(
        service.GROUP_DOES_NOT_EXIST,
        InsufficientRights,
        NotFound,
    ),
)
async def update_rights(request: web.Request, body: UpdateRightsRequest) -> SampleRightsDocument:
    """Change a sample's group and rights flags (its owner or an administrator)."""
    return await service.update_sample_rights(
        request.app[CONTEXT], request[USER], request.match_info["sample_id"], body
    )


@routes.delete(
    "/samples/{sample_id}",
    status=204,
    errors=(InsufficientRights, NotFound, service.STILL_BEING_CREATED),
)
async def remove(request: web.Request) -> None:
    """Remove a sample with its analyses, files and records (write right)."""
    await service.remove_sample(request.app[CONTEXT], request[USER], request.match_info["sample_id"])
