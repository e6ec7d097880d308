"""`pathoscope_bowtie`: which viruses of the reference are in the sample's reads, and how much of each.

Virtool's method: map the reads to the index (the default isolate of every OTU) to find the OTUs hit; map
them again to every isolate of those OTUs; drop the reads that align at least as well to a subtraction (the
host); then reassign the reads that map to several sequences with Pathoscope's EM (`runner/pathoscope.py`).
The result has, per sequence with any weight, its OTU, initial and final scores, and its coverage track from
the reassigned alignments; `report.tsv` is Pathoscope's report.
"""

import asyncio
import csv
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from virtool_api.analyses.results import PathoscopeResults
from virtool_api.jobs.models import Workflow
from virtool_api.runner.alignments import (
    FastqWriter,
    aligned_reads,
    best_scores,
    reference_names,
    references_hit,
)
from virtool_api.runner.files import write_fasta
from virtool_api.runner.pathoscope import LOW, Profiles, Reassignment, reassign
from virtool_api.runner.steps import step
from virtool_api.runner.workflows.analysis import AnalysisJob

BOWTIE2_LOCAL = ("--local", "--score-min", "L,20,1.0", "-N", "0", "-L", "15")
"""Virtool's Bowtie2 settings for Pathoscope: local alignment, seeds of 15 with no mismatch."""
ISOLATE_HITS = "100"
"""Alignments kept per read when mapping to every isolate (`-k`)."""


class Pathoscope(AnalysisJob):
    workflow = Workflow.PATHOSCOPE

    def _bowtie2(self, index: Path, *options: str) -> tuple[str, ...]:
        return ("bowtie2", "-p", str(self.proc), *BOWTIE2_LOCAL, *options, "-x", str(index))

    @step("Map to the default isolates")
    async def map_default_isolates(self) -> None:
        """Map the reads to each OTU's default isolate to find the OTUs the sample may hold."""
        sam = self.work / "default.sam"
        reads = ",".join(map(str, self.reads))
        await self.tool(*self._bowtie2(self.index_prefix, "--no-unal"), "-U", reads, "-S", str(sam))
        hit = references_hit(sam)
        sam.unlink()
        self.sequence_otu: dict[str, dict[str, Any]] = {}
        self.candidates: dict[str, str] = {}
        manifest = self.index["manifest"]
        for otu in self.otus():
            sequences = [s for isolate in otu["isolates"] for s in isolate["sequences"]]
            for sequence in sequences:
                self.sequence_otu[sequence["_id"]] = {
                    "id": otu["_id"],
                    "version": manifest.get(otu["_id"], 0),
                }
            if any(sequence["_id"] in hit for sequence in sequences):
                self.candidates.update((sequence["_id"], sequence["sequence"]) for sequence in sequences)

    @step("Map to every isolate")
    async def map_isolates(self) -> None:
        """Map the reads to every isolate of the OTUs hit, keeping up to 100 alignments a read."""
        self.isolates_sam = self.work / "isolates.sam"
        self.profiles = Profiles()
        self.profile_of: array[int] = array("I")
        """Each aligned read's profile number, in the SAM's order."""
        self.best: array[int] = array("I")
        """Each aligned read's best score, in the SAM's order."""
        self.names: list[str] = []
        if not self.candidates:
            return
        write_fasta(iter(self.candidates.items()), self.work / "isolates.fa")
        await self.tool("bowtie2-build", "--threads", str(self.proc), "isolates.fa", "isolates")
        reads = ",".join(map(str, self.reads))
        options = ("--no-unal", "-k", ISOLATE_HITS)
        await self.tool(
            *self._bowtie2(self.work / "isolates", *options), "-U", reads, "-S", str(self.isolates_sam)
        )
        self.names = reference_names(self.isolates_sam)
        await asyncio.to_thread(self._profile_reads)

    def _profile_reads(self) -> None:
        """One pass over the alignments: each read's profile and best score, and the reads written for
        mapping to the subtractions."""
        writer = FastqWriter(self.work / "mapped.fq") if self.subtractions else None
        try:
            for read in aligned_reads(self.isolates_sam, sequences=writer is not None):
                self.profile_of.append(self.profiles.number((a[0], a[3]) for a in read.alignments))
                self.best.append(read.best)
                if writer is not None:
                    writer.write(read)
        finally:
            if writer is not None:
                writer.close()

    @step("Subtract the host")
    async def subtract(self) -> None:
        """Drop the reads that align at least as well to a subtraction as to the isolates."""
        self.subtracted = bytearray(len(self.profile_of))
        if not self.profile_of or not self.subtractions:
            return
        for number, prefix in enumerate(self.subtractions):
            sam = self.work / f"subtraction_{number}.sam"
            await self.tool(*self._bowtie2(prefix, "--reorder"), "-U", "mapped.fq", "-S", str(sam))
            for position, (best, score) in enumerate(zip(self.best, best_scores(sam), strict=True)):
                if score is not None and score >= best:
                    self.subtracted[position] = 1
            sam.unlink()

    @step("Reassign reads")
    async def reassign(self) -> None:
        """Reassign the reads that map to several sequences with Pathoscope's EM."""
        for number, subtracted in zip(self.profile_of, self.subtracted, strict=True):
            if not subtracted:
                self.profiles.counts[number] += 1
        self.result: Reassignment = await asyncio.to_thread(reassign, self.profiles, len(self.names))

    @step("Write the results")
    async def write_results(self) -> None:
        """Compute each sequence's coverage from the reassigned alignments, write the report and finalize."""
        depths = await asyncio.to_thread(self._coverage)
        hits = []
        final, initial = self.result.final, self.result.initial
        for number, name in enumerate(self.names):
            if final.pi[number] < LOW and final.high[number] <= 0 and final.low[number] <= 0:
                continue
            depth = depths[number]
            hits.append(
                {
                    "id": name,
                    "otu": self.sequence_otu[name],
                    "align": depth.tolist(),
                    "coverage": round(float(np.count_nonzero(depth)) / max(len(depth), 1), 4),
                    "depth": round(float(depth.mean()) if len(depth) else 0.0, 2),
                    "final": _scores(final, number),
                    "initial": _scores(initial, number),
                }
            )
        hits.sort(key=lambda hit: -hit["final"]["pi"])
        results = {
            "read_count": self.result.read_count,
            "subtracted_count": int(sum(self.subtracted)),
            "hits": hits,
        }
        PathoscopeResults.model_validate(results)
        report = self.work / "report.tsv"
        _write_report(report, self.names, self.result)
        await self.upload_result_file(report, "tsv")
        await self.finalize(results)

    def _coverage(self) -> list[np.ndarray]:
        """Read depth at each position of each sequence, from the alignments whose reads' posterior for
        their sequence is at least `LOW` (PathoScope's reassigned alignments)."""
        changes = [np.zeros(len(self.candidates[name]) + 1, dtype=np.int64) for name in self.names]
        if not self.profile_of:
            return [change[:-1] for change in changes]
        reads = aligned_reads(self.isolates_sam)
        for read, number, subtracted in zip(reads, self.profile_of, self.subtracted, strict=True):
            if subtracted:
                continue
            posteriors = self.result.posteriors[number]
            for reference, start, end, _ in read.alignments:
                if posteriors[reference] >= LOW:
                    changes[reference][start] += 1
                    changes[reference][end] -= 1
        return [np.cumsum(change[:-1]) for change in changes]


def _scores(scores: Any, number: int) -> dict[str, Any]:
    return {
        "pi": float(scores.pi[number]),
        "best": float(scores.best[number]),
        "high": float(scores.high[number]),
        "low": float(scores.low[number]),
        "reads": round(float(scores.reads[number])),
    }


def _write_report(path: Path, names: list[str], result: Reassignment) -> None:
    """PathoScope's TSV report: one row per sequence with any weight, by final pi."""
    final, initial = result.final, result.initial
    rows = sorted(range(len(names)), key=lambda number: -final.pi[number])
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(
            [
                "Total Number of Aligned Reads:",
                result.read_count,
                "Total Number of Mapped Genomes:",
                len(names),
            ]
        )
        writer.writerow(
            [
                "Genome",
                "Final Guess",
                "Final Best Hit",
                "Final Best Hit Read Numbers",
                "Final High Confidence Hits",
                "Final Low Confidence Hits",
                "Initial Guess",
                "Initial Best Hit",
                "Initial Best Hit Read Numbers",
                "Initial High Confidence Hits",
                "Initial Low Confidence Hits",
            ]
        )
        for number in rows:
            if final.pi[number] < LOW and final.high[number] <= 0 and final.low[number] <= 0:
                continue
            writer.writerow(
                [
                    names[number],
                    final.pi[number],
                    final.best[number],
                    round(final.reads[number]),
                    final.high[number],
                    final.low[number],
                    initial.pi[number],
                    initial.best[number],
                    round(initial.reads[number]),
                    initial.high[number],
                    initial.low[number],
                ]
            )
