"""Read quality of one or two FASTQ files: FastQC 0.11.9's numbers, in the shape of a sample's `quality`.

Virtool's create-sample workflow runs FastQC and parses its `fastqc_data.txt`; this module computes the same
numbers itself, streaming each file once in batches (dnaio reads the records, numpy counts them), so memory
depends on the longest read, never on the number of reads. The rules, found by running FastQC 0.11.9 on
crafted inputs (`tests/runner/test_runner_quality.py` runs it again and compares on every change):

- Encoding: from the lowest quality character in the file: below `@` (64) is "Sanger / Illumina 1.9"
  (offset 33), `A` (65) is "Illumina 1.3", anything else "Illumina 1.5" (both offset 64). Characters below
  `!` (33) have no encoding and FastQC fails on them; so do we, and on those above `~` (126), which no
  encoding uses.
- Bases are upper-cased; only G, A, T and C count towards composition and GC (N and IUPAC codes do not).
  `%GC` is `100 * (G + C) // (G + A + T + C)`: an integer, truncated.
- Positions are grouped when the longest read is over 75 bp: 1-9 alone, then groups of 2, 5, 10, 20, 50,
  100... bases (the smallest size giving fewer than 75 groups); a group's row stands for each position in it.
- Per position: the mean quality, and the 50th, 25th, 75th, 10th and 90th percentiles, each the lowest
  quality at which the running count reaches `count * p // 100`. A group's mean is the mean of its positions'
  means, its percentiles the means of those of its positions holding more than 100 qualities; a group without
  such a position has no percentiles (FastQC prints NaN) and Virtool repeats the mean in their place.
- Composition of a group: its G, A, T and C counts over their sum, times 100; a group with none of them (all
  N) is `[0, 0, 0, 0]`, as Virtool parses FastQC's NaN.
- A read's mean quality is the sum of its quality characters integer-divided by its length, less the offset;
  `sequences[q]` counts the reads of mean quality `q` (reads of length 0 have none).

Values keep FastQC's full precision: Virtool truncates them to integers while parsing, but the fractions cost
nothing, draw the same charts and can be checked against FastQC's. A pair is combined as Virtool combines two
FastQC reports: counts and `sequences` add up; `gc` and each position's values are the mean of the two
files'; the encoding is the first file's. A position only one file reaches keeps that file's values (where
Virtool's parse fails if it is the second file). Blank lines between or after records, which FastQC skips, are
refused like any other malformed FASTQ (dnaio reads exactly four lines a record).
"""

from collections.abc import Callable, Iterator, Sequence
from io import RawIOBase
from pathlib import Path
from typing import IO, Any, BinaryIO, cast

import dnaio
import numpy as np
import xopen
from dnaio.exceptions import FileFormatError

LOWEST_CHAR = 33
HIGHEST_CHAR = 126
CHARS = HIGHEST_CHAR - LOWEST_CHAR + 1

BATCH_BASES = 2_000_000
"""Reads are counted in batches of about this many bases: enough for numpy to pay off, little memory."""

PERCENTILE_MIN_COUNT = 100
"""FastQC reports the percentiles of a position only when it holds more qualities than this."""

PERCENTILES = (50, 25, 75, 10, 90)
"""The percentiles of a `bases` row after its mean: median, lower and upper quartile, 10th and 90th."""

SEQUENCES_LENGTH = 50
"""`sequences` has at least this many entries (mean qualities 0 to 49), as Virtool's parse makes it."""

BASE_COLUMN = np.full(256, 4, dtype=np.uint8)
"""A base's column in the composition counts: G, A, T, C in either case, then everything else."""
for _column, _letters in enumerate(("Gg", "Aa", "Tt", "Cc")):
    for _letter in _letters:
        BASE_COLUMN[ord(_letter)] = _column

GZIP_MAGIC = b"\x1f\x8b"
OTHER_COMPRESSIONS = {b"BZh": "bzip2", b"\xfd7zXZ": "xz", b"\x28\xb5\x2f\xfd": "zstd"}


class ReadQualityError(ValueError):
    """Reads that cannot be measured; the message names the file and what is wrong with it."""


def read_quality(paths: Sequence[Path], progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Measure one file of reads, or a pair, and return the sample's `quality` (see the module's docstring).

    Blocking and CPU-bound: run it in a thread. `progress`, if given, is called after each batch with the
    share of the input bytes read so far (0 to 1), and last with 1.0; an exception it raises (a cancelled job)
    stops the measurement and propagates. Unreadable reads raise `ReadQualityError`.
    """
    paths = [Path(path) for path in paths]
    if len(paths) not in (1, 2):
        raise ValueError(f"read_quality takes one or two files, not {len(paths)}")
    sizes = [path.stat().st_size for path in paths]
    total = sum(sizes) or 1
    reports = []
    for index, path in enumerate(paths):
        done_before = sum(sizes[:index])
        file_progress = None if progress is None else _share_of(progress, done_before, total)
        reports.append(_file_quality(path, file_progress))
    if progress is not None:
        progress(1.0)
    return reports[0] if len(reports) == 1 else combine_pair(reports[0], reports[1])


def combine_pair(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The qualities of a pair's two files as one, the way Virtool combines the FastQC reports of a pair."""
    sequences = [0] * max(len(first["sequences"]), len(second["sequences"]))
    for report in (first, second):
        for mean_quality, count in enumerate(report["sequences"]):
            sequences[mean_quality] += count
    return {
        "count": first["count"] + second["count"],
        "encoding": first["encoding"],
        "gc": (first["gc"] + second["gc"]) / 2,
        "length": [
            min(first["length"][0], second["length"][0]),
            max(first["length"][1], second["length"][1]),
        ],
        "bases": _mean_rows(first["bases"], second["bases"]),
        "composition": _mean_rows(first["composition"], second["composition"]),
        "sequences": sequences,
    }


def _mean_rows(first: list[list[float]], second: list[list[float]]) -> list[list[float]]:
    both = [
        [(a + b) / 2 for a, b in zip(one, other, strict=True)]
        for one, other in zip(first, second, strict=False)
    ]
    return both + first[len(both) :] + second[len(both) :]


def _share_of(progress: Callable[[float], None], done_before: int, total: int) -> Callable[[int], None]:
    return lambda done: progress(min(1.0, (done_before + done) / total))


def _file_quality(path: Path, progress: Callable[[int], None] | None) -> dict[str, Any]:
    tally = QualityTally(path.name)
    with path.open("rb") as raw:
        stream = _open_reads(path.name, raw)
        try:
            for sequences, qualities in _batches(path.name, stream):
                tally.add(sequences, qualities)
                if progress is not None:
                    progress(raw.tell())
        finally:
            if stream is not raw:
                stream.close()
    return tally.report()


def _open_reads(name: str, raw: BinaryIO) -> BinaryIO:
    """The FASTQ bytes of an open file, decompressed if it is gzip (known by its first bytes, not its name).

    Decompression runs in this thread (`threads=0`), so the file's position is how far the reads have got.
    """
    head = raw.read(6)
    raw.seek(0)
    if not head:
        raise ReadQualityError(f"{name} is empty")
    for magic, compression in OTHER_COMPRESSIONS.items():
        if head.startswith(magic):
            raise ReadQualityError(f"{name} is {compression}-compressed: reads must be FASTQ, gzipped or not")
    if head.startswith(GZIP_MAGIC):
        return cast(BinaryIO, GzipReads(name, xopen.xopen(raw, "rb", format="gz", threads=0)))
    return raw


class GzipReads(RawIOBase):
    """A decompressing stream whose failures (a truncated or corrupt file) say so and name the file."""

    def __init__(self, name: str, stream: IO[bytes]) -> None:
        self.name = name
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            return self.stream.readinto(buffer)  # type: ignore[attr-defined]
        except EOFError:
            raise ReadQualityError(f"{self.name} is truncated: its gzip stream ends before its end") from None
        except Exception as error:  # gzip backends (isal, zlib-ng, zlib) raise error classes of their own
            raise ReadQualityError(f"{self.name} is not valid gzip: {_shorten(str(error))}") from None

    def close(self) -> None:
        self.stream.close()
        super().close()


def _batches(name: str, stream: BinaryIO) -> Iterator[tuple[list[str], list[str]]]:
    """The sequences and qualities of the reads in `stream`, a batch at a time; errors name the file."""
    try:
        with dnaio.open(stream, fileformat="fastq", mode="r") as reader:
            sequences: list[str] = []
            qualities: list[str] = []
            size = 0
            for record in reader:
                sequences.append(record.sequence)
                qualities.append(record.qualities)  # type: ignore[arg-type]
                size += len(record.sequence) + 1
                if size >= BATCH_BASES:
                    yield sequences, qualities
                    sequences, qualities, size = [], [], 0
            if sequences:
                yield sequences, qualities
    except FileFormatError as error:
        raise ReadQualityError(f"{name} is not valid FASTQ: {_shorten(str(error))}") from None


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


class QualityTally:
    """Counts over one file's reads, added a batch at a time; `report()` turns them into FastQC's numbers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.min_length = -1
        self.max_length = 0
        # Per position: each quality character's count (33 to 126), and each base's (G, A, T, C, other).
        self.quality_counts = np.zeros((0, CHARS), dtype=np.int64)
        self.base_counts = np.zeros((0, 5), dtype=np.int64)
        # Reads by the integer mean of their quality characters.
        self.mean_chars = np.zeros(HIGHEST_CHAR + 1, dtype=np.int64)

    def add(self, sequences: list[str], qualities: list[str]) -> None:
        lengths = np.fromiter(map(len, sequences), dtype=np.intp, count=len(sequences))
        bases = np.frombuffer("".join(sequences).encode("ascii"), dtype=np.uint8)
        chars = np.frombuffer("".join(qualities).encode("ascii"), dtype=np.uint8)
        shortest, longest = int(lengths.min()), int(lengths.max())
        self.count += len(sequences)
        self.min_length = shortest if self.min_length < 0 else min(self.min_length, shortest)
        if longest > self.max_length:
            self._grow(longest)
        if chars.size == 0:
            return
        lowest, highest = int(chars.min()), int(chars.max())
        if lowest < LOWEST_CHAR or highest > HIGHEST_CHAR:
            wrong = lowest if lowest < LOWEST_CHAR else highest
            raise ReadQualityError(
                f"{self.name} has the quality character {chr(wrong)!r} (ASCII {wrong}), which no FASTQ"
                f" encoding uses (they run from {chr(LOWEST_CHAR)!r} to {chr(HIGHEST_CHAR)!r})"
            )
        positions = _positions(lengths, chars.size)
        self.quality_counts += _count_by_position(positions, chars - LOWEST_CHAR, self.max_length, CHARS)
        self.base_counts += _count_by_position(positions, BASE_COLUMN[bases], self.max_length, 5)
        nonempty = lengths > 0
        sums = np.add.reduceat(chars, (np.cumsum(lengths) - lengths)[nonempty], dtype=np.int64)
        self.mean_chars += np.bincount(sums // lengths[nonempty], minlength=HIGHEST_CHAR + 1)

    def _grow(self, length: int) -> None:
        more = length - self.max_length
        self.quality_counts = np.vstack([self.quality_counts, np.zeros((more, CHARS), dtype=np.int64)])
        self.base_counts = np.vstack([self.base_counts, np.zeros((more, 5), dtype=np.int64)])
        self.max_length = length

    def report(self) -> dict[str, Any]:
        if self.count == 0:
            raise ReadQualityError(f"{self.name} contains no reads")
        seen = np.flatnonzero(self.quality_counts.sum(axis=0))
        encoding, offset = fastqc_encoding(LOWEST_CHAR + int(seen[0])) if seen.size else FASTQC_ENCODINGS[0]
        groups = fastqc_groups(self.max_length)
        gatc = self.base_counts[:, :4].sum(axis=0)
        gc = 100 * int(gatc[0] + gatc[3]) // int(gatc.sum()) if gatc.sum() else 0
        sequences = [int(count) for count in self.mean_chars[offset:]]
        highest = max((quality for quality, count in enumerate(sequences) if count), default=0)
        return {
            "count": self.count,
            "encoding": encoding,
            "gc": float(gc),
            "length": [self.min_length, self.max_length],
            "bases": _expand(groups, [_quality_row(self.quality_counts, group, offset) for group in groups]),
            "composition": _expand(groups, [_composition_row(self.base_counts, group) for group in groups]),
            "sequences": sequences[: max(SEQUENCES_LENGTH, highest + 1)],
        }


FASTQC_ENCODINGS = (("Sanger / Illumina 1.9", 33), ("Illumina 1.3", 64), ("Illumina 1.5", 64))


def fastqc_encoding(lowest_char: int) -> tuple[str, int]:
    """FastQC's name and offset for the quality encoding of a file whose lowest quality character is this."""
    if lowest_char < 64:
        return FASTQC_ENCODINGS[0]
    if lowest_char == 65:
        return FASTQC_ENCODINGS[1]
    return FASTQC_ENCODINGS[2]


def fastqc_groups(length: int) -> list[tuple[int, int]]:
    """FastQC's default groups of positions (first, last; from 1) for reads of up to `length` bases."""
    if length <= 75:
        return [(position, position) for position in range(1, length + 1)]
    size = next(size for size in _group_sizes() if 9 + -(-(length - 9) // size) < 75)
    groups = [(position, position) for position in range(1, 10)]
    start = 10
    if size > 10:
        groups.append((10, min(size - 1, length)))
        start = size
    for first in range(start, length + 1, size):
        groups.append((first, min(first + size - 1, length)))
    return groups


def _group_sizes() -> Iterator[int]:
    multiplier = 1
    while True:
        yield from (2 * multiplier, 5 * multiplier, 10 * multiplier)
        multiplier *= 10


def _positions(lengths: np.ndarray, total: int) -> np.ndarray:
    """The position in its read (from 0) of each base of reads of these lengths laid end to end."""
    if (lengths == lengths[0]).all():
        return np.tile(np.arange(lengths[0], dtype=np.intp), lengths.size)
    starts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.intp) - np.repeat(starts, lengths)


def _count_by_position(positions: np.ndarray, values: np.ndarray, length: int, kinds: int) -> np.ndarray:
    """How many times each value (0 to kinds - 1) occurs at each position: a (length, kinds) array."""
    return np.bincount(positions * kinds + values, minlength=length * kinds).reshape(length, kinds)


def _mean_left_to_right(values: np.ndarray) -> float:
    """The mean summed left to right as FastQC's loop sums it, so that the last digit agrees too."""
    return float(np.add.accumulate(values)[-1] / values.size)


def _quality_row(counts: np.ndarray, group: tuple[int, int], offset: int) -> list[float]:
    """The mean and the percentiles of the qualities at a group's positions, as FastQC computes them."""
    by_position = counts[group[0] - 1 : group[1]]
    totals = by_position.sum(axis=1)
    qualities = np.arange(LOWEST_CHAR, HIGHEST_CHAR + 1) - offset
    covered = totals > 0
    mean = _mean_left_to_right((by_position[covered] @ qualities) / totals[covered])
    deep = totals > PERCENTILE_MIN_COUNT
    if not deep.any():
        return [mean] * (1 + len(PERCENTILES))
    running = np.cumsum(by_position[deep][:, offset - LOWEST_CHAR :], axis=1)
    row = [mean]
    for percentile in PERCENTILES:
        reached = running >= (totals[deep] * percentile // 100)[:, None]
        row.append(_mean_left_to_right(reached.argmax(axis=1).astype(np.float64)))
    return row


def _composition_row(counts: np.ndarray, group: tuple[int, int]) -> list[float]:
    gatc = counts[group[0] - 1 : group[1], :4].sum(axis=0).tolist()
    total = sum(gatc)
    return [count / total * 100 for count in gatc] if total else [0.0] * 4


def _expand(groups: list[tuple[int, int]], rows: list[list[float]]) -> list[list[float]]:
    return [row for (first, last), row in zip(groups, rows, strict=True) for _ in range(first, last + 1)]
