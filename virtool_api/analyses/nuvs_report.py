"""A NuVs result as people read it: each contig with its ORFs on both strands and their HMM hits, sorted and
filtered, and the rows and FASTA the exports are made of (the page and the exports read this one table).

An ORF's `pos` is `[start, end)`, 0-based, as the workflow sends it. Some run off the contig (a negative start
such as `[-2, 469]`, or an end past its length, where the workflow's frame arithmetic overshoots): such an ORF
is shown clipped to the contig, 1-based and inclusive (`start`, `end`), and `clipped` says which ends were cut
(`["start"]`, `["end"]`, both, or none), so nothing is drawn or exported outside the contig.
"""

import math
from typing import Any, Literal

from pydantic import BaseModel, Field

NuvsSort = Literal["index", "length", "e", "orfs"]
_COMPLEMENT = str.maketrans("ACGTURYSWKMBDHVNacgturyswkmbdhvn", "TGCAAYRSWMKVHDBNtgcaayrswmkvhdbn")


class NuvsReportQuery(BaseModel):
    sort: NuvsSort = Field("index", description="`e`: the contig's best HMM E-value, smallest first.")
    order: Literal["asc", "desc"] | None = Field(
        None, description="`asc` for `index` and `e`, `desc` for `length` and `orfs` by default."
    )
    min_length: int | None = Field(None, description="Contigs of at least this many bases.")
    max_e: float | None = Field(None, description="Contigs whose best HMM E-value is at most this.")
    with_hits: bool = Field(False, description="Only contigs with an HMM hit.")


def e_text(value: float | None) -> str:
    """An E-value as the page and the exports show it: `3.4e-21`, `1.0e-5` (no padded exponent)."""
    if value is None:
        return ""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _integer(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _orf(orf: dict[str, Any], position: int, length: int, names: dict[str, list[str]]) -> dict[str, Any]:
    pos = _list(orf.get("pos"))
    start = _integer(pos[0]) if len(pos) > 0 else 0
    end = _integer(pos[1], length) if len(pos) > 1 else length
    clipped = (["start"] if start < 0 else []) + (["end"] if end > length else [])
    first, last = max(0, min(start, length)), max(0, min(end, length))
    hits: list[dict[str, Any]] = []
    for hit in _list(orf.get("hits")):
        if not isinstance(hit, dict):
            continue
        e = _number(hit.get("full_e"))
        key = str(hit.get("hit", ""))
        hits.append({"hit": key, "names": names.get(key, [])[:3], "e": e, "e_text": e_text(e)})
    hits.sort(key=lambda hit: math.inf if hit["e"] is None else hit["e"])
    best: float | None = min((hit["e"] for hit in hits if hit["e"] is not None), default=None)
    pro = _text(orf.get("pro"))
    return {
        "index": _integer(orf.get("index"), position),
        "strand": -1 if orf.get("strand") == -1 else 1,
        "frame": _integer(orf.get("frame")),
        "pos": [start, end],
        "start": first + 1,
        "end": last,
        "clipped": clipped,
        "length": len(pro),
        "pro": pro,
        "hits": hits,
        "best_e": best,
        "best_e_text": e_text(best),
    }


def build_nuvs_report(results: dict[str, Any], names: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Every contig with its ORFs (by position), their HMM hits (best first, named by `names`, the installed
    HMM annotations) and its best E-value; `blast` as the result holds it."""
    contigs = []
    for hit in results.get("hits") or []:
        if not isinstance(hit, dict):
            continue
        sequence = _text(hit.get("sequence"))
        raw_orfs = _list(hit.get("orfs"))
        orfs = [
            _orf(orf, position, len(sequence), names)
            for position, orf in enumerate(raw_orfs)
            if isinstance(orf, dict)
        ]
        orfs.sort(key=lambda orf: (orf["start"], orf["index"]))
        best: float | None = min((orf["best_e"] for orf in orfs if orf["best_e"] is not None), default=None)
        contigs.append(
            {
                "index": _integer(hit.get("index")),
                "length": len(sequence),
                "sequence": sequence,
                "orfs": orfs,
                "best_e": best,
                "best_e_text": e_text(best),
                "blast": hit.get("blast"),
            }
        )
    return contigs


def sort_and_filter(contigs: list[dict[str, Any]], query: NuvsReportQuery) -> list[dict[str, Any]]:
    kept = [
        contig
        for contig in contigs
        if (query.min_length is None or contig["length"] >= query.min_length)
        and (query.max_e is None or (contig["best_e"] is not None and contig["best_e"] <= query.max_e))
        and (
            not query.with_hits or contig["best_e"] is not None or any(orf["hits"] for orf in contig["orfs"])
        )
    ]
    order = query.order or ("asc" if query.sort in ("index", "e") else "desc")
    keys = {
        "index": lambda contig: contig["index"],
        "length": lambda contig: contig["length"],
        "orfs": lambda contig: len(contig["orfs"]),
    }
    kept.sort(key=lambda contig: contig["index"])
    if query.sort == "e":
        # Contigs without a hit come last whatever the order.
        with_e = sorted((c for c in kept if c["best_e"] is not None), key=lambda c: c["best_e"])
        return (with_e if order == "asc" else with_e[::-1]) + [c for c in kept if c["best_e"] is None]
    kept.sort(key=keys[query.sort], reverse=order == "desc")
    return kept


CONTIG_HEADER = ["Contig", "Length", "ORFs", "Best E-value"]
ORF_HEADER = ["Contig", "Contig length", "ORF", "Strand", "Frame", "Start", "End", "Clipped", "Length (aa)"]
ORF_HEADER += ["HMM hits", "Best E-value"]


def contig_rows(contigs: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [contig["index"], contig["length"], len(contig["orfs"]), contig["best_e_text"]] for contig in contigs
    ]


def _hit_names(orf: dict[str, Any]) -> str:
    return "; ".join(", ".join(hit["names"]) or f"HMM {hit['hit']}" for hit in orf["hits"])


def orf_rows(contigs: list[dict[str, Any]]) -> list[list[Any]]:
    """One row per ORF, as the page lists them under their contig (`ORF_HEADER`)."""
    return [
        [
            contig["index"],
            contig["length"],
            orf["index"],
            "+" if orf["strand"] == 1 else "-",
            orf["frame"],
            orf["start"],
            orf["end"],
            " and ".join(orf["clipped"]),
            orf["length"],
            _hit_names(orf),
            orf["best_e_text"],
        ]
        for contig in contigs
        for orf in contig["orfs"]
    ]


def _wrapped(text: str, width: int = 70) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width)) or ""


FastaKind = Literal["contigs", "orfs", "proteins"]


def fasta(contigs: list[dict[str, Any]], kind: FastaKind) -> str:
    """The contigs, their ORFs' nucleotides (clipped to the contig, reverse-complemented on the minus
    strand) or their ORFs' translations, as FASTA."""
    records = []
    for contig in contigs:
        if kind == "contigs":
            records.append((f"contig_{contig['index']} length={contig['length']}", contig["sequence"]))
            continue
        for orf in contig["orfs"]:
            name = f"contig_{contig['index']}_orf_{orf['index']}"
            where = f"{orf['start']}-{orf['end']}({'+' if orf['strand'] == 1 else '-'})"
            if kind == "proteins":
                records.append((f"{name} {where} length={orf['length']}aa", orf["pro"]))
            else:
                bases = contig["sequence"][orf["start"] - 1 : orf["end"]]
                if orf["strand"] == -1:
                    bases = bases.translate(_COMPLEMENT)[::-1]
                clipped = f" clipped={','.join(orf['clipped'])}" if orf["clipped"] else ""
                records.append((f"{name} {where} length={len(bases)}{clipped}", bases))
    return "".join(f">{header}\n{_wrapped(sequence)}\n" for header, sequence in records)
