"""Subtractions for people: an administrator makes one from an uploaded host genome (gzip FASTA), and its
`create_subtraction` job builds its files; everyone signed in lists and reads them.

A subtraction still used by a sample or an analysis cannot be removed (409): the samples and analyses
collections are read directly for that, as for `linked_samples` (reads only; no import of those domains).
"""

from typing import Any

from virtool_api.api.model_fields import ModelFields
from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, NotFound
from virtool_api.jobs.models import TERMINAL_STATES, Workflow
from virtool_api.jobs.service import create_job, find_job
from virtool_api.listing import listing_counts
from virtool_api.pagination import page_count, skip
from virtool_api.samples.links import a_sample_names_subtraction
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.subtractions.documents import (
    find_subtraction,
    render_subtraction,
    render_subtractions,
    shown_subtraction,
)
from virtool_api.subtractions.files import SUBTRACTION_FILES
from virtool_api.subtractions.models import CreateSubtractionRequest, Subtraction, SubtractionSearchResult
from virtool_api.uploads.service import upload_file
from virtool_api.users.rights import require_administrator
from virtool_api.users.service import user_ref
from virtool_api.utils import utc_now

IN_USE = Conflict.declare("Subtraction is used by samples or analyses")
STILL_BEING_CREATED = Conflict.declare("Subtraction is still being created")
SUBTRACTION_MISSING = BadRequest.declare("Subtraction does not exist")
SUBTRACTION_NOT_READY = BadRequest.declare("Subtraction is not ready")


async def create_subtraction(
    ctx: Context, user: dict[str, Any], request: CreateSubtractionRequest
) -> Subtraction:
    """A subtraction (`ready: false`) made from the caller's upload of type `subtraction`, and the
    `create_subtraction` job (args `{subtraction_id, files: [{id, name}]}`) that may download that upload."""
    require_administrator(user)
    _, upload = await upload_file(ctx, request.upload_id, "subtraction")
    file = {"id": upload["id"], "name": upload["name"]}
    owner = user_ref(user)
    document = await insert_with_random_id(
        ctx.db.subtractions,
        {
            "name": request.name,
            "nickname": request.nickname,
            "created_at": utc_now(),
            "count": None,
            "gc": None,
            "file": file,
            "ready": False,
            "user": owner,
            "job": None,
        },
    )
    try:
        job = await create_job(
            ctx, Workflow.CREATE_SUBTRACTION, {"subtraction_id": document["_id"], "files": [file]}, owner
        )
    except BaseException:
        await ctx.db.subtractions.delete_one({"_id": document["_id"]})
        raise
    document["job"] = {"id": job["_id"]}
    await ctx.db.subtractions.update_one({"_id": document["_id"]}, {"$set": {"job": document["job"]}})
    return await render_subtraction(ctx, document)


async def get_subtraction(ctx: Context, subtraction_id: str) -> ModelFields:
    """The subtraction as `Subtraction` writes it, or 404."""
    return await shown_subtraction(ctx, await find_subtraction(ctx, subtraction_id))


async def find_subtractions(
    ctx: Context, page: int, per_page: int, ready: bool | None = None
) -> SubtractionSearchResult:
    """Every subtraction, by name then id (names may repeat; subtractions are shared by all users); `ready`
    filters."""
    everything: dict[str, Any] = {}
    found = {"ready": ready} if ready is not None else everything
    documents = (
        await ctx.db.subtractions.find(found)
        .sort([("name", 1), ("_id", 1)])
        .skip(skip(page, per_page))
        .limit(per_page)
        .to_list(None)
    )
    found_count, total_count = await listing_counts(ctx.db.subtractions, found, everything)
    return SubtractionSearchResult(
        documents=await render_subtractions(ctx, documents),
        found_count=found_count,
        total_count=total_count,
        page=page,
        page_count=page_count(found_count, per_page),
        per_page=per_page,
    )


async def existing_subtractions(ctx: Context, subtraction_ids: list[str]) -> list[dict[str, Any]]:
    """The subtraction documents, in the order asked, for a new analysis; 400 if any does not exist or is not
    ready (its runner could not download its files)."""
    wanted = list(dict.fromkeys(subtraction_ids))
    documents = {
        document["_id"]: document
        for document in await ctx.db.subtractions.find({"_id": {"$in": wanted}}).to_list(None)
    }
    if len(documents) != len(wanted):
        raise SUBTRACTION_MISSING
    if any(document.get("ready") is False for document in documents.values()):
        raise SUBTRACTION_NOT_READY
    return [documents[subtraction_id] for subtraction_id in wanted]


async def remove_subtraction(ctx: Context, user: dict[str, Any], subtraction_id: str) -> None:
    """Remove a subtraction and its files (administrators): 409 while a sample or an analysis names it, or
    while its create-subtraction job may still write to it (cancel the job first)."""
    require_administrator(user)
    document = await find_subtraction(ctx, subtraction_id)
    if await a_sample_names_subtraction(ctx, subtraction_id) or (
        await ctx.db.analyses.count_documents({"subtractions.id": subtraction_id}, limit=1)
    ):
        raise IN_USE
    if not document.get("ready", True) and document.get("job"):
        job = await find_job(ctx, document["job"]["id"], "state")
        if job is not None and job["state"] not in TERMINAL_STATES:
            raise STILL_BEING_CREATED
    if (await ctx.db.subtractions.delete_one({"_id": subtraction_id})).deleted_count == 0:
        raise NotFound()
    await SUBTRACTION_FILES.purge(ctx, subtraction_id)
