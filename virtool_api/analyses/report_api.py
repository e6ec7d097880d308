"""Public API: an analysis's report (what the results page shows) and its exports, CSV, Excel and FASTA,
sorted and filtered by the same query. Virtool's `GET /analyses/documents/{id}.csv` and `.xlsx` are here too.

Registered before the analyses' own table, so `/analyses/{id}.csv` is not read as an analysis id.
"""

import re
from typing import Any

from aiohttp import web

from virtool_api.analyses import exports
from virtool_api.analyses.documents import RESULTS_FILE_MISSING
from virtool_api.analyses.nuvs_report import CONTIG_HEADER, ORF_HEADER, contig_rows, fasta, orf_rows
from virtool_api.analyses.pathoscope_report import CSV_HEADER, OTU_HEADER, otu_rows, sequence_rows
from virtool_api.analyses.reports import NO_REPORT, FastaQuery, Report, ReportQuery, analysis_report
from virtool_api.analyses.service import ANALYSIS_RUNNING, PARENT_SAMPLE_MISSING
from virtool_api.api.files import attachment
from virtool_api.api.keys import CONTEXT, USER
from virtool_api.api.routes import ApiRoutes
from virtool_api.errors import Conflict, InsufficientRights, NotFound
from virtool_api.jobs.models import Workflow

routes = ApiRoutes("analyses")

NOT_NUVS = Conflict.declare("Only NuVs analyses have sequences to export")
ERRORS = (
    PARENT_SAMPLE_MISSING,
    InsufficientRights,
    NotFound,
    RESULTS_FILE_MISSING,
    ANALYSIS_RUNNING,
    NO_REPORT,
)
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FASTA = "text/x-fasta"


async def _report(request: web.Request, query: ReportQuery) -> Report:
    return await analysis_report(
        request.app[CONTEXT], request[USER], request.match_info["analysis_id"], query
    )


def _file_name(report: Report, extension: str) -> str:
    sample = re.sub(r"\s+", "_", str((report.analysis.get("sample") or {}).get("name") or "sample"))
    return f"{sample}-{report.workflow}-{report.analysis['_id']}.{extension}"


def _file(body: bytes | str, content_type: str, name: str) -> web.Response:
    data = body.encode() if isinstance(body, str) else body
    return web.Response(
        body=data,
        headers={
            "Content-Type": content_type if isinstance(body, bytes) else f"{content_type}; charset=utf-8",
            "Content-Disposition": attachment(name),
            "Cache-Control": "no-store",
        },
    )


@routes.get("/analyses/{analysis_id}/report", query=ReportQuery, errors=ERRORS)
async def get_report(request: web.Request, query: ReportQuery) -> dict[str, Any]:
    """The analysis's results as its page shows them: Pathoscope OTUs or NuVs contigs, sorted and filtered."""
    report = await _report(request, query)
    key = "otus" if report.workflow == Workflow.PATHOSCOPE else "contigs"
    return {
        "id": report.analysis["_id"],
        "workflow": report.workflow,
        "read_count": report.read_count,
        "subtracted_count": report.subtracted_count,
        key: report.rows,
    }


def _tables(report: Report) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The export's sheets; the CSV is the first's rows per sequence (Pathoscope) or per ORF (NuVs)."""
    if report.workflow == Workflow.PATHOSCOPE:
        return [
            ("Sequences", CSV_HEADER, sequence_rows(report.rows)),
            ("OTUs", OTU_HEADER, otu_rows(report.rows)),
        ]
    return [("ORFs", ORF_HEADER, orf_rows(report.rows)), ("Contigs", CONTIG_HEADER, contig_rows(report.rows))]


async def _csv(request: web.Request, query: ReportQuery) -> web.Response:
    report = await _report(request, query)
    _, header, rows = _tables(report)[0]
    return _file(exports.csv_text(header, rows), CSV, _file_name(report, "csv"))


async def _xlsx(request: web.Request, query: ReportQuery) -> web.Response:
    report = await _report(request, query)
    return _file(exports.workbook(_tables(report)), XLSX, _file_name(report, "xlsx"))


@routes.get("/analyses/{analysis_id}.csv", query=ReportQuery, errors=ERRORS, media_type=CSV)
async def export_csv(request: web.Request, query: ReportQuery) -> web.Response:
    """The report as CSV: Pathoscope one row per sequence, NuVs one row per ORF."""
    return await _csv(request, query)


@routes.get("/analyses/{analysis_id}.xlsx", query=ReportQuery, errors=ERRORS, media_type=XLSX)
async def export_xlsx(request: web.Request, query: ReportQuery) -> web.Response:
    """The report as an Excel workbook: the CSV's rows, and a sheet of OTUs (or contigs)."""
    return await _xlsx(request, query)


@routes.get("/analyses/documents/{analysis_id}.csv", query=ReportQuery, errors=ERRORS, media_type=CSV)
async def export_csv_virtool(request: web.Request, query: ReportQuery) -> web.Response:
    """The report as CSV, at Virtool's path."""
    return await _csv(request, query)


@routes.get("/analyses/documents/{analysis_id}.xlsx", query=ReportQuery, errors=ERRORS, media_type=XLSX)
async def export_xlsx_virtool(request: web.Request, query: ReportQuery) -> web.Response:
    """The report as an Excel workbook, at Virtool's path."""
    return await _xlsx(request, query)


@routes.get(
    "/analyses/{analysis_id}.fa",
    query=FastaQuery,
    errors=(*ERRORS, NOT_NUVS),
    media_type=FASTA,
)
async def export_fasta(request: web.Request, query: FastaQuery) -> web.Response:
    """A NuVs report's contigs, ORF nucleotides or ORF translations as FASTA."""
    report = await _report(request, query)
    if report.workflow != Workflow.NUVS:
        raise NOT_NUVS
    return _file(fasta(report.rows, query.sequences), FASTA, _file_name(report, f"{query.sequences}.fa"))
