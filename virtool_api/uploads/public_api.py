"""Public API: a user's uploads, the files new samples are made of."""

from aiohttp import web

from virtool_api.api.files import multipart_file_chunks
from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, InsufficientStorage, NotFound
from virtool_api.storage.files import INVALID_FILE_NAME, NotGzip
from virtool_api.uploads import service
from virtool_api.uploads.content import InvalidUpload
from virtool_api.uploads.models import Upload, UploadQuery, UploadSearchQuery, UploadSearchResult
from virtool_api.utils import record_id

routes = ApiRoutes("uploads")


@routes.post(
    "/uploads",
    query=UploadQuery,
    response=Upload,
    status=201,
    file_upload=True,
    errors=(
        service.UNSUPPORTED_TYPE,
        INVALID_FILE_NAME,
        NotGzip,
        InvalidUpload,
        InsufficientStorage,
    ),
)
async def upload(request: web.Request, query: UploadQuery) -> web.Response:
    """Upload a file (multipart field `file`); reads must be gzip FASTQ, a host genome gzip FASTA."""
    new_upload = await service.create_upload(
        request.app[CONTEXT], request[USER], query.name, query.type, multipart_file_chunks(request)
    )
    return created(new_upload, f"/api/uploads/{new_upload.id}")


@routes.get(
    "/uploads",
    query=UploadSearchQuery,
    response=UploadSearchResult,
)
async def find(request: web.Request, query: UploadSearchQuery) -> UploadSearchResult:
    """List the caller's uploads (an administrator sees all), newest first."""
    return await service.find_uploads(
        request.app[CONTEXT], request[USER], query.page, query.per_page, query.type
    )


@routes.delete(
    "/uploads/{upload_id}",
    status=204,
    errors=(
        InsufficientRights,
        NotFound,
        service.RESERVED,
    ),
)
async def remove(request: web.Request) -> None:
    """Remove an upload and its file (its uploader or an administrator), unless a sample holds it."""
    if (upload_id := record_id(request.match_info["upload_id"])) is None:
        raise NotFound()
    await service.remove_upload(request.app[CONTEXT], request[USER], upload_id)
