"""Open reading frames of assembled contigs, and the HMM profiles their translations match.

**ORFs**, as Virtool's NuVs finds them: each contig is translated in its three frames on both strands
(pyhmmer's genetic code, the standard one), and every stretch between stop codons of at least `MIN_ORF`
amino acids is an ORF, whether or not it starts with a methionine (a contig is a fragment of a genome: its
ORFs may start before it). Positions are `[start, end)` on the contig's forward strand, the stop codon
excluded; unlike Virtool's finder, a reverse-strand ORF never gets a position outside the contig.

**HMM hits**: each ORF's translation is searched against the installed profiles with HMMER3 (pyhmmer),
reporting what `hmmscan` reports by default (E-value ≤ 10 over the number of profiles), as Virtool does,
though the profiles are streamed (`hmmsearch`) rather than loaded whole; each hit names the HMM
annotation of its cluster (profile `vFam_<cluster>`), with the full-sequence and best-domain E-value, score
and bias.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyhmmer import easel, hmmer, plan7

MIN_ORF = 100
"""Amino acids."""
DNA = easel.Alphabet.dna()
AMINO = easel.Alphabet.amino()


@dataclass(frozen=True)
class Orf:
    index: int
    frame: int
    strand: int
    start: int
    end: int
    protein: str


def _frames(sequence: str) -> Iterator[tuple[int, int, str]]:
    """`(strand, frame, translation)` of the six frames."""
    forward = easel.TextSequence(sequence=sequence).digitize(DNA)
    reverse = forward.copy()
    reverse.reverse_complement(inplace=True)
    for strand, digital in ((1, forward), (-1, reverse)):
        for frame in range(3):
            length = (len(sequence) - frame) // 3 * 3
            if length < 3:
                continue
            codons = easel.DigitalSequence(DNA, sequence=digital.sequence[frame : frame + length])
            yield strand, frame, codons.translate().textize().sequence


def find_orfs(sequence: str, min_length: int = MIN_ORF) -> list[Orf]:
    """The contig's ORFs of at least `min_length` amino acids, numbered in the order found."""
    found: list[Orf] = []
    length = len(sequence)
    for strand, frame, protein in _frames(sequence.upper()):
        offset = 0
        for stretch in protein.split("*"):
            if len(stretch) >= min_length:
                start = frame + 3 * offset
                end = start + 3 * len(stretch)
                if strand == -1:
                    start, end = length - end, length - start
                found.append(Orf(len(found), frame, strand, start, end, stretch))
            offset += len(stretch) + 1
    return found


def count_profiles(path: Path) -> int:
    """How many profiles an HMMER3 file holds (each begins with its format line); a clear error when it is
    not one."""
    count = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.startswith(b"HMMER3"):
                count += 1
    if count == 0:
        raise ValueError("The installed HMM profiles are not an HMMER3 file: no profile in it")
    return count


def cluster_of(name: str) -> int | None:
    """`vFam_1234` -> 1234."""
    _, _, number = name.rpartition("_")
    return int(number) if number.isdigit() else None


def _text(value: bytes | str | None) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def scan(
    proteins: list[tuple[str, str]], profiles: Path, annotations: dict[int, str], cpus: int
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """For each `(name, protein)` a profile matches: `(name, hit, tblout row)` per hit.

    The profiles are streamed from their file against the proteins held in memory (`hmmsearch`), with
    E-values computed over the number of profiles, as `hmmscan` computes them: a vFam database of thousands
    of profiles is never loaded whole.
    """
    if not proteins:
        return
    count = count_profiles(profiles)
    targets = easel.DigitalSequenceBlock(
        AMINO,
        [
            easel.TextSequence(name=name.encode(), sequence=protein).digitize(AMINO)
            for name, protein in proteins
        ],
    )
    try:
        with plan7.HMMFile(profiles) as handle:
            for top_hits in hmmer.hmmsearch(handle, targets, cpus=cpus, Z=count):  # type: ignore[arg-type]
                profile = _text(top_hits.query.name)
                cluster = cluster_of(profile)
                for hit in top_hits.reported:
                    best = hit.best_domain
                    record = {
                        "hit": annotations.get(cluster, profile) if cluster is not None else profile,
                        "full_e": float(hit.evalue),
                        "full_score": float(hit.score),
                        "full_bias": float(hit.bias),
                        "best_e": float(best.i_evalue),
                        "best_score": float(best.score),
                        "best_bias": float(best.bias),
                    }
                    query = _text(hit.name)
                    values = (f"{record[key]:.3g}" for key in list(record)[1:])
                    yield query, record, "\t".join([profile, "-", query, "-", *values])
    except (ValueError, EOFError) as error:
        raise ValueError(f"The installed HMM profiles are not an HMMER3 file: {error}") from error
