"""Reading Bowtie2's SAM output with pysam, one read at a time.

Bowtie2 writes all the alignments of a read together (`-k`), and, with `--reorder`, its reads in the order it
read them: so reads are followed through several mappings by walking the files side by side, never by
holding read names in memory.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dnaio
import pysam


@dataclass(frozen=True)
class Alignment:
    reference: str
    start: int
    """0-based, on the reference."""
    end: int
    """Exclusive: the reference span of the aligned part of the read."""
    score: int
    """Bowtie2's alignment score (`AS:i`) plus the read's length: PathoScope's score, never negative."""


@dataclass(frozen=True)
class Read:
    name: str
    sequence: str
    qualities: str
    alignments: list[Alignment]

    @property
    def best(self) -> int:
        return max(alignment.score for alignment in self.alignments)


def _alignment(segment: pysam.AlignedSegment) -> Alignment:
    length = segment.infer_read_length() or segment.query_length
    return Alignment(
        reference=segment.reference_name or "*",
        start=segment.reference_start,
        end=segment.reference_end or segment.reference_start,
        score=int(segment.get_tag("AS")) + length,  # type: ignore[arg-type]
    )


def reads(sam: Path) -> Iterator[Read]:
    """Each aligned read of a SAM file with its alignments, in the file's order (unaligned ones skipped)."""
    with pysam.AlignmentFile(str(sam), "r", check_sq=False) as handle:
        current: Read | None = None
        for segment in handle.fetch(until_eof=True):
            if segment.is_unmapped:
                continue
            if current is None or segment.query_name != current.name:
                if current is not None:
                    yield current
                qualities = segment.query_qualities
                current = Read(
                    name=segment.query_name or "",
                    sequence=segment.query_sequence or "",
                    qualities=pysam.qualities_to_qualitystring(qualities) or ""
                    if qualities is not None
                    else "",
                    alignments=[],
                )
            current.alignments.append(_alignment(segment))
        if current is not None:
            yield current


def best_scores(sam: Path) -> Iterator[int | None]:
    """For a SAM of one line per read (no `-k`, unaligned reads kept, `--reorder`): each read's score, or
    None where it did not align."""
    with pysam.AlignmentFile(str(sam), "r", check_sq=False) as handle:
        for segment in handle.fetch(until_eof=True):
            if segment.is_secondary or segment.is_supplementary:
                continue
            yield None if segment.is_unmapped else _alignment(segment).score


def reference_names(sam: Path) -> set[str]:
    """The references any read aligned to."""
    with pysam.AlignmentFile(str(sam), "r", check_sq=False) as handle:
        return {
            segment.reference_name or ""
            for segment in handle.fetch(until_eof=True)
            if not segment.is_unmapped
        }


def write_fastq(reads: Iterator[Read], target: Path) -> int:
    """Write each read once, as it was aligned; how many."""
    count = 0
    with dnaio.open(target, mode="w", fileformat="fastq") as writer:
        for read in reads:
            writer.write(
                dnaio.SequenceRecord(read.name, read.sequence, read.qualities or "I" * len(read.sequence))
            )
            count += 1
    return count
