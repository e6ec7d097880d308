"""A Pathoscope result as people read it: per OTU, its isolates and their sequences by name and accession,
each sequence with its coverage drawn from the stored depths (`align`), sorted and filtered.

The page (`GET /analyses/{id}/report`) and the exports (`.csv`, `.xlsx`) are made from this one table, so they
hold the same rows and the same numbers. Numbers are as shown: weight, best hit and coverage in percent
rounded to two decimals, depth to one, reads whole. An OTU's weight, best hit and reads are its sequences'
sums; its coverage and depth their highest (as for an isolate).

The workflow's hits name only the sequence and its OTU (`{id, version}`); names come from the OTUs the
analysis's index holds (`otus`: `references.otus.outline_otu`), and a sequence the index does not list is
shown by its id under "Isolate not in the index".
"""

import math
from typing import Any, Literal

from pydantic import BaseModel, Field

TRACK_BINS = 200
"""Points in a sequence's drawn coverage track: the highest depth of each of at most this many stretches."""

PathoscopeSort = Literal["weight", "reads", "coverage", "depth", "name"]
NOT_IN_INDEX = "Isolate not in the index"


class PathoscopeReportQuery(BaseModel):
    """Sorting and filtering of the OTUs (filters apply to an OTU's own numbers)."""

    sort: PathoscopeSort = "weight"
    order: Literal["asc", "desc"] | None = Field(None, description="`desc` by default, `asc` for `name`.")
    find: str | None = Field(None, max_length=200, description="Part of the OTU's name or abbreviation.")
    min_weight: float | None = Field(None, description="Percent.")
    min_reads: int | None = None
    min_coverage: float | None = Field(None, description="Percent.")
    min_depth: float | None = None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> float:
    """A result's number, or 0 for anything a job sent that is not one (the shape is not checked)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return float(value)


def _percent(value: float) -> float:
    return round(100 * value, 2)


def coverage_track(align: Any, bins: int = TRACK_BINS) -> list[int]:
    """The depths along a sequence in at most `bins` points, each the highest depth of its stretch."""
    if not isinstance(align, list) or not align:
        return []
    depths = [int(_number(value)) for value in align]
    if len(depths) <= bins:
        return depths
    size = len(depths) / bins
    return [max(depths[int(i * size) : max(int((i + 1) * size), int(i * size) + 1)]) for i in range(bins)]


def _scores(items: list[dict[str, Any]], raw: bool) -> dict[str, Any]:
    """Sums of weight, best hit and reads, highest coverage and depth (`raw`: of the hits' fractions)."""
    if raw:
        return {
            "weight": _percent(sum(item["pi"] for item in items)),
            "best": _percent(sum(item["best_pi"] for item in items)),
            "reads": int(sum(item["reads"] for item in items)),
            "coverage": _percent(max((item["coverage_fraction"] for item in items), default=0.0)),
            "depth": round(max((item["depth_raw"] for item in items), default=0.0), 1),
        }
    return {
        "weight": round(sum(item["weight"] for item in items), 2),
        "best": round(sum(item["best"] for item in items), 2),
        "reads": sum(item["reads"] for item in items),
        "coverage": max((item["coverage"] for item in items), default=0.0),
        "depth": max((item["depth"] for item in items), default=0.0),
    }


def _sequence_row(hit: dict[str, Any], known: dict[str, Any] | None) -> dict[str, Any]:
    final = _dict(hit.get("final"))
    raw = {
        "pi": _number(final.get("pi")),
        "best_pi": _number(final.get("best")),
        "reads": _number(final.get("reads")),
        "coverage_fraction": _number(hit.get("coverage")),
        "depth_raw": _number(hit.get("depth")),
    }
    align = hit.get("align")
    return {
        "id": str(hit.get("id", "")),
        "accession": (known or {}).get("accession") or str(hit.get("id", "")),
        "definition": (known or {}).get("definition") or "",
        "segment": (known or {}).get("segment"),
        "length": (known or {}).get("length") or (len(align) if isinstance(align, list) else 0),
        **_scores([raw], raw=True),
        "track": coverage_track(align),
    }


def build_pathoscope_report(results: dict[str, Any], otus: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every OTU with hits, its isolates and sequences (each list by weight, highest first)."""
    grouped: dict[str, dict[str, Any]] = {}
    for hit in results.get("hits") or []:
        if not isinstance(hit, dict):
            continue
        otu_ref = _dict(hit.get("otu"))
        otu_id = str(otu_ref.get("id", ""))
        outline = otus.get(otu_id)
        group = grouped.setdefault(
            otu_id,
            {
                "id": otu_id,
                "name": (outline or {}).get("name") or f"OTU {otu_id}",
                "abbreviation": (outline or {}).get("abbreviation") or "",
                "version": otu_ref.get("version"),
                "in_index": outline is not None,
                "isolates": {},
            },
        )
        isolate, known = _place(outline, str(hit.get("id", "")))
        entry = group["isolates"].setdefault(isolate["id"], {**isolate, "sequences": []})
        entry["sequences"].append(_sequence_row(hit, known))
    report = []
    for group in grouped.values():
        isolates = []
        for isolate in group["isolates"].values():
            isolate["sequences"].sort(key=lambda row: -row["weight"])
            isolates.append({**isolate, **_scores(isolate["sequences"], raw=False)})
        isolates.sort(key=lambda row: -row["weight"])
        sequences = [sequence for isolate in isolates for sequence in isolate["sequences"]]
        report.append({**group, "isolates": isolates, **_scores(sequences, raw=False)})
    return report


def _place(outline: dict[str, Any] | None, sequence_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The isolate (`{id, name, default}`) holding the sequence in the OTU's outline, and the sequence."""
    for isolate in (outline or {}).get("isolates", []):
        for sequence in isolate["sequences"]:
            if sequence["id"] == sequence_id:
                return {"id": isolate["id"], "name": isolate["name"], "default": isolate["default"]}, sequence
    return {"id": None, "name": NOT_IN_INDEX, "default": False}, None


def sort_and_filter(report: list[dict[str, Any]], query: PathoscopeReportQuery) -> list[dict[str, Any]]:
    """The OTUs the query keeps, in its order (ties by name, then id)."""
    find = (query.find or "").strip().lower()
    minimums = {
        "weight": query.min_weight,
        "reads": query.min_reads,
        "coverage": query.min_coverage,
        "depth": query.min_depth,
    }
    kept = [
        otu
        for otu in report
        if (not find or find in otu["name"].lower() or find in otu["abbreviation"].lower())
        and all(value is None or otu[key] >= value for key, value in minimums.items())
    ]
    order = query.order or ("asc" if query.sort == "name" else "desc")
    kept.sort(key=lambda otu: (otu["name"].lower(), otu["id"]))
    if query.sort != "name":
        kept.sort(key=lambda otu: otu[query.sort], reverse=order == "desc")
    elif order == "desc":
        kept.reverse()
    return kept


CSV_HEADER = ["OTU", "Isolate", "Accession", "Definition", "Length", "Weight (%)", "Best hit (%)", "Reads"]
CSV_HEADER += ["Coverage (%)", "Depth"]
OTU_HEADER = ["OTU", "Abbreviation", "Weight (%)", "Best hit (%)", "Reads", "Coverage (%)", "Depth"]


def sequence_rows(report: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per sequence, as the page lists them under their OTU (`CSV_HEADER`)."""
    return [
        [
            otu["name"],
            isolate["name"],
            sequence["accession"],
            sequence["definition"],
            sequence["length"],
            sequence["weight"],
            sequence["best"],
            sequence["reads"],
            sequence["coverage"],
            sequence["depth"],
        ]
        for otu in report
        for isolate in otu["isolates"]
        for sequence in isolate["sequences"]
    ]


def otu_rows(report: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per OTU, as the page's table shows them (`OTU_HEADER`)."""
    return [
        [
            otu["name"],
            otu["abbreviation"],
            otu["weight"],
            otu["best"],
            otu["reads"],
            otu["coverage"],
            otu["depth"],
        ]
        for otu in report
    ]
