"""Sample rules: creating, rendering, listing, changing, finalizing and removing samples; their reads and
artifacts; who may do what with them (decided by `samples/rights.py`, asked here for every public call).
"""

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError
from sqlalchemy import delete, select

from virtool_api.context import Context
from virtool_api.errors import BadRequest, Conflict, InsufficientRights, NotFound
from virtool_api.jobs import rights
from virtool_api.jobs.models import JobState
from virtool_api.jobs.service import create_job
from virtool_api.pagination import page_count, skip
from virtool_api.projects.service import find_project, require_add_files
from virtool_api.samples.access import find_sample, listing_query, readable_sample, writable_sample
from virtool_api.samples.models import (
    READS_FILE_NAMES,
    ArtifactType,
    CreateSampleRequest,
    Quality,
    Sample,
    SampleArtifactFile,
    SampleReadsFile,
    SampleRightsDocument,
    SampleSearchQuery,
    SampleSearchResult,
    SampleStatus,
    SampleSummary,
    UpdateRightsRequest,
    UpdateSampleRequest,
    project_reference,
    tag_reference,
)
from virtool_api.samples.rights import (
    LINK_VISIBILITIES,
)
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.settings.service import get_settings
from virtool_api.storage.files import check_file_name
from virtool_api.storage.mongo import insert_with_random_id, missing_ids
from virtool_api.storage.placement import record_then_place
from virtool_api.uploads.service import release_uploads, reserve_uploads
from virtool_api.users.rights import require_owner_or_administrator
from virtool_api.users.service import user_ref
from virtool_api.utils import utc_now

SAMPLE_FINALIZED = "Sample already finalized"
NAME_IN_USE = "Sample name is already in use"
SHARING_RESTRICTED = "Sharing is restricted"
STILL_BEING_CREATED = "Sample is still being created"
PROJECT_DOES_NOT_EXIST = "Project does not exist"
GROUP_DOES_NOT_EXIST = "Group does not exist"
FILES_MUST_DIFFER = "Files must be different uploads"
JOB_STILL_ACTIVE = (JobState.WAITING.value, JobState.PREPARING.value, JobState.RUNNING.value)


_WORKFLOW_FAMILIES = {"pathoscope": ("pathoscope_bowtie",), "nuvs": ("nuvs",), "aodp": ("aodp",)}


def workflow_compatible(library_type: str, workflow: str) -> bool:
    """AODP analyses amplicon libraries only; Pathoscope and NuVs anything but amplicon libraries."""
    return (library_type == "amplicon") == (workflow == "aodp")


def workflow_fields(library_type: str, analyses: list[dict[str, Any]]) -> dict[str, Any]:
    """What a sample shows of its analyses: `workflows.{pathoscope,nuvs,aodp}` and Virtool's older
    `pathoscope`/`nuvs` flags.

    A family is `complete` with a finished analysis, `pending` with one in progress, `incompatible` when the
    library type cannot be analysed so (AODP needs amplicon libraries, the others cannot use them), else
    `none`; the flags say `true`, `"ip"` or `false`.
    """
    workflows: dict[str, str] = {}
    for family, names in _WORKFLOW_FAMILIES.items():
        of_family = [analysis for analysis in analyses if analysis.get("workflow") in names]
        if any(analysis.get("ready") for analysis in of_family):
            workflows[family] = "complete"
        elif of_family:
            workflows[family] = "pending"
        elif not workflow_compatible(library_type, names[0]):
            workflows[family] = "incompatible"
        else:
            workflows[family] = "none"
    flags = {
        family: {"complete": True, "pending": "ip"}.get(workflows[family], False)
        for family in ("pathoscope", "nuvs")
    }
    return {"workflows": workflows, **flags}


async def create_sample(
    ctx: Context, *, name: str, user: dict[str, str], paired: bool = False, **fields: Any
) -> dict[str, Any]:
    """A new sample waiting for its create-sample job (`ready: false`, no reads yet)."""
    now = utc_now()
    document = {
        "name": name,
        "host": "",
        "isolate": "",
        "locale": "",
        "notes": "",
        "labels": [],
        "library_type": "normal",
        "subtractions": [],
        "ready": False,
        "imported": False,
        "archived": False,
        "user": {"id": user["id"], "handle": user["handle"]},
        "group": None,
        "all_read": True,
        "all_write": False,
        "group_read": True,
        "group_write": False,
        "hold": True,
        "is_legacy": False,
        "format": "fastq",
        "paired": paired,
        "quality": None,
        "job": None,
        "created_at": now,
        "updated_at": now,
        "status": "awaiting_data",
        "visibility": "private",
        "project": None,
        "tags": [],
        "metadata": {},
        "error_msg": None,
        **fields,
    }
    document.update(workflow_fields(document["library_type"], []))
    return await insert_with_random_id(ctx.db.samples, document)


def _reads_file(row: SampleReads) -> SampleReadsFile:
    return SampleReadsFile(
        id=row.id,
        name=row.name,
        name_on_disk=row.name_on_disk,
        size=row.size,
        sample=row.sample,
        uploaded_at=row.uploaded_at,
        download_url=f"/samples/{row.sample}/reads/{row.name}",
        upload=row.upload,
    )


def _artifact_file(row: SampleArtifact) -> SampleArtifactFile:
    return SampleArtifactFile(
        id=row.id,
        name=row.name,
        name_on_disk=row.name_on_disk,
        size=row.size,
        type=row.type,
        uploaded_at=row.uploaded_at,
        download_url=f"/samples/{row.sample}/artifacts/{row.name}",
    )


def _one_codex_fields(document: dict[str, Any]) -> dict[str, Any]:
    """How One Codex names what we store: `owner`, `$uri` and references for `project` and `tags`."""
    return {
        "$uri": f"/api/samples/{document['_id']}",
        "id": document["_id"],
        "owner": document["user"],
        "project": project_reference(document.get("project")),
        "tags": [tag_reference(tag_id) for tag_id in document.get("tags", [])],
    }


async def render_sample(ctx: Context, document: dict[str, Any]) -> Sample:
    """The full sample document: the stored fields plus its files, labels and subtractions."""
    sample_id = document["_id"]
    async with ctx.sessions() as session:
        reads = (
            await session.scalars(
                select(SampleReads).where(SampleReads.sample == sample_id).order_by(SampleReads.name)
            )
        ).all()
        artifacts = (
            await session.scalars(
                select(SampleArtifact).where(SampleArtifact.sample == sample_id).order_by(SampleArtifact.id)
            )
        ).all()
    labels = await _labels_by_id(ctx, [document])
    subtractions = await ctx.db.subtractions.find(
        {"_id": {"$in": document.get("subtractions", [])}}, {"name": 1}
    ).to_list(None)
    return Sample.model_validate(
        {
            **document,
            **_one_codex_fields(document),
            "labels": _labels_of(document, labels),
            "subtractions": [{"id": s["_id"], "name": s["name"]} for s in subtractions],
            "reads": [_reads_file(row) for row in reads],
            "artifacts": [_artifact_file(row) for row in artifacts],
        }
    )


async def get_sample_for_job(ctx: Context, job: dict[str, Any], sample_id: str) -> Sample:
    rights.require_sample_read(job, sample_id)
    return await render_sample(ctx, await find_sample(ctx, sample_id))


async def finalize_sample(ctx: Context, job: dict[str, Any], sample_id: str, quality: Quality) -> Sample:
    """Set `quality` and `ready: true` in one conditional update: of two racing finalizes, one wins."""
    rights.require_sample_write(job, sample_id)
    rights.require_active(job)
    now = utc_now()
    document = await ctx.db.samples.find_one_and_update(
        {"_id": sample_id, "ready": False},
        {
            "$set": {
                "ready": True,
                "quality": quality.model_dump(),
                "status": "available",
                "updated_at": now,
            }
        },
        return_document=ReturnDocument.AFTER,
    )
    if document is None:
        await find_sample(ctx, sample_id)
        raise Conflict(SAMPLE_FINALIZED)
    return await render_sample(ctx, document)


async def _writable_unfinalized_sample(ctx: Context, job: dict[str, Any], sample_id: str) -> dict[str, Any]:
    rights.require_sample_write(job, sample_id)
    rights.require_active(job)
    document = await find_sample(ctx, sample_id)
    if document["ready"]:
        raise Conflict(SAMPLE_FINALIZED)
    return document


async def upload_reads(
    ctx: Context, job: dict[str, Any], sample_id: str, name: str, chunks: AsyncIterator[bytes]
) -> SampleReadsFile:
    """Stream a gzipped reads file into place; it is recorded before it becomes visible on disk."""
    if name not in READS_FILE_NAMES:
        raise BadRequest("File name is not an accepted reads file")
    await _writable_unfinalized_sample(ctx, job, sample_id)
    return await store_reads(ctx, sample_id, name, chunks)


async def store_reads(
    ctx: Context, sample_id: str, name: str, chunks: AsyncIterator[bytes], upload: int | None = None
) -> SampleReadsFile:
    """Receive and record one reads file of a sample; 409 if that name is already stored."""
    already = Conflict("Reads file name is already uploaded")
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SampleReads.id).where(SampleReads.sample == sample_id, SampleReads.name == name)
        ):
            raise already

    async with ctx.files.receive(chunks, ctx.files.sample_dir(sample_id), require_gzip=True) as incoming:
        row = SampleReads(
            sample=sample_id,
            name=name,
            name_on_disk=name,
            size=incoming.size,
            uploaded_at=utc_now(),
            upload=upload,
        )
        await record_then_place(
            ctx.sessions,
            row,
            incoming,
            lambda _: ctx.files.reads_path(sample_id, name),
            already,
            owner_exists=lambda: _sample_exists(ctx, sample_id),
        )
    return _reads_file(row)


async def _sample_exists(ctx: Context, sample_id: str) -> bool:
    return await ctx.db.samples.count_documents({"_id": sample_id}, limit=1) > 0


async def reads_path_for_job(ctx: Context, job: dict[str, Any], sample_id: str, name: str) -> Path:
    rights.require_sample_read(job, sample_id)
    if name not in READS_FILE_NAMES:
        # Never query with an arbitrary name: PostgreSQL rejects NUL bytes with an error, not "no row".
        raise NotFound()
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(SampleReads).where(SampleReads.sample == sample_id, SampleReads.name == name)
        )
    if row is None:
        raise NotFound()
    return _existing(ctx.files.reads_path(sample_id, row.name_on_disk))


def _existing(path: Path) -> Path:
    if not path.is_file():
        raise NotFound("Uploaded file not found at expected location")
    return path


async def upload_artifact(
    ctx: Context,
    job: dict[str, Any],
    sample_id: str,
    name: str,
    artifact_type: str,
    chunks: AsyncIterator[bytes],
) -> SampleArtifactFile:
    if artifact_type not in set(ArtifactType):
        raise BadRequest("Unsupported sample artifact type")
    check_file_name(name)
    await _writable_unfinalized_sample(ctx, job, sample_id)
    already = Conflict("Artifact file has already been uploaded for this sample")
    async with ctx.sessions() as session:
        if await session.scalar(
            select(SampleArtifact.id).where(SampleArtifact.sample == sample_id, SampleArtifact.name == name)
        ):
            raise already

    async with ctx.files.receive(chunks, ctx.files.artifacts_dir(sample_id)) as incoming:
        row = SampleArtifact(
            sample=sample_id,
            name=name,
            name_on_disk=name,
            size=incoming.size,
            type=artifact_type,
            uploaded_at=utc_now(),
        )
        await record_then_place(
            ctx.sessions,
            row,
            incoming,
            lambda _: ctx.files.artifact_path(sample_id, name),
            already,
            owner_exists=lambda: _sample_exists(ctx, sample_id),
        )
    return _artifact_file(row)


async def artifact_path_for_job(ctx: Context, job: dict[str, Any], sample_id: str, name: str) -> Path:
    rights.require_sample_read(job, sample_id)
    try:
        check_file_name(name)
    except BadRequest:
        raise NotFound() from None  # no artifact is stored under such a name (and NUL breaks PostgreSQL)
    async with ctx.sessions() as session:
        row = await session.scalar(
            select(SampleArtifact).where(SampleArtifact.sample == sample_id, SampleArtifact.name == name)
        )
    if row is None:
        raise NotFound()
    return _existing(ctx.files.artifact_path(sample_id, row.name_on_disk))


async def remove_unfinalized_sample(ctx: Context, job: dict[str, Any], sample_id: str) -> None:
    """The clean-up a failing create-sample job sends; allowed even once the job has finished."""
    rights.require_sample_write(job, sample_id)
    result = await ctx.db.samples.delete_one({"_id": sample_id, "ready": False})
    if result.deleted_count == 0:
        await find_sample(ctx, sample_id)
        raise Conflict("Sample is finalized")
    await purge_sample_files(ctx, sample_id)
    # The uploads it was being made of are free again: the user may retry or remove them.
    await release_uploads(ctx, [file["id"] for file in (job.get("args") or {}).get("files") or []])


async def purge_sample_files(ctx: Context, sample_id: str) -> None:
    """Drop a removed sample's file records, then its directory."""
    async with ctx.sessions() as session:
        await session.execute(delete(SampleReads).where(SampleReads.sample == sample_id))
        await session.execute(delete(SampleArtifact).where(SampleArtifact.sample == sample_id))
        await session.commit()
    await ctx.files.remove_tree(ctx.files.sample_dir(sample_id))


# Public API: the caller is a user; `samples/access.py` (over `samples/rights.py`) decides what they may do.


def _search_filters(query: SampleSearchQuery) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if query.find:
        filters["name"] = {"$regex": re.escape(query.find), "$options": "i"}
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


async def _labels_by_id(ctx: Context, documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    label_ids = sorted({label_id for document in documents for label_id in document.get("labels", [])})
    labels = await ctx.db.labels.find({"_id": {"$in": label_ids}}).to_list(None)
    return {label["_id"]: {**label, "id": label["_id"]} for label in labels}


def _labels_of(document: dict[str, Any], labels: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The sample's labels, in its order; a label deleted meanwhile is left out."""
    return [labels[label_id] for label_id in document.get("labels", []) if label_id in labels]


async def find_samples(ctx: Context, user: dict[str, Any], query: SampleSearchQuery) -> SampleSearchResult:
    """A page of the samples the caller may see, newest first; both counts are after the rights filter."""
    readable = await listing_query(ctx, user)
    filters = _search_filters(query)
    found = {"$and": [readable, filters]} if readable and filters else readable or filters
    total_count = await ctx.db.samples.count_documents(readable)
    found_count = await ctx.db.samples.count_documents(found)
    documents = (
        await ctx.db.samples.find(found)
        .sort([("created_at", -1), ("_id", -1)])
        .skip(skip(query.page, query.per_page))
        .limit(query.per_page)
        .to_list(None)
    )
    labels = await _labels_by_id(ctx, documents)
    return SampleSearchResult(
        documents=[
            SampleSummary.model_validate(
                {
                    **document,
                    **_one_codex_fields(document),
                    "labels": _labels_of(document, labels),
                }
            )
            for document in documents
        ],
        found_count=found_count,
        total_count=total_count,
        page=query.page,
        page_count=page_count(found_count, query.per_page),
        per_page=query.per_page,
    )


async def get_sample(ctx: Context, user: dict[str, Any], sample_id: str) -> Sample:
    return await render_sample(ctx, await readable_sample(ctx, user, sample_id))


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
    if labels and (missing := await missing_ids(ctx.db.labels, labels)):
        raise BadRequest(f"Labels do not exist: {', '.join(missing)}")
    if subtractions and (missing := await missing_ids(ctx.db.subtractions, subtractions)):
        raise BadRequest(f"Subtractions do not exist: {', '.join(missing)}")
    if tags and (missing := await missing_ids(ctx.db.tags, tags)):
        raise BadRequest(f"Tags do not exist: {', '.join(missing)}")
    if group is not None and await ctx.db.groups.find_one({"_id": group}, {"_id": 1}) is None:
        raise BadRequest(GROUP_DOES_NOT_EXIST)


async def _require_project_admits(ctx: Context, user: dict[str, Any], project_id: str) -> None:
    """The project exists (400) and the caller may add samples to it (403)."""
    project = await find_project(ctx, project_id)
    if project is None:
        raise BadRequest(PROJECT_DOES_NOT_EXIST)
    require_add_files(user, project)


async def require_sharing_allowed(ctx: Context, owner_id: str, visibility: str) -> None:
    """`public` and `shared` are refused (403) when the server or any group of the sample's owner restricts
    sharing. The restriction binds administrators too: it exists for data that must not leave the lab.
    """
    if visibility not in LINK_VISIBILITIES:
        return
    if (await get_settings(ctx)).restrict_sharing:
        raise InsufficientRights(SHARING_RESTRICTED)
    owner = await ctx.db.users.find_one({"_id": owner_id}, {"groups": 1}) or {}
    groups = owner.get("groups") or []
    if groups and await ctx.db.groups.count_documents({"_id": {"$in": groups}, "restrict_sharing": True}):
        raise InsufficientRights(SHARING_RESTRICTED)


async def create_sample_for_user(ctx: Context, user: dict[str, Any], request: CreateSampleRequest) -> Sample:
    """A new sample (`ready: false`, `status: awaiting_data`) made of 1-2 of the caller's uploads, and the
    `create_sample` job that will import them.

    The name is claimed by the unique index (so of two racing creates exactly one wins, 400 for the other)
    before any upload is reserved; if reserving fails, the sample goes again.
    """
    if len(set(request.files)) != len(request.files):
        raise BadRequest(FILES_MUST_DIFFER)
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
        raise BadRequest(NAME_IN_USE) from None

    sample_id = document["_id"]
    try:
        files = await reserve_uploads(ctx, user, request.files)
    except BaseException:
        await ctx.db.samples.delete_one({"_id": sample_id})
        raise
    try:
        job = await create_job(ctx, "create_sample", {"sample_id": sample_id, "files": files}, owner)
    except BaseException:
        await ctx.db.samples.delete_one({"_id": sample_id})
        await release_uploads(ctx, [file["id"] for file in files])
        raise
    document = await ctx.db.samples.find_one_and_update(
        {"_id": sample_id},
        {
            "$set": {
                "job": {"id": job["_id"]},
                "filename": files[0]["name"],
                "size": sum(file["size"] or 0 for file in files),
            }
        },
        return_document=ReturnDocument.AFTER,
    )
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
        raise BadRequest(NAME_IN_USE) from None
    if updated is None:
        raise NotFound()
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
    return SampleRightsDocument.model_validate(document)


async def remove_sample(ctx: Context, user: dict[str, Any], sample_id: str) -> None:
    """Remove a sample (write right) with its analyses and every file and record of both.

    A sample whose create-sample job is still waiting or running is refused (409): cancel the job first.
    The uploads it was made of are released, so they can be used again or removed.
    """
    # Imported here: analysis rules ask this module for their sample's rights.
    from virtool_api.analyses.service import purge_analysis_files

    document = await writable_sample(ctx, user, sample_id)
    job = None
    if document.get("job"):
        job = await ctx.db.jobs.find_one({"_id": document["job"]["id"]}, {"state": 1, "args": 1})
    if not document["ready"] and job is not None and job["state"] in JOB_STILL_ACTIVE:
        raise Conflict(STILL_BEING_CREATED)
    if (await ctx.db.samples.delete_one({"_id": sample_id})).deleted_count == 0:
        raise NotFound()

    analyses = await ctx.db.analyses.find({"sample.id": sample_id}, {"_id": 1}).to_list(None)
    await ctx.db.analyses.delete_many({"sample.id": sample_id})
    for analysis in analyses:
        await purge_analysis_files(ctx, analysis["_id"])
    await purge_sample_files(ctx, sample_id)
    if job is not None:
        await release_uploads(ctx, [file["id"] for file in (job.get("args") or {}).get("files") or []])


_ENDED_WITHOUT_ERROR_REPORT = {
    JobState.CANCELLED: "The import was cancelled",
    JobState.TERMINATED: "The import was terminated",
    JobState.TIMEOUT: "The import job stopped responding",
}


def _error_message(state: str, error: dict[str, Any] | None) -> str:
    if state in _ENDED_WITHOUT_ERROR_REPORT:
        return _ENDED_WITHOUT_ERROR_REPORT[JobState(state)]
    if not error:
        return "Sample creation failed"
    details = "; ".join(str(detail) for detail in error.get("details") or [])
    return f"{error.get('type')}: {details}" if details else str(error.get("type"))


async def follow_create_sample_job(
    ctx: Context, job: dict[str, Any], state: str, error: dict[str, Any] | None
) -> None:
    """A sample's status follows its create-sample job: `importing` once the job reports `preparing` or
    `running`, `failed_validation` (with `error_msg`) when it ends without finalizing the sample
    (`error`, `cancelled`, `terminated`, `timeout`); finalizing makes it `available`. Called by
    `jobs.service` after each recorded change of a job's state.
    """
    if job.get("workflow") != rights.CREATE_SAMPLE:
        return
    sample_id = (job.get("args") or {}).get("sample_id")
    if sample_id is None:
        return
    if state in (JobState.PREPARING, JobState.RUNNING):
        await ctx.db.samples.update_one(
            {"_id": sample_id, "ready": False, "status": SampleStatus.AWAITING_DATA.value},
            {"$set": {"status": SampleStatus.IMPORTING.value, "updated_at": utc_now()}},
        )
    elif state in (JobState.ERROR, *_ENDED_WITHOUT_ERROR_REPORT):
        await ctx.db.samples.update_one(
            {"_id": sample_id, "ready": False},
            {
                "$set": {
                    "status": SampleStatus.FAILED_VALIDATION.value,
                    "error_msg": _error_message(state, error),
                    "updated_at": utc_now(),
                }
            },
        )
