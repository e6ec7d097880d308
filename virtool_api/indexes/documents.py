"""An index document: how it is shown (with its files and job summary) to people and to runners."""

from typing import Any

from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.indexes.files import INDEX_FILES
from virtool_api.indexes.models import Index, IndexMinimal
from virtool_api.jobs.summary import job_summaries, job_summary, summary_of


async def find_index(ctx: Context, index_id: str) -> dict[str, Any]:
    document = await ctx.db.indexes.find_one({"_id": index_id})
    if document is None:
        raise NotFound()
    return document


def _defaults(document: dict[str, Any]) -> dict[str, Any]:
    # Indexes made before builds existed (ready at once, no files) lack the build fields.
    return {
        "change_count": 0,
        "modified_otu_count": 0,
        "has_files": False,
        "contributors": [],
        "manifest": {},
        "otus": [],
        **document,
        "id": document["_id"],
        "reference": {"name": "", "data_type": "genome", **document["reference"]},
        "user": document.get("user") or {"id": "", "handle": ""},
    }


async def render_index(ctx: Context, document: dict[str, Any]) -> Index:
    files = [INDEX_FILES.render(row) for row in await INDEX_FILES.rows(ctx, document["_id"])]
    return Index.model_validate(
        {**_defaults(document), "files": files, "job": await job_summary(ctx, document)}
    )


async def render_indexes(ctx: Context, documents: list[dict[str, Any]]) -> list[IndexMinimal]:
    summaries = await job_summaries(ctx, documents)
    return [
        IndexMinimal.model_validate({**_defaults(document), "job": summary_of(document, summaries)})
        for document in documents
    ]
