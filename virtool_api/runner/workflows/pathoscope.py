"""`pathoscope_bowtie`: which viruses of the reference are in the sample's reads, and how much of each.

Virtool's method: map the reads to the index (the default isolate of every OTU) to find the OTUs hit; map
them again to every isolate of those OTUs; drop the reads that align at least as well to a subtraction (the
host); then reassign the reads that map to several sequences with Pathoscope's EM (`runner/pathoscope.py`).
The result has, per sequence with any weight, its OTU, initial and final scores, and its coverage track from
the reassigned alignments; `report.tsv` is Pathoscope's report.
"""

import csv
from pathlib import Path
from typing import Any

import numpy as np

from virtool_api.analyses.results import PathoscopeResults
from virtool_api.jobs.models import Workflow
from virtool_api.runner.alignments import best_scores, reads, reference_names, write_fastq
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
        await self.tool(
            *self._bowtie2(self.index_prefix, "--no-unal"),
            "-U",
            ",".join(map(str, self.reads)),
            "-S",
            str(sam),
        )
        hit = reference_names(sam)
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
        self.mapped = 0
        if not self.candidates:
            return
        write_fasta(iter(self.candidates.items()), self.work / "isolates.fa")
        await self.tool("bowtie2-build", "--threads", str(self.proc), "isolates.fa", "isolates")
        await self.tool(
            *self._bowtie2(self.work / "isolates", "--no-unal", "-k", ISOLATE_HITS),
            "-U",
            ",".join(map(str, self.reads)),
            "-S",
            str(self.isolates_sam),
        )
        self.mapped = write_fastq(reads(self.isolates_sam), self.work / "mapped.fq")

    @step("Subtract the host")
    async def subtract(self) -> None:
        """Drop the reads that align at least as well to a subtraction as to the isolates."""
        self.subtracted = bytearray(self.mapped)
        if not self.mapped or not self.subtractions:
            return
        for number, prefix in enumerate(self.subtractions):
            sam = self.work / f"subtraction_{number}.sam"
            await self.tool(*self._bowtie2(prefix, "--reorder"), "-U", "mapped.fq", "-S", str(sam))
            for position, (read, score) in enumerate(
                zip(reads(self.isolates_sam), best_scores(sam), strict=True)
            ):
                if score is not None and score >= read.best:
                    self.subtracted[position] = 1
            sam.unlink()

    @step("Reassign reads")
    async def reassign(self) -> None:
        """Reassign the reads that map to several sequences with Pathoscope's EM."""
        self.names = list(self.candidates)
        self.number = {name: number for number, name in enumerate(self.names)}
        self.profiles = Profiles()
        for read in self._kept_reads():
            self.profiles.add((self.number[a.reference], a.score) for a in read.alignments)
        self.result: Reassignment = reassign(self.profiles, len(self.names))

    def _kept_reads(self) -> "Any":
        if not self.mapped:
            return iter(())
        return (
            read
            for read, dropped in zip(reads(self.isolates_sam), self.subtracted, strict=True)
            if not dropped
        )

    @step("Write the results")
    async def write_results(self) -> None:
        """Compute each sequence's coverage from the reassigned alignments, write the report and finalize."""
        depths = self._coverage()
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
        for read in self._kept_reads():
            posteriors = self.result.posteriors[
                self.profiles.key((self.number[a.reference], a.score) for a in read.alignments)
            ]
            for alignment in read.alignments:
                reference = self.number[alignment.reference]
                if posteriors[reference] >= LOW:
                    changes[reference][alignment.start] += 1
                    changes[reference][alignment.end] -= 1
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
