"""An analysis document: how a new one is made and shown, and what its sample shows of its analyses."""

import logging
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, bindparam, select

from virtool_api.analyses.blasts import BLASTS, blast_json_by_sequence
from virtool_api.analyses.models import ANALYSIS_JSON, Analysis
from virtool_api.analyses.models import AnalysisFile as AnalysisFileModel
from virtool_api.analyses.sample_access import FIELD as SAMPLE_ACCESS
from virtool_api.analyses.stored_results import has_results, results_text
from virtool_api.analyses.tables import AnalysisFile
from virtool_api.api.model_fields import ModelFields
from virtool_api.context import Context
from virtool_api.errors import NotFound
from virtool_api.jobs.models import Workflow
from virtool_api.jobs.summary import JobSummaryFields, job_summary, summary_of
from virtool_api.samples.access import stored_sample
from virtool_api.samples.rights import access_of
from virtool_api.samples.workflows import show_analyses
from virtool_api.storage.mongo import insert_with_random_id
from virtool_api.storage.steps import Rows
from virtool_api.utils import utc_now

logger = logging.getLogger(__name__)

RESULTS_FILE_MISSING = NotFound.declare("Results file not found at expected location")


async def create_analysis(
    ctx: Context,
    *,
    sample: dict[str, Any],
    workflow: str,
    reference: dict[str, Any],
    index: dict[str, Any],
    subtractions: list[dict[str, Any]],
    user: dict[str, str],
) -> dict[str, Any]:
    """A new analysis (`ready: false`) of a finalized sample, with a copy of the sample's rights fields
    (`access.py`); the caller creates its job."""
    now = utc_now()
    return await insert_with_random_id(
        ctx.db.analyses,
        {
            "created_at": now,
            "updated_at": now,
            "workflow": workflow,
            "ready": False,
            "sample": {"id": sample["_id"], "name": sample["name"]},
            SAMPLE_ACCESS: access_of(sample),
            "index": {"id": index["_id"], "version": index["version"]},
            "reference": {
                "id": reference["_id"],
                "name": reference["name"],
                "data_type": reference.get("data_type", "genome"),
            },
            "subtractions": [{"id": s["_id"], "name": s["name"]} for s in subtractions],
            "user": {"id": user["id"], "handle": user["handle"]},
            "job": None,
            "ml": None,
            "results": None,
        },
    )


def analysis_file_model(row: AnalysisFile | Row[Any]) -> AnalysisFileModel:
    return AnalysisFileModel.model_validate(row, from_attributes=True)


FILES = (
    select(AnalysisFile.__table__)
    .where(AnalysisFile.analysis == bindparam("analysis_id"))
    .order_by(AnalysisFile.id)
)
"""An analysis's file records, oldest first (for `ctx.records.all`, `analysis_id` bound there)."""


@dataclass
class ShownAnalysis:
    """An analysis as the API shows it: the document's fields, then its results streamed from their file."""

    analysis: ModelFields
    """Everything but `results`, written as `Analysis` writes it without building one (`ANALYSIS_JSON`)."""
    results: AsyncGenerator[bytes, None] | None
    """The results' JSON text, NuVs hits with their `blast`; None until finalized."""


def file_rows(document: dict[str, Any]) -> Rows:
    """The analysis's file records and, for NuVs with results, its BLAST records, in one go (`show_analysis`):
    the BLAST records only go into the results' hits, so an analysis without results (still running) does
    not read them."""
    blasts = document.get("workflow") == Workflow.NUVS and has_results(document)
    return Rows.of(FILES, *([BLASTS] if blasts else []), analysis_id=document["_id"])


async def show_analysis(
    ctx: Context,
    document: dict[str, Any],
    jobs: dict[str, JobSummaryFields] | None = None,
    rows: list[Sequence[Any]] | None = None,
) -> ShownAnalysis:
    """The analysis with its results, which are never read whole: listings and this never hold them in memory.
    Its job's summary and its `file_rows` are read unless `jobs` (`job_summaries_steps`) and `rows` hold them.

    A results file missing from the data directory is 404 "Results file not found at expected location" (and
    logged), as a missing analysis file is; an analysis removed meanwhile is 404 "Not found".
    """
    if rows is None:
        wanted = file_rows(document)
        rows = await ctx.records.all(*wanted.statements, **wanted.params)
    files, *blast_rows = rows
    analysis = ModelFields(ANALYSIS_JSON, await _fields(ctx, document, files, jobs))
    blasts = blast_json_by_sequence(blast_rows[0]) if blast_rows else {}
    try:
        results = await results_text(ctx, document, blasts)
    except FileNotFoundError:
        await find_analysis(ctx, document["_id"])
        logger.error("the results file of analysis %s is missing from the data directory", document["_id"])
        raise RESULTS_FILE_MISSING from None
    return ShownAnalysis(analysis, results)


async def render_analysis(ctx: Context, document: dict[str, Any]) -> Analysis:
    """The analysis without its results (`show_analysis` adds them)."""
    (files,) = await ctx.records.all(FILES, analysis_id=document["_id"])
    return Analysis.model_validate(await _fields(ctx, document, files))


async def _fields(
    ctx: Context,
    document: dict[str, Any],
    rows: Sequence[Row[Any]],
    jobs: dict[str, JobSummaryFields] | None = None,
) -> dict[str, Any]:
    """The analysis's fields, as `Analysis.model_validate` takes them (its results null)."""
    return {
        **document,
        "id": document["_id"],
        "results": None,
        # `_asdict`: a named tuple's on SQLite, a `Row`'s else.
        "files": [row._asdict() for row in rows],
        "job": await job_summary(ctx, document) if jobs is None else summary_of(document, jobs),
    }


async def stored_analysis(ctx: Context, analysis_id: str) -> dict[str, Any] | None:
    """The stored analysis document, or None; no rights asked."""
    return await ctx.db.analyses.find_one({"_id": analysis_id})


async def find_analysis(ctx: Context, analysis_id: str) -> dict[str, Any]:
    document = await stored_analysis(ctx, analysis_id)
    if document is None:
        raise NotFound()
    return document


async def update_sample_workflows(ctx: Context, sample_id: str) -> None:
    """Recompute what a sample shows of its analyses, after one is started, finalized or removed (and tell
    the pages that follow the sample live)."""
    sample = await stored_sample(ctx, sample_id)
    if sample is None:
        return
    analyses = await ctx.db.analyses.find({"sample.id": sample_id}, {"workflow": 1, "ready": 1}).to_list(None)
    await show_analyses(ctx, sample, analyses)
