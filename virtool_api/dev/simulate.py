"""Simulated Illumina-like reads whose truth is known, for the demo data and the tests: each read's header
names its source and position.

Reads start uniformly at random on their source, come from either strand, and carry substitutions (and,
optionally, short insertions and deletions) at the given rates; qualities are uniform Phred 30-40.
Deterministic for a seed. numpy makes a million reads in a few seconds.
"""

import gzip
import io
from collections.abc import Sequence

import numpy as np

BASES = np.frombuffer(b"ACGT", dtype=np.uint8)


def random_genome(length: int, gc: float, seed: int) -> str:
    rng = np.random.default_rng(seed)
    p = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]
    return BASES[rng.choice(4, size=length, p=p)].tobytes().decode()


def reads(
    sources: Sequence[tuple[str, str, int]],
    length: int = 100,
    substitution_rate: float = 0.005,
    indel_rate: float = 0.0,
    seed: int = 1,
) -> bytes:
    """gzip FASTQ of `count` reads from each `(name, sequence, count)`, shuffled together. `indel_rate`: the
    chance per base of a one-base insertion or deletion (at most one a read)."""
    rng = np.random.default_rng(seed)
    complement = np.zeros(256, dtype=np.uint8)
    complement[list(b"ACGTN")] = list(b"TGCAN")
    records: list[bytes] = []
    for name, sequence, count in sources:
        genome = np.frombuffer(sequence.upper().encode(), dtype=np.uint8)
        span = length + 1
        starts = rng.integers(0, len(genome) - span, size=count)
        reverse = rng.random(count) < 0.5
        windows = genome[starts[:, None] + np.arange(span)]
        substituted = rng.random((count, span)) < substitution_rate
        codes = np.searchsorted(BASES, windows).clip(0, 3)
        windows = np.where(substituted, BASES[(codes + rng.integers(1, 4, size=(count, span))) % 4], windows)
        indels = np.flatnonzero(rng.random(count) < indel_rate * length)
        at = rng.integers(10, length - 10, size=count)
        sequences = windows[:, :length].copy()
        for read in indels:  # a deletion shifts in the next base; an insertion puts in an A
            cut = at[read]
            if rng.random() < 0.5:
                sequences[read, cut:] = windows[read, cut + 1 : span]
            else:
                sequences[read, cut + 1 :] = windows[read, cut : length - 1]
                sequences[read, cut] = ord("A")
        sequences[reverse] = complement[sequences[reverse]][:, ::-1]
        qualities = (rng.integers(30, 41, size=(count, length)) + 33).astype(np.uint8)
        strand = np.where(reverse, "-", "+")
        for number in range(count):
            header = f"@{name}_{number} src={name} pos={starts[number] + 1} strand={strand[number]}\n"
            records.append(
                header.encode() + sequences[number].tobytes() + b"\n+\n" + qualities[number].tobytes() + b"\n"
            )
    order = rng.permutation(len(records))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=3) as handle:
        handle.write(b"".join(records[position] for position in order))
    return buffer.getvalue()


def pairs(
    sources: Sequence[tuple[str, str, int]],
    length: int = 100,
    fragment: int = 300,
    substitution_rate: float = 0.005,
    seed: int = 1,
) -> tuple[bytes, bytes]:
    """gzip FASTQ of the first and the second mates of `count` fragments of `fragment` bases from each
    `(name, sequence, count)`, in the same order in both files. Illumina's FR orientation: the first mate
    reads the fragment forward, the second its reverse complement from the other end; either strand."""
    rng = np.random.default_rng(seed)
    complement = np.zeros(256, dtype=np.uint8)
    complement[list(b"ACGTN")] = list(b"TGCAN")
    records: tuple[list[bytes], list[bytes]] = ([], [])
    for name, sequence, count in sources:
        genome = np.frombuffer(sequence.upper().encode(), dtype=np.uint8)
        starts = rng.integers(0, len(genome) - fragment, size=count)
        fragments = genome[starts[:, None] + np.arange(fragment)]
        substituted = rng.random(fragments.shape) < substitution_rate
        codes = np.searchsorted(BASES, fragments).clip(0, 3)
        shifted = BASES[(codes + rng.integers(1, 4, size=fragments.shape)) % 4]
        fragments = np.where(substituted, shifted, fragments)
        reverse = rng.random(count) < 0.5
        fragments[reverse] = complement[fragments[reverse]][:, ::-1]
        mates = (fragments[:, :length], complement[fragments[:, -length:]][:, ::-1])
        for number in range(count):
            for mate, (out, bases) in enumerate(zip(records, mates, strict=True), start=1):
                quality = (rng.integers(30, 41, size=length) + 33).astype(np.uint8).tobytes()
                header = f"@{name}_{number}/{mate} src={name} pos={starts[number] + 1}\n".encode()
                out.append(header + bases[number].tobytes() + b"\n+\n" + quality + b"\n")
    order = rng.permutation(len(records[0]))
    files = []
    for out in records:
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=3) as handle:
            handle.write(b"".join(out[position] for position in order))
        files.append(buffer.getvalue())
    return files[0], files[1]
