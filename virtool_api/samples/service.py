"""Sample rules for people and scripts: listing, reading, creating, changing and removing samples; who may do
what is decided by `samples/access.py` (over `samples/rights.py`), asked here for every call.
"""

from typing import Any, cast

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from virtool_api.api.model_fields import ModelFields
from virtool_api.context import Context
from virtool_api.crash_points import crash_point
from virtool_api.errors import BadRequest, Conflict, InsufficientRights, NotFound
from virtool_api.jobs.models import JobState, Workflow
from virtool_api.jobs.service import create_job, find_job, withdraw_job
from virtool_api.jobs.summary import JobSummaryFields, job_summaries_steps, summary_of
from virtool_api.labels.service import missing_labels
from virtool_api.listing import page_steps
from virtool_api.pagination import page_count
from virtool_api.projects.service import PROJECT_DOES_NOT_EXIST, find_project, require_add_files
from virtool_api.samples.access import find_sample, listing_query_steps, require_read, writable_sample
from virtool_api.samples.documents import (
    StoredSample,
    create_sample,
    labels_by_id_steps,
    labels_of,
    one_codex_fields,
    render_sample,
    sample_fields,
    stored_sample_and_related,
)
from virtool_api.samples.files import purge_sample_files
from virtool_api.samples.models import (
    SAMPLE_JSON,
    CreateSampleRequest,
    Sample,
    SampleRightsDocument,
    SampleSearchQuery,
    SampleSearchResult,
    UpdateRightsRequest,
    UpdateSampleRequest,
)
from virtool_api.samples.rights import ACCESS_FIELDS, LINK_VISIBILITIES, access_of
from virtool_api.samples.search import name_filter, search_fields
from virtool_api.settings.service import get_settings
from virtool_api.storage.mongo import missing_ids
from virtool_api.storage.steps import Steps, run_steps
from virtool_api.tags.service import missing_tags
from virtool_api.uploads.reservations import release_uploads, reserve_uploads
from virtool_api.users.rights import require_owner_or_administrator
from virtool_api.users.service import GROUP_DOES_NOT_EXIST, group_exists, group_restricting_sharing, user_ref
from virtool_api.utils import utc_now

NAME_IN_USE = BadRequest.declare("Sample name is already in use")
SHARING_RESTRICTED = InsufficientRights.declare("Sharing is restricted")
STILL_BEING_CREATED = Conflict.declare("Sample is still being created")
REMOVED_WHILE_CREATED = Conflict.declare("Sample was removed before its creation finished")
FILES_MUST_DIFFER = BadRequest.declare("Files must be different uploads")
LABELS_MISSING = BadRequest.declare("Labels do not exist: {ids}")
SUBTRACTIONS_MISSING = BadRequest.declare("Subtractions do not exist: {ids}")
TAGS_MISSING = BadRequest.declare("Tags do not exist: {ids}")
JOB_STILL_ACTIVE = (JobState.WAITING.value, JobState.PREPARING.value, JobState.RUNNING.value)


def _search_filters(query: SampleSearchQuery) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if query.find:
        filters.update(name_filter(query.find))
    if query.label is not None:
        filters["labels"] = query.label
    if query.tag is not None:
        filters["tags"] = query.tag
    if query.project is not None:
        filters["project"] = query.project
    if query.visibility is not None:
        filters["visibility"] = query.visibility.value
    if query.status is not None:
        filters["status"] = query.status.value
    if query.ready is not None:
        filters["ready"] = query.ready
    return filters


SamplesPageRead = tuple[
    list[dict[str, Any]], int, int, dict[str, dict[str, Any]], dict[str, JobSummaryFields]
]
"""What a page of samples is shown from: its documents, `found_count`, `total_count`, labels and jobs."""


async def find_samples(ctx: Context, user: dict[str, Any], query: SampleSearchQuery) -> SampleSearchResult:
    """A page of the samples the caller may see, newest first; both counts are after the rights filter. The
    caller's projects, the page, its counts, labels and jobs are read in one round trip."""
    return samples_page(query, await run_steps(ctx.db, samples_page_read(user, query)))


def samples_page(query: SampleSearchQuery, read: SamplesPageRead) -> SampleSearchResult:
    """The page `samples_page_read` read, as the listing shows it."""
    documents, found_count, total_count, labels, jobs = read
    for document in documents:  # read for this page alone: shown in place of a copy each
        document.update(one_codex_fields(document))
        document["labels"] = labels_of(document, labels)
        document["job"] = summary_of(document, jobs)
    return SampleSearchResult.model_validate(
        {
            "documents": documents,
            "found_count": found_count,
            "total_count": total_count,
            "page": query.page,
            "page_count": page_count(found_count, query.per_page),
            "per_page": query.per_page,
        }
    )


def samples_page_read(user: dict[str, Any], query: SampleSearchQuery) -> Steps[SamplesPageRead]:
    """What a page of samples reads, as steps: `GET /samples` reads it in the round trip that authenticates
    the caller (`reads=`)."""
    readable = yield from listing_query_steps(user)
    filters = _search_filters(query)
    # The filters first: the embedded store tests conditions in this order, and a search leaves out most rows
    # before the rights rule's seven clauses are tested (a non-administrator's search count at 100k: 49 -> 37
    # ms of CPU).
    found = {"$and": [filters, readable]} if readable and filters else readable or filters
    documents, found_count, total_count = yield from page_steps(
        "samples", found, readable, query.page, query.per_page
    )
    labels = yield from labels_by_id_steps(documents)
    jobs = yield from job_summaries_steps(documents)
    return documents, found_count, total_count, labels, jobs


def sample_read(sample_id: str) -> Steps[StoredSample | None]:
    """What showing a sample reads (`shown_sample`): steps, so `GET /samples/{id}` reads it in the round
    trip that authenticates the caller (`reads=`)."""
    return stored_sample_and_related(sample_id)


async def shown_sample(ctx: Context, user: dict[str, Any], found: StoredSample | None) -> ModelFields:
    """The sample `sample_read` found, if the caller may read it: 404 when there is none, 403 when they may
    not. Its fields are written as `Sample` without building one (`SAMPLE_JSON`)."""
    if found is None:
        raise NotFound()
    document, related, files = found
    await require_read(ctx, user, document)
    return ModelFields(SAMPLE_JSON, await sample_fields(ctx, document, related, files))


def _unique(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


async def _require_existing(
    ctx: Context,
    *,
    labels: list[str] | None = None,
    subtractions: list[str] | None = None,
    tags: list[str] | None = None,
    group: str | None = None,
) -> None:
    """400 naming what does not exist, for each kind of id a sample refers to."""
    if labels and (missing := await missing_labels(ctx, labels)):
        raise LABELS_MISSING.format(ids=", ".join(missing))
    if subtractions and (missing := await missing_ids(ctx.db.subtractions, subtractions)):
        raise SUBTRACTIONS_MISSING.format(ids=", ".join(missing))
    if tags and (missing := await missing_tags(ctx, tags)):
        raise TAGS_MISSING.format(ids=", ".join(missing))
    if group is not None and not await group_exists(ctx, group):
        raise GROUP_DOES_NOT_EXIST


async def _require_project_admits(ctx: Context, user: dict[str, Any], project_id: str) -> None:
    """The project exists (400) and the caller may add samples to it (403)."""
    project = await find_project(ctx, project_id)
    if project is None:
        raise PROJECT_DOES_NOT_EXIST
    require_add_files(user, project)


async def require_sharing_allowed(ctx: Context, owner_id: str, visibility: str) -> None:
    """`public` and `shared` are refused (403) when the server or any group of the sample's owner restricts
    sharing. The restriction binds administrators too: it exists for data that must not leave the lab.

    The answer says what restricts it (`restricted_by`: the server setting, or the group) and who can lift it.
    """
    if visibility not in LINK_VISIBILITIES:
        return
    if (await get_settings(ctx)).restrict_sharing:
        raise SHARING_RESTRICTED(
            restricted_by={"setting": "restrict_sharing"},
            hint="The server's restrict_sharing setting is on; an administrator can turn it off with "
            'PATCH /api/settings {"restrict_sharing": false}.',
        )
    if group := await group_restricting_sharing(ctx, owner_id):
        raise SHARING_RESTRICTED(
            restricted_by={"group": {"id": group["_id"], "name": group["name"]}},
            hint=f"The sample's owner is in group '{group['name']}', which restricts sharing; an "
            f"administrator can change that: PATCH /api/groups/{group['_id']} "
            '{"restrict_sharing": false}.',
        )


async def create_sample_for_user(ctx: Context, user: dict[str, Any], request: CreateSampleRequest) -> Sample:
    """A new sample (`ready: false`, `status: awaiting_data`) made of 1-2 of the caller's uploads, and the
    `create_sample` job that will import them.

    The name is claimed by the unique index (so of two racing creates exactly one wins, 400 for the other)
    before any upload is reserved; if reserving fails, the sample goes again. The steps — claim the name,
    reserve the uploads (for this sample), make the job, link it — span two stores and no transaction: what a
    process killed between two of them leaves is undone at start-up by `samples/repair.py`.
    """
    if len(set(request.files)) != len(request.files):
        raise FILES_MUST_DIFFER
    # `ProjectId`/`TagId` validate to plain id strings.
    tags = _unique(cast(list[str], request.tags))
    labels, subtractions = _unique(request.labels), _unique(request.subtractions)
    await _require_existing(ctx, labels=labels, subtractions=subtractions, tags=tags, group=request.group)
    if request.project is not None:
        await _require_project_admits(ctx, user, cast(str, request.project))
    await require_sharing_allowed(ctx, user["_id"], request.visibility.value)

    owner = user_ref(user)
    try:
        document = await create_sample(
            ctx,
            name=request.name,
            user=owner,
            paired=len(request.files) == 2,
            host=request.host,
            isolate=request.isolate,
            locale=request.locale,
            notes=request.notes,
            library_type=request.library_type.value,
            labels=labels,
            subtractions=subtractions,
            group=request.group,
            group_read=True,
            group_write=False,
            all_read=False,
            all_write=False,
            project=request.project,
            tags=tags,
            visibility=request.visibility.value,
        )
    except DuplicateKeyError:
        raise NAME_IN_USE from None

    sample_id = document["_id"]
    crash_point("sample_created")
    try:
        files = await reserve_uploads(ctx, user, request.files, sample_id)
    except BaseException:
        await ctx.db.samples.delete_one({"_id": sample_id})
        raise
    crash_point("uploads_reserved")
    try:
        job = await create_job(ctx, Workflow.CREATE_SAMPLE, {"sample_id": sample_id, "files": files}, owner)
    except BaseException:
        await ctx.db.samples.delete_one({"_id": sample_id})
        await release_uploads(ctx, sample_id)
        raise
    crash_point("job_created")
    document = await ctx.db.samples.find_one_and_update(
        {"_id": sample_id, "job": None},
        {
            "$set": {
                "job": {"id": job["_id"]},
                "filename": files[0]["name"],
                "size": sum(file["size"] or 0 for file in files),
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        # Removed before its creation finished: by its owner, or by a repair that took this creation for one
        # a crashed process left behind (it had run past `creation_timeout`; see samples/repair.py).
        await withdraw_job(ctx, job["_id"])
        await release_uploads(ctx, sample_id)
        raise REMOVED_WHILE_CREATED
    return await render_sample(ctx, document)


async def update_sample(
    ctx: Context, user: dict[str, Any], sample_id: str, request: UpdateSampleRequest
) -> Sample:
    """Change what the caller sent (write right). Moving into a project needs its add permission; making a
    sample `public`/`shared` must be allowed by the sharing settings; every id must name something.
    """
    document = await writable_sample(ctx, user, sample_id)
    changes = request.changes()
    if not changes:
        return await render_sample(ctx, document)
    for key in ("labels", "subtractions", "tags"):
        if key in changes:
            changes[key] = _unique(changes[key])
    await _require_existing(
        ctx, labels=changes.get("labels"), subtractions=changes.get("subtractions"), tags=changes.get("tags")
    )
    if changes.get("project") is not None and changes["project"] != document.get("project"):
        await _require_project_admits(ctx, user, changes["project"])
    if "name" in changes:
        changes.update(search_fields(changes["name"]))
    if "visibility" in changes:
        changes["visibility"] = changes["visibility"].value
        if changes["visibility"] != document.get("visibility"):
            await require_sharing_allowed(ctx, document["user"]["id"], changes["visibility"])
    try:
        updated = await ctx.db.samples.find_one_and_update(
            {"_id": sample_id},
            {"$set": {**changes, "updated_at": utc_now()}},
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:
        raise NAME_IN_USE from None
    if updated is None:
        raise NotFound()
    if changes.keys() & set(ACCESS_FIELDS):
        await ctx.events.emit_sample_access_changed(ctx, sample_id)  # heard live too (`subscriptions.py`)
    else:
        await ctx.changes.publish("samples", sample_id, "update", {"sample": access_of(updated)})
    return await render_sample(ctx, updated)


async def update_sample_rights(
    ctx: Context, user: dict[str, Any], sample_id: str, request: UpdateRightsRequest
) -> SampleRightsDocument:
    """Only the sample's owner or an administrator changes its group and the four rights flags."""
    document = await find_sample(ctx, sample_id)
    require_owner_or_administrator(user, document)
    changes = request.changes()
    if changes.get("group") is not None:
        await _require_existing(ctx, group=changes["group"])
    if changes:
        document = await ctx.db.samples.find_one_and_update(
            {"_id": sample_id},
            {"$set": {**changes, "updated_at": utc_now()}},
            return_document=ReturnDocument.AFTER,
        )
        if document is None:
            raise NotFound()
        await ctx.events.emit_sample_access_changed(ctx, sample_id)
    return SampleRightsDocument.model_validate(document)


async def set_sample_metadata(
    ctx: Context, user: dict[str, Any], sample_id: str, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Set each key of `metadata` in the sample's `metadata` (write right), each key on its own, so two
    clients changing different keys at once both keep their change. Returns the stored sample document."""
    document = await writable_sample(ctx, user, sample_id)
    if not metadata:
        return document
    fields = {f"metadata.{key}": value for key, value in metadata.items()}
    document = await ctx.db.samples.find_one_and_update(
        {"_id": sample_id},
        {"$set": {**fields, "updated_at": utc_now()}},
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        raise NotFound()
    return document


async def remove_sample(ctx: Context, user: dict[str, Any], sample_id: str) -> None:
    """Remove a sample (write right) with its analyses and every file and record of both.

    A sample whose create-sample job is still waiting or running is refused (409): cancel the job first.
    The uploads it was made of are released, so they can be used again or removed.
    """
    document = await writable_sample(ctx, user, sample_id)
    job = None
    if document.get("job"):
        job = await find_job(ctx, document["job"]["id"], "state", "args")
    if not document["ready"] and job is not None and job["state"] in JOB_STILL_ACTIVE:
        raise STILL_BEING_CREATED(
            job={"id": job["_id"], "state": job["state"]},
            hint=f"Its create_sample job {job['_id']} is {job['state']}: cancel it first "
            f"(PUT /api/jobs/{job['_id']}/cancel), then remove the sample.",
        )
    if (await ctx.db.samples.delete_one({"_id": sample_id})).deleted_count == 0:
        raise NotFound()

    await ctx.events.emit_sample_removed(ctx, sample_id)
    await purge_sample_files(ctx, sample_id)
    await release_uploads(ctx, sample_id, _job_upload_ids(job))


def _job_upload_ids(job: dict[str, Any] | None) -> list[int]:
    """The uploads a create-sample job was made with (for reservations older than `reserved_by`)."""
    return [file["id"] for file in ((job or {}).get("args") or {}).get("files") or []]
