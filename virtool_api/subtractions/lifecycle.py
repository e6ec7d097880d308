"""A subtraction while its create-subtraction job builds it, and what analysis jobs read of it."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pymongo import ReturnDocument

from virtool_api.context import Context
from virtool_api.errors import Conflict, NotFound
from virtool_api.jobs import rights
from virtool_api.subtractions.documents import find_subtraction, render_subtraction
from virtool_api.subtractions.files import SUBTRACTION_FILES
from virtool_api.subtractions.models import (
    SUBTRACTION_FILE_TYPES,
    SUBTRACTION_FINALIZED,
    FinalizeSubtractionRequest,
    Subtraction,
    SubtractionFileModel,
)

ONLY_UNFINALIZED = Conflict.declare("Only unfinalized subtractions can be deleted")


async def get_subtraction_for_job(ctx: Context, job: dict[str, Any], subtraction_id: str) -> Subtraction:
    rights.require_subtraction_read(job, subtraction_id)
    return await render_subtraction(ctx, await find_subtraction(ctx, subtraction_id))


async def subtraction_file_path_for_job(
    ctx: Context, job: dict[str, Any], subtraction_id: str, name: str
) -> Path:
    rights.require_subtraction_read(job, subtraction_id)
    await find_subtraction(ctx, subtraction_id)
    return await SUBTRACTION_FILES.path(ctx, subtraction_id, name)


async def upload_subtraction_file(
    ctx: Context, job: dict[str, Any], subtraction_id: str, name: str, chunks: AsyncIterator[bytes]
) -> SubtractionFileModel:
    """Stream one of the subtraction's files into place; the type comes from the name (runners send
    `format=unknown`, accepted and ignored)."""
    rights.require_subtraction_write(job, subtraction_id)
    rights.require_active(job)
    document = await find_subtraction(ctx, subtraction_id)
    if name not in SUBTRACTION_FILE_TYPES:
        raise NotFound()
    if document.get("ready"):
        raise SUBTRACTION_FINALIZED
    return await SUBTRACTION_FILES.store(ctx, subtraction_id, name, chunks, job["_id"])


async def finalize_subtraction(
    ctx: Context, job: dict[str, Any], subtraction_id: str, request: FinalizeSubtractionRequest
) -> Subtraction:
    """Set `gc`, `count` and `ready: true` in one conditional update: of racing finalizes, one wins."""
    rights.require_subtraction_write(job, subtraction_id)
    rights.require_active(job)
    document = await ctx.db.subtractions.find_one_and_update(
        {"_id": subtraction_id, "ready": False},
        {"$set": {"ready": True, "gc": request.gc.model_dump(), "count": request.count}},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await find_subtraction(ctx, subtraction_id)
        raise SUBTRACTION_FINALIZED
    return await render_subtraction(ctx, document)


async def remove_unfinalized_subtraction(ctx: Context, job: dict[str, Any], subtraction_id: str) -> None:
    """The clean-up a failing create-subtraction job sends; allowed even once the job has finished."""
    rights.require_subtraction_write(job, subtraction_id)
    await SUBTRACTION_FILES.remove_unfinalized(ctx, subtraction_id, ONLY_UNFINALIZED)
