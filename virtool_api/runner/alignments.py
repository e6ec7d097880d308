"""Reading Bowtie2's SAM output with pysam, one read at a time.

Bowtie2 writes all the alignments of a read together (`-k`), and, with `--reorder`, its reads in the order it
read them: so reads are followed through several mappings by walking the files side by side, never by
holding read names in memory. Alignments are plain tuples (a read's worth of objects per read is what the
passes over a million reads cost).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import dnaio
import pysam

Alignment = tuple[int, int, int, int]
"""`(reference number in the SAM header, start, end, score)`: 0-based, end exclusive (the span of the aligned
part of the read on the reference); the score is Bowtie2's `AS:i` plus the read's length (PathoScope's score,
never negative)."""


class AlignedRead(NamedTuple):
    name: str
    alignments: list[Alignment]
    sequence: str | None
    """With `sequences=True` only: as the read was aligned (reverse-complemented on the reverse strand)."""
    qualities: str | None

    @property
    def best(self) -> int:
        return max(alignment[3] for alignment in self.alignments)


def aligned_reads(sam: Path, sequences: bool = False) -> Iterator[AlignedRead]:
    """Each aligned read of a SAM file with its alignments, in the file's order (unaligned ones skipped)."""
    with pysam.AlignmentFile(str(sam), "r", check_sq=False) as handle:
        name: str | None = None
        alignments: list[Alignment] = []
        sequence = qualities = None
        for segment in handle.fetch(until_eof=True):
            if segment.is_unmapped:
                continue
            if segment.query_name != name:
                if name is not None:
                    yield AlignedRead(name, alignments, sequence, qualities)
                name, alignments = segment.query_name, []
                if sequences:
                    sequence = segment.query_sequence
                    scores = segment.query_qualities
                    qualities = pysam.qualities_to_qualitystring(scores) if scores is not None else None
            start = segment.reference_start
            length = segment.infer_read_length() or segment.query_length
            alignments.append(
                (
                    segment.reference_id,
                    start,
                    segment.reference_end or start,
                    int(segment.get_tag("AS")) + length,
                )  # type: ignore[arg-type]
            )
        if name is not None:
            yield AlignedRead(name, alignments, sequence, qualities)


def reference_names(sam: Path) -> list[str]:
    """The references of a SAM file's header, by their number."""
    with pysam.AlignmentFile(str(sam), "r", check_sq=False) as handle:
        return list(handle.references)


def references_hit(sam: Path) -> set[str]:
    """The references any read aligned to."""
    with pysam.AlignmentFile(str(sam), "r", check_sq=False) as handle:
        names = handle.references
        return {
            names[segment.reference_id] for segment in handle.fetch(until_eof=True) if not segment.is_unmapped
        }


def best_scores(sam: Path) -> Iterator[int | None]:
    """For a SAM of one line per read (no `-k`, unaligned reads kept, `--reorder`): each read's score, or
    None where it did not align."""
    with pysam.AlignmentFile(str(sam), "r", check_sq=False) as handle:
        for segment in handle.fetch(until_eof=True):
            if segment.is_secondary or segment.is_supplementary:
                continue
            if segment.is_unmapped:
                yield None
            else:
                yield int(segment.get_tag("AS")) + (segment.infer_read_length() or segment.query_length)  # type: ignore[arg-type]


class FastqWriter:
    """Reads written once each, as they were aligned (for mapping them again)."""

    def __init__(self, target: Path) -> None:
        self.writer = dnaio.open(target, mode="w", fileformat="fastq")

    def write(self, read: AlignedRead) -> None:
        sequence = read.sequence or ""
        self.writer.write(dnaio.SequenceRecord(read.name, sequence, read.qualities or "I" * len(sequence)))

    def close(self) -> None:
        self.writer.close()
