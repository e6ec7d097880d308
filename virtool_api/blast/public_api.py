"""Public API: BLAST a NuVs contig (docs/api.md, "BLAST of NuVs contigs")."""

from collections.abc import AsyncIterator

from aiohttp import web

from virtool_api.analyses.blasts import ALREADY_STARTING
from virtool_api.analyses.service import ANALYSIS_RUNNING, PARENT_SAMPLE_MISSING
from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes
from virtool_api.blast import service
from virtool_api.blast.backends import create_backend
from virtool_api.errors import InsufficientRights

routes = ApiRoutes("analyses")
BLAST_RUNNER: web.AppKey[service.BlastRunner] = web.AppKey("blast_runner", service.BlastRunner)
"""The process's `BlastRunner`, started with the public app (`blast_runner` below)."""


@routes.put(
    "/analyses/{analysis_id}/{sequence_index}/blast",
    response=service.NuvsBlastRecord,
    errors=(
        PARENT_SAMPLE_MISSING,
        InsufficientRights,
        service.ANALYSIS_NOT_FOUND,
        service.SEQUENCE_NOT_FOUND,
        service.NOT_NUVS,
        ANALYSIS_RUNNING,
        ALREADY_STARTING,
        service.BlastServiceUnavailable,
    ),
)
async def blast_contig(request: web.Request) -> service.NuvsBlastRecord:
    """BLAST one contig of a finalized NuVs analysis; poll `GET /analyses/{id}` for the result."""
    return await service.start_blast(
        request.app[CONTEXT],
        request.app[BLAST_RUNNER],
        request[USER],
        request.match_info["analysis_id"],
        request.match_info["sequence_index"],
    )


async def blast_runner(app: web.Application) -> AsyncIterator[None]:
    """Each public-API process polls the BLASTs it holds; on shutdown it hands them back."""
    ctx = app[CONTEXT]
    runner = service.BlastRunner(ctx, create_backend(ctx.config))
    app[BLAST_RUNNER] = runner
    runner.start()
    yield
    await runner.stop()
