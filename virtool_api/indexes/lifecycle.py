"""An index while its build-index job builds it, and what analysis jobs read of it (docs/api.md, Indexes)."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from pymongo import ReturnDocument

from virtool_api.context import Context
from virtool_api.errors import Conflict, NotFound
from virtool_api.indexes.documents import find_index, render_index
from virtool_api.indexes.files import INDEX_FILES
from virtool_api.indexes.models import (
    BOWTIE2_FILES,
    FASTA_FILE,
    INDEX_FILE_TYPES,
    INDEX_FINALIZED,
    Index,
    IndexFileModel,
)
from virtool_api.jobs import rights
from virtool_api.references.service import release_index_claim

INDEX_FILE_NOT_FOUND = NotFound.declare("Index file not found")
ONLY_UNFINALIZED = Conflict.declare("Only unfinalized indexes can be deleted")
FASTA_MISSING = Conflict.declare("A FASTA file must be uploaded in order to finalize index")
BOWTIE2_FILES_MISSING = Conflict.declare(
    "Reference requires that all Bowtie2 index files have been uploaded. Missing files: {names}"
)


async def get_index_for_job(ctx: Context, job: dict[str, Any], index_id: str) -> Index:
    rights.require_index_read(job, index_id)
    return await render_index(ctx, await find_index(ctx, index_id))


async def index_file_path_for_job(ctx: Context, job: dict[str, Any], index_id: str, name: str) -> Path:
    rights.require_index_read(job, index_id)
    await find_index(ctx, index_id)
    return await INDEX_FILES.path(ctx, index_id, name)


async def upload_index_file(
    ctx: Context, job: dict[str, Any], index_id: str, name: str, chunks: AsyncIterator[bytes]
) -> IndexFileModel:
    """Stream one of the index's files into place. Its type comes from its name (runners send `format=fasta`
    for every file, which is accepted and ignored)."""
    rights.require_index_write(job, index_id)
    rights.require_active(job)
    if name not in INDEX_FILE_TYPES:
        raise INDEX_FILE_NOT_FOUND
    document = await find_index(ctx, index_id)
    if document["ready"]:
        raise INDEX_FINALIZED
    return await INDEX_FILES.store(ctx, index_id, name, chunks, job_id=job["_id"])


async def finalize_index(ctx: Context, job: dict[str, Any], index_id: str) -> Index:
    """Make the index ready once every file but `reference.json.gz` is stored; one conditional update, so of
    two racing finalizes exactly one wins. Analyses of the reference use it from then on."""
    rights.require_index_write(job, index_id)
    rights.require_active(job)
    document = await find_index(ctx, index_id)
    if document["ready"]:
        raise INDEX_FINALIZED
    stored = {row.name for row in await INDEX_FILES.rows(ctx, index_id)}
    if FASTA_FILE not in stored:
        raise FASTA_MISSING
    if missing := [name for name in BOWTIE2_FILES if name not in stored]:
        raise BOWTIE2_FILES_MISSING.format(names=", ".join(missing))
    finalized = await ctx.db.indexes.find_one_and_update(
        {"_id": index_id, "ready": False},
        {"$set": {"ready": True, "has_files": True}},
        return_document=ReturnDocument.AFTER,
    )
    if finalized is None:
        await find_index(ctx, index_id)
        raise INDEX_FINALIZED
    await release_index_claim(ctx, finalized["reference"]["id"], index_id)
    return await render_index(ctx, finalized)


async def remove_unfinalized_index(ctx: Context, job: dict[str, Any], index_id: str) -> None:
    """The clean-up a failing build-index job sends; allowed even once the job has finished."""
    rights.require_index_write(job, index_id)
    removed = await INDEX_FILES.remove_unfinalized(ctx, index_id, ONLY_UNFINALIZED)
    await release_index_claim(ctx, removed["reference"]["id"], index_id)
