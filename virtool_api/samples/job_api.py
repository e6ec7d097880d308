"""Job API: what create-sample and analysis jobs do with samples."""

from urllib.parse import quote

from aiohttp import web

from virtool_api.api.files import download, multipart_file_chunks
from virtool_api.api.keys import CONTEXT, JOB
from virtool_api.api.routes import ApiRoutes, created
from virtool_api.errors import InsufficientRights, NotFound
from virtool_api.samples import files, lifecycle
from virtool_api.samples.models import (
    SAMPLE_FINALIZED,
    ArtifactQuery,
    FinalizeSampleRequest,
    Sample,
    SampleArtifactFile,
    SampleReadsFile,
)
from virtool_api.storage.files import FILE_MISSING, INVALID_FILE_NAME, NotGzip

routes = ApiRoutes("samples")

AUTH_ERRORS = (InsufficientRights, NotFound)


@routes.get("/samples/{sample_id}", response=Sample, errors=AUTH_ERRORS)
async def get(request: web.Request) -> Sample:
    """Get the sample the job works on."""
    return await lifecycle.get_sample_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["sample_id"]
    )


@routes.patch(
    "/samples/{sample_id}",
    body=FinalizeSampleRequest,
    response=Sample,
    errors=(
        *AUTH_ERRORS,
        SAMPLE_FINALIZED,
    ),
)
async def finalize(request: web.Request, body: FinalizeSampleRequest) -> Sample:
    """Finalize a sample: set its quality and make it ready."""
    return await lifecycle.finalize_sample(
        request.app[CONTEXT], request[JOB], request.match_info["sample_id"], body.quality
    )


@routes.put(
    "/samples/{sample_id}/reads/{name}",
    response=SampleReadsFile,
    status=201,
    file_upload=True,
    errors=(
        files.NOT_A_READS_FILE,
        NotGzip,
        *AUTH_ERRORS,
        files.READS_ALREADY_UPLOADED,
        SAMPLE_FINALIZED,
    ),
)
async def upload_reads(request: web.Request) -> web.Response:
    """Upload `reads_1.fq.gz` or `reads_2.fq.gz` (multipart, gzip)."""
    sample_id, name = request.match_info["sample_id"], request.match_info["name"]
    stored = await files.upload_reads(
        request.app[CONTEXT], request[JOB], sample_id, name, multipart_file_chunks(request)
    )
    return created(stored, f"/api/samples/{sample_id}/reads/{quote(name)}")


@routes.get(
    "/samples/{sample_id}/reads/{name}",
    file_download=True,
    errors=(*AUTH_ERRORS, FILE_MISSING),
)
async def download_reads(request: web.Request) -> web.FileResponse:
    """Download a reads file of the sample."""
    path = await files.reads_path_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["sample_id"], request.match_info["name"]
    )
    return download(path)


@routes.post(
    "/samples/{sample_id}/artifacts",
    query=ArtifactQuery,
    response=SampleArtifactFile,
    status=201,
    file_upload=True,
    errors=(
        files.UNSUPPORTED_ARTIFACT_TYPE,
        INVALID_FILE_NAME,
        *AUTH_ERRORS,
        files.ARTIFACT_ALREADY_UPLOADED,
        SAMPLE_FINALIZED,
    ),
)
async def upload_artifact(request: web.Request, query: ArtifactQuery) -> web.Response:
    """Upload an artifact of the sample (multipart field `file`)."""
    sample_id = request.match_info["sample_id"]
    stored = await files.upload_artifact(
        request.app[CONTEXT], request[JOB], sample_id, query.name, query.type, multipart_file_chunks(request)
    )
    return created(stored, f"/api/samples/{sample_id}/artifacts/{quote(query.name, safe='')}")


@routes.get(
    "/samples/{sample_id}/artifacts/{name}",
    file_download=True,
    errors=(*AUTH_ERRORS, FILE_MISSING),
)
async def download_artifact(request: web.Request) -> web.FileResponse:
    """Download an artifact of the sample."""
    path = await files.artifact_path_for_job(
        request.app[CONTEXT], request[JOB], request.match_info["sample_id"], request.match_info["name"]
    )
    return download(path)


@routes.delete(
    "/samples/{sample_id}",
    status=204,
    finished_job=True,
    errors=(*AUTH_ERRORS, lifecycle.SAMPLE_IS_FINALIZED),
)
async def remove(request: web.Request) -> None:
    """Remove the unfinalized sample a failing create-sample job was building."""
    await lifecycle.remove_unfinalized_sample(
        request.app[CONTEXT], request[JOB], request.match_info["sample_id"]
    )
