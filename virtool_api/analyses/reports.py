"""An analysis's report: its results as the page and the exports show them (`pathoscope_report`,
`nuvs_report`), for whoever may read its sample. Results are read whole here, off the event loop: a report is
a table people look at, bounded by what a finalize may store."""

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from virtool_api.analyses.blasts import blasts_by_sequence
from virtool_api.analyses.documents import RESULTS_FILE_MISSING
from virtool_api.analyses.nuvs_report import FastaKind, NuvsReportQuery, build_nuvs_report
from virtool_api.analyses.nuvs_report import sort_and_filter as sort_contigs
from virtool_api.analyses.pathoscope_report import PathoscopeReportQuery, build_pathoscope_report
from virtool_api.analyses.pathoscope_report import sort_and_filter as sort_otus
from virtool_api.analyses.service import ANALYSIS_RUNNING, analysis_with_rights
from virtool_api.analyses.stored_results import read_results
from virtool_api.api.routes import validation_details
from virtool_api.context import Context
from virtool_api.errors import Conflict, InsufficientRights, InvalidQuery
from virtool_api.hmms.service import hmm_names
from virtool_api.indexes.otus_file import index_otus
from virtool_api.jobs.models import Workflow
from virtool_api.references.otus import outline_otus

logger = logging.getLogger(__name__)

NO_REPORT = Conflict.declare("Only Pathoscope and NuVs analyses have a report")
REPORT_WORKFLOWS = (Workflow.PATHOSCOPE, Workflow.NUVS)


async def _readable_results(
    ctx: Context, user: dict[str, Any], analysis_id: str
) -> tuple[dict[str, Any], Any]:
    analysis, rights = await analysis_with_rights(ctx, user, analysis_id)
    if not rights.read:
        raise InsufficientRights()
    if analysis.get("workflow") not in REPORT_WORKFLOWS:
        raise NO_REPORT
    if not analysis.get("ready"):
        raise ANALYSIS_RUNNING
    try:
        results = await read_results(ctx, analysis)
    except FileNotFoundError:
        logger.error("the results file of analysis %s is missing from the data directory", analysis_id)
        raise RESULTS_FILE_MISSING from None
    return analysis, results if isinstance(results, dict) else {}


async def _otu_outlines(ctx: Context, analysis: dict[str, Any], results: dict[str, Any]) -> dict[str, Any]:
    """The hit OTUs as the analysis's index holds them; the stored OTUs where the index has no OTU file."""
    wanted = {
        str(hit["otu"]["id"])
        for hit in results.get("hits") or []
        if isinstance(hit, dict) and isinstance(hit.get("otu"), dict) and "id" in hit["otu"]
    }
    index_id = (analysis.get("index") or {}).get("id")
    outlines = await index_otus(ctx, index_id, wanted) if index_id else None
    return outlines if outlines is not None else await outline_otus(ctx, wanted)


class ReportQuery(BaseModel):
    """How the page sorts and filters a report; the exports take the same, so they hold what it shows.
    Pathoscope sorts by `weight reads coverage depth name`, NuVs by `index length e orfs`."""

    sort: Literal["weight", "reads", "coverage", "depth", "name", "index", "length", "e", "orfs"] | None = (
        None
    )
    order: Literal["asc", "desc"] | None = None
    find: str | None = Field(None, max_length=200, description="Pathoscope: part of an OTU's name.")
    min_weight: float | None = Field(None, description="Pathoscope: percent.")
    min_reads: int | None = Field(None, ge=0, le=2**63 - 1, description="Pathoscope.")
    min_coverage: float | None = Field(None, description="Pathoscope: percent.")
    min_depth: float | None = Field(None, description="Pathoscope.")
    min_length: int | None = Field(None, ge=0, le=2**63 - 1, description="NuVs: bases.")
    max_e: float | None = Field(None, description="NuVs: the contig's best HMM E-value.")
    with_hits: bool = Field(False, description="NuVs: only contigs with an HMM hit.")


class FastaQuery(ReportQuery):
    sequences: FastaKind = Field("contigs", description="Contigs, their ORFs' bases, or their translations.")


@dataclass
class Report:
    analysis: dict[str, Any]
    workflow: str
    rows: list[dict[str, Any]]
    """Pathoscope: OTUs (`pathoscope_report`); NuVs: contigs (`nuvs_report`)."""
    read_count: int | None = None
    subtracted_count: int | None = None


def _workflow_query(model: type[BaseModel], query: ReportQuery) -> Any:
    values = query.model_dump(include=set(model.model_fields), exclude_none=True)
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise InvalidQuery(errors=validation_details(error)) from None


async def analysis_report(ctx: Context, user: dict[str, Any], analysis_id: str, query: ReportQuery) -> Report:
    """The analysis's report, sorted and filtered by `query` (422 for a sort its workflow does not have)."""
    analysis, results = await _readable_results(ctx, user, analysis_id)
    counts = {key: results.get(key) for key in ("read_count", "subtracted_count")}
    counts = {key: value if isinstance(value, int) else None for key, value in counts.items()}
    if analysis["workflow"] == Workflow.PATHOSCOPE:
        pathoscope_query = _workflow_query(PathoscopeReportQuery, query)
        otus = await _otu_outlines(ctx, analysis, results)
        report = await asyncio.to_thread(build_pathoscope_report, results, otus)
        return Report(analysis, Workflow.PATHOSCOPE, sort_otus(report, pathoscope_query), **counts)
    nuvs_query = _workflow_query(NuvsReportQuery, query)
    names = await hmm_names(ctx, _hmm_ids(results))
    blasts = await blasts_by_sequence(ctx, analysis_id)
    contigs = await asyncio.to_thread(build_nuvs_report, results, names)
    for contig in contigs:
        record = blasts.get(contig["index"])
        contig["blast"] = None if record is None else record.model_dump(mode="json")
    return Report(analysis, Workflow.NUVS, sort_contigs(contigs, nuvs_query), **counts)


def _hmm_ids(results: dict[str, Any]) -> set[str]:
    return {
        str(hit.get("hit"))
        for contig in results.get("hits") or []
        if isinstance(contig, dict)
        for orf in contig.get("orfs") or []
        if isinstance(orf, dict)
        for hit in orf.get("hits") or []
        if isinstance(hit, dict)
    }
