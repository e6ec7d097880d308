"""A sample document: how a new one is made and how a stored one is shown (its files, labels, job)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    Integer,
    Row,
    Select,
    String,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)

from virtool_api.context import Context
from virtool_api.jobs.summary import JobSummaryFields, job_summaries_steps, summary_of
from virtool_api.labels.service import labels_with_ids_steps
from virtool_api.samples.models import (
    Sample,
    SampleArtifactFile,
    SampleReadsFile,
    project_reference,
    tag_reference,
)
from virtool_api.samples.search import search_fields
from virtool_api.samples.tables import SampleArtifact, SampleReads
from virtool_api.samples.workflows import workflow_fields
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.steps import Find, FindOne, Rows, Steps, run_steps
from virtool_api.utils import utc_now


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
        **search_fields(name),
    }
    document.update(workflow_fields(document["library_type"], []))
    return await insert_with_random_id(ctx.db.samples, document)


async def count_samples(ctx: Context, query: dict[str, Any]) -> int:
    return int(await ctx.db.samples.count_documents(query))


async def sample_documents(
    ctx: Context, query: dict[str, Any], order: list[tuple[str, int]], skip: int, limit: int
) -> list[dict[str, Any]]:
    """A page of the stored samples `query` matches (One Codex's listings, which filter and page their way;
    the rights filter comes with `query`, from `access.listing_query`)."""
    return await ctx.db.samples.find(query).sort(order).skip(skip).limit(limit).to_list(None)


_COMMON_COLUMNS = ("id", "sample", "name", "name_on_disk", "size", "uploaded_at")


def _files_query() -> Select[Any]:
    """A sample's reads files and artifacts in one statement (`sample_id` bound by `ctx.records.all`):
    `kind` tells them apart, `upload` is the reads' and `type` the artifacts' (null in the other)."""
    sample_id: BindParameter[str] = bindparam("sample_id")
    reads = select(
        literal_column("'reads'").label("kind"),
        *(getattr(SampleReads, name) for name in _COMMON_COLUMNS),
        SampleReads.upload,
        cast(null(), String).label("type"),
    ).where(SampleReads.sample == sample_id)
    artifacts = select(
        literal_column("'artifact'"),
        *(getattr(SampleArtifact, name) for name in _COMMON_COLUMNS),
        cast(null(), Integer),
        SampleArtifact.type,
    ).where(SampleArtifact.sample == sample_id)
    return select(union_all(reads, artifacts).subquery("files"))


FILES = _files_query()
"""Built once: building it took longer than running it."""


def reads_fields(row: SampleReads | Row[Any]) -> dict[str, Any]:
    """A reads file as `SampleReadsFile` has it, not yet validated (`render_sample` validates it with the
    sample, in one call)."""
    return {
        "id": row.id,
        "name": row.name,
        "name_on_disk": row.name_on_disk,
        "size": row.size,
        "sample": row.sample,
        "uploaded_at": row.uploaded_at,
        "download_url": f"/samples/{row.sample}/reads/{row.name}",
        "upload": row.upload,
    }


def reads_file(row: SampleReads | Row[Any]) -> SampleReadsFile:
    return SampleReadsFile.model_validate(reads_fields(row))


def artifact_fields(row: SampleArtifact | Row[Any]) -> dict[str, Any]:
    """An artifact as `SampleArtifactFile` has it, not yet validated (see `reads_fields`)."""
    return {
        "id": row.id,
        "name": row.name,
        "name_on_disk": row.name_on_disk,
        "size": row.size,
        "type": row.type,
        "uploaded_at": row.uploaded_at,
        "download_url": f"/samples/{row.sample}/artifacts/{row.name}",
    }


def artifact_file(row: SampleArtifact | Row[Any]) -> SampleArtifactFile:
    return SampleArtifactFile.model_validate(artifact_fields(row))


def one_codex_fields(document: dict[str, Any]) -> dict[str, Any]:
    """How One Codex names what we store: `owner`, `$uri` and references for `project` and `tags`."""
    return {
        "$uri": f"/api/samples/{document['_id']}",
        "id": document["_id"],
        "owner": document["user"],
        "project": project_reference(document.get("project")),
        "tags": [tag_reference(tag_id) for tag_id in document.get("tags", [])],
    }


Related = tuple[dict[str, dict[str, Any]], dict[str, str], dict[str, JobSummaryFields]]
"""What a sample is shown with besides its files: its labels by id, its subtractions' names by id and its
job's summary (`job_summaries`)."""


async def render_sample(
    ctx: Context, document: dict[str, Any], related: Related | None = None, files: Sequence[Any] | None = None
) -> Sample:
    """The full sample document: the stored fields plus its files, labels, subtractions and job summary (each
    looked up unless `related` and `files`, the rows of `FILES`, hold them)."""
    return Sample.model_validate(await sample_fields(ctx, document, related, files))


async def sample_fields(
    ctx: Context, document: dict[str, Any], related: Related | None = None, files: Sequence[Any] | None = None
) -> dict[str, Any]:
    """`render_sample`'s fields, as `Sample.model_validate` takes them."""
    if files is None:
        (files,) = await ctx.records.all(FILES, sample_id=document["_id"])
    reads = sorted((row for row in files if row.kind == "reads"), key=lambda row: row.name)
    artifacts = sorted((row for row in files if row.kind == "artifact"), key=lambda row: row.id)
    if related is None:
        related = await run_steps(ctx.db, related_steps(document))
    labels, names, jobs = related
    return {
        **document,
        **one_codex_fields(document),
        "labels": labels_of(document, labels),
        # In the sample's order, not the store's; a subtraction removed meanwhile is left out.
        "subtractions": [
            {"id": subtraction_id, "name": names[subtraction_id]}
            for subtraction_id in document.get("subtractions", [])
            if subtraction_id in names
        ],
        "reads": [reads_fields(row) for row in reads],
        "artifacts": [artifact_fields(row) for row in artifacts],
        "job": summary_of(document, jobs),
    }


StoredSample = tuple[dict[str, Any], Related, Sequence[Any]]
"""A stored sample, what it is shown with (`Related`) and its files (rows of `FILES`)."""


def stored_sample_and_related(sample_id: str) -> Steps[StoredSample | None]:
    """The stored sample, what it is shown with and its files (rows of `FILES`), or None: one round trip on
    the embedded stores (`run_steps(..., records=ctx.records)`; read before the caller's rights are asked,
    and shown only after)."""
    document = yield FindOne("samples", {"_id": sample_id})
    if document is None:
        return None
    related = yield from related_steps(document)
    (files,) = yield Rows.of(FILES, sample_id=sample_id)
    return document, related, files


def related_steps(document: dict[str, Any]) -> Steps[Related]:
    """The sample's labels, its subtractions' names and its job's summary: one round trip for the three."""
    labels = yield from labels_with_ids_steps(sorted(set(document.get("labels", []))))
    subtraction_ids = document.get("subtractions", [])
    subtractions = []
    if subtraction_ids:
        subtractions = yield Find("subtractions", {"_id": {"$in": subtraction_ids}}, {"name": 1})
    jobs = yield from job_summaries_steps([document])
    return labels, {subtraction["_id"]: subtraction["name"] for subtraction in subtractions}, jobs


def labels_by_id_steps(documents: list[dict[str, Any]]) -> Steps[dict[str, dict[str, Any]]]:
    """The labels `documents` name, by id, as steps (`labels.service.labels_with_ids_steps`)."""
    label_ids = sorted({label_id for document in documents for label_id in document.get("labels", [])})
    return (yield from labels_with_ids_steps(label_ids))


def labels_of(document: dict[str, Any], labels: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The sample's labels, in its order; a label deleted meanwhile is left out."""
    return [labels[label_id] for label_id in document.get("labels", []) if label_id in labels]
