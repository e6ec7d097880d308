"""Read quality of one or two FASTQ files: the numbers FastQC 0.11.9 reports, in the shape of a sample's `quality`.

Virtool's create-sample workflow runs FastQC and parses its `fastqc_data.txt`; this module computes the same numbers
itself, streaming each file once in batches (dnaio reads the records, numpy counts them), so memory depends on the
longest read, never on the number of reads. The rules below were found by running FastQC 0.11.9 on crafted inputs
(`tests/test_runner_quality.py` runs it again on every change):

- Encoding: from the lowest quality character in the file: below `@` (64) is "Sanger / Illumina 1.9" (offset 33),
  `A` (65) is "Illumina 1.3", anything else "Illumina 1.5" (both offset 64). Characters below `!` (33) or above
  `~` (126) have no encoding: FastQC fails on them, and so do we.
- Bases are upper-cased first; only G, A, T and C count towards composition and GC (N and IUPAC codes do not).
  `%GC` is `100 * (G + C) // (G + A + T + C)`: an integer, truncated.
- Positions are grouped when the longest read is over 75 bp: 1-9 alone, then groups of 2, 5, 10, 20, 50, 100...
  (the smallest giving fewer than 75 groups); a group's row is repeated for each of its positions.
- Per position: the mean quality, and the 10th, 25th, 50th, 75th and 90th percentiles, each the lowest quality at
  which the running count reaches `count * p // 100`. A group's mean is the mean of its positions' means, its
  percentiles the mean of the percentiles of its positions holding more than 100 qualities; a group without such
  a position has no percentiles (FastQC prints NaN), and Virtool then repeats the mean in their place.
- Composition of a group: its G, A, T and C counts over their sum, times 100; a group with none of them (all N)
  is `[0, 0, 0, 0]`, as Virtool parses FastQC's NaN.
- A read's mean quality is the sum of its quality characters integer-divided by its length, less the offset;
  `sequences[q]` counts the reads of mean quality `q` (reads of length 0 have none).

Values keep FastQC's full precision (Virtool truncates them to integers while parsing; keeping the fractions loses
nothing a page needs and lets them be checked against FastQC's). Two files are combined as Virtool combines two
FastQC reports: counts and `sequences` add up, `gc` and each position's values are the mean of the two files',
the encoding is the first file's. A position only one file reaches keeps that file's values.
"""

import gzip
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import dnaio
import numpy as np
import xopen
from dnaio.exceptions import FileFormatError

LOWEST_CHAR = 33
HIGHEST_CHAR = 126
CHARS = HIGHEST_CHAR - LOWEST_CHAR + 1

#: Reads are counted in batches of about this many bases: large enough for numpy to pay, small enough for memory.
BATCH_BASES = 2_000_000

#: FastQC only reports percentiles of a position with more qualities than this.
PERCENTILE_MIN_COUNT = 100

PERCENTILES = (50, 25, 75, 10, 90)

#: `sequences` has at least this many entries (mean qualities 0 to 49), as Virtool's parse makes it.
SEQUENCES_LENGTH = 50

#: Upper-cased base to its column in the composition counts: G, A, T, C, then everything else.
BASE_COLUMN = np.full(256, 4, dtype=np.intp)
for column, letters in enumerate(("Gg", "Aa", "Tt", "Cc")):
    for letter in letters:
        BASE_COLUMN[ord(letter)] = column

GZIP_MAGIC = b"\x1f\x8b"
OTHER_COMPRESSIONS = {b"BZh": "bzip2", b"\xfd7zXZ": "xz", b"\x28\xb5\x2f\xfd": "zstd"}


class ReadQualityError(ValueError):
    """Reads that cannot be measured; the message names the file and what is wrong with it."""


def read_quality(paths: Sequence[Path], progress: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Measure one file of reads, or a pair, and return the sample's `quality` (see the module's docstring).

    `progress`, if given, is called now and then with the share of the input bytes read so far (0 to 1).
    """
    paths = [Path(path) for path in paths]
    if len(paths) not in (1, 2):
        raise ValueError(f"read_quality takes one or two files, not {len(paths)}")
    sizes = [path.stat().st_size for path in paths]
    total = sum(sizes) or 1
    reports = []
    for index, path in enumerate(paths):
        before = sum(sizes[:index])
        report_progress = None if progress is None else _scaled(progress, before, total)
        reports.append(_file_quality(path, report_progress))
    if progress is not None:
        progress(1.0)
    return reports[0] if len(reports) == 1 else combine_reports(reports[0], reports[1])


def combine_reports(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """Two files' qualities as one, the way Virtool adds up the FastQC reports of a pair."""
    sequences = [0] * max(len(first["sequences"]), len(second["sequences"]))
    for report in (first, second):
        for quality, count in enumerate(report["sequences"]):
            sequences[quality] += count
    return {
        "count": first["count"] + second["count"],
        "encoding": first["encoding"],
        "gc": (first["gc"] + second["gc"]) / 2,
        "length": [min(first["length"][0], second["length"][0]), max(first["length"][1], second["length"][1])],
        "bases": _mean_rows(first["bases"], second["bases"]),
        "composition": _mean_rows(first["composition"], second["composition"]),
        "sequences": sequences,
    }


def _mean_rows(first: list[list[float]], second: list[list[float]]) -> list[list[float]]:
    longer, shorter = (first, second) if len(first) >= len(second) else (second, first)
    means = [[(a + b) / 2 for a, b in zip(row_a, row_b, strict=True)] for row_a, row_b in zip(first, second)]
    return means + longer[len(shorter) :]


def _scaled(progress: Callable[[float], None], before: int, total: int) -> Callable[[int], None]:
    return lambda done: progress(min(1.0, (before + done) / total))


def _file_quality(path: Path, progress: Callable[[int], None] | None) -> dict[str, Any]:
    tally = QualityTally(path.name)
    with path.open("rb") as raw:
        head = raw.read(6)
        if not head:
            raise ReadQualityError(f"{path.name} is empty")
        raw.seek(0)
        for magic, name in OTHER_COMPRESSIONS.items():
            if head.startswith(magic):
                raise ReadQualityError(f"{path.name} is {name}-compressed: reads must be gzip or uncompressed FASTQ")
        stream: IO[bytes] = xopen.xopen(raw, "rb", format="gz") if head.startswith(GZIP_MAGIC) else raw
        try:
            for sequences, qualities in _batches(path.name, stream):
                tally.add(sequences, qualities)
                if progress is not None:
                    progress(raw.tell())
        finally:
            if stream is not raw:
                stream.close()
    return tally.report()


def _batches(name: str, stream: IO[bytes]) -> Iterator[tuple[list[str], list[str]]]:
    """The sequences and quality strings of the reads in `stream`, a batch at a time; format errors name the file."""
    try:
        with dnaio.open(stream, fileformat="fastq", mode="r") as reader:
            sequences: list[str] = []
            qualities: list[str] = []
            bases = 0
            for record in reader:
                sequences.append(record.sequence)
                qualities.append(record.qualities)  # type: ignore[arg-type]
                bases += len(record.sequence) + 1
                if bases >= BATCH_BASES:
                    yield sequences, qualities
                    sequences, qualities, bases = [], [], 0
            if sequences:
                yield sequences, qualities
    except FileFormatError as error:
        raise ReadQualityError(f"{name} is not valid FASTQ: {_shorten(str(error))}") from None
    except EOFError:
        raise ReadQualityError(f"{name} is truncated: its gzip stream ends before its end marker") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as error:
        raise ReadQualityError(f"{name} is not valid gzip: {_shorten(str(error))}") from None


def _shorten(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."


class QualityTally:
    """Counts over one file's reads, added a batch at a time; `report()` turns them into FastQC's numbers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0
        self.min_length = -1
        self.max_length = 0
        # Per position: how many times each quality character (33 to 126) and each base (G, A, T, C, other) occurs.
        self.quality_counts = np.zeros((0, CHARS), dtype=np.int64)
        self.base_counts = np.zeros((0, 5), dtype=np.int64)
        # Reads by the integer mean of their quality characters (33 to 126).
        self.mean_chars = np.zeros(HIGHEST_CHAR + 1, dtype=np.int64)

    def add(self, sequences: list[str], qualities: list[str]) -> None:
        lengths = np.fromiter(map(len, sequences), dtype=np.intp, count=len(sequences))
        bases = np.frombuffer("".join(sequences).encode("ascii"), dtype=np.uint8)
        quals = np.frombuffer("".join(qualities).encode("ascii"), dtype=np.uint8)
        self.count += len(sequences)
        longest = int(lengths.max())
        self.min_length = int(lengths.min()) if self.min_length < 0 else min(self.min_length, int(lengths.min()))
        if longest > self.max_length:
            self._grow(longest)
            self.max_length = longest
        if quals.size == 0:
            return
        lowest, highest = int(quals.min()), int(quals.max())
        if lowest < LOWEST_CHAR or highest > HIGHEST_CHAR:
            wrong = lowest if lowest < LOWEST_CHAR else highest
            raise ReadQualityError(
                f"{self.name} has the quality character {chr(wrong)!r} (ASCII {wrong}), outside every FASTQ"
                f" encoding ({chr(LOWEST_CHAR)!r} to {chr(HIGHEST_CHAR)!r})"
            )
        positions = _positions(lengths, quals.size)
        self.quality_counts += np.bincount(
            positions * CHARS + (quals - LOWEST_CHAR), minlength=self.max_length * CHARS
        ).reshape(self.max_length, CHARS)
        self.base_counts += np.bincount(positions * 5 + BASE_COLUMN[bases], minlength=self.max_length * 5).reshape(
            self.max_length, 5
        )
        nonempty = lengths > 0
        starts = (np.cumsum(lengths) - lengths)[nonempty]
        sums = np.add.reduceat(quals, starts, dtype=np.int64)
        self.mean_chars += np.bincount(sums // lengths[nonempty], minlength=HIGHEST_CHAR + 1)

    def _grow(self, length: int) -> None:
        grown = length - self.max_length
        self.quality_counts = np.vstack([self.quality_counts, np.zeros((grown, CHARS), dtype=np.int64)])
        self.base_counts = np.vstack([self.base_counts, np.zeros((grown, 5), dtype=np.int64)])

    def report(self) -> dict[str, Any]:
        if self.count == 0:
            raise ReadQualityError(f"{self.name} contains no reads")
        chars = np.flatnonzero(self.quality_counts.sum(axis=0))
        encoding, offset = fastqc_encoding(LOWEST_CHAR + int(chars[0])) if chars.size else FASTQC_ENCODINGS[0]
        groups = fastqc_groups(self.max_length)
        bases = [_quality_row(self.quality_counts, first, last, offset) for first, last in groups]
        composition = [_composition_row(self.base_counts, first, last) for first, last in groups]
        gatc = self.base_counts[:, :4].sum(axis=0)
        gc = int(100 * (gatc[0] + gatc[3]) // gatc.sum()) if gatc.sum() else 0
        mean_qualities = [int(count) for count in self.mean_chars[offset:]]
        highest = max((q for q, count in enumerate(mean_qualities) if count), default=0)
        return {
            "count": self.count,
            "encoding": encoding,
            "gc": float(gc),
            "length": [self.min_length, self.max_length],
            "bases": _expand(groups, bases),
            "composition": _expand(groups, composition),
            "sequences": mean_qualities[: max(SEQUENCES_LENGTH, highest + 1)],
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
    interval = next(size for size in _group_sizes() if 9 + -(-(length - 9) // size) < 75)
    groups = [(position, position) for position in range(1, 10)]
    start = 10
    if interval > 10:
        groups.append((10, min(interval - 1, length)))
        start = interval
    while start <= length:
        groups.append((start, min(start + interval - 1, length)))
        start += interval
    return groups


def _group_sizes() -> Iterator[int]:
    multiplier = 1
    while True:
        for base in (2, 5, 10):
            yield base * multiplier
        multiplier *= 10


def _positions(lengths: np.ndarray, total: int) -> np.ndarray:
    """The position in its read (from 0) of each base of reads of these lengths laid end to end."""
    if lengths.size and (lengths == lengths[0]).all():
        return np.tile(np.arange(lengths[0], dtype=np.intp), lengths.size)
    starts = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.intp) - np.repeat(starts, lengths)


def _sequential_mean(values: np.ndarray) -> float:
    """The mean as FastQC's loop computes it (left to right), so the last digit agrees too."""
    return float(np.add.accumulate(values)[-1] / values.size)


def _quality_row(counts: np.ndarray, first: int, last: int, offset: int) -> list[float]:
    """Mean, median, lower and upper quartile, 10th and 90th percentile of the qualities at positions first..last."""
    group = counts[first - 1 : last]
    totals = group.sum(axis=1)
    qualities = np.arange(LOWEST_CHAR, HIGHEST_CHAR + 1) - offset
    covered = totals > 0
    means = (group[covered] @ qualities) / totals[covered]
    mean = _sequential_mean(means)
    deep = totals > PERCENTILE_MIN_COUNT
    if not deep.any():
        return [mean] * 6
    running = np.cumsum(group[deep][:, offset - LOWEST_CHAR :], axis=1)
    row = [mean]
    for percentile in PERCENTILES:
        reached = running >= (totals[deep] * percentile // 100)[:, None]
        row.append(_sequential_mean(reached.argmax(axis=1).astype(np.float64)))
    return row


def _composition_row(counts: np.ndarray, first: int, last: int) -> list[float]:
    gatc = counts[first - 1 : last, :4].sum(axis=0)
    total = int(gatc.sum())
    if total == 0:
        return [0.0] * 4
    return [float(count / total * 100) for count in gatc.tolist()]


def _expand(groups: list[tuple[int, int]], rows: list[list[float]]) -> list[list[float]]:
    return [row for (first, last), row in zip(groups, rows, strict=True) for _ in range(first, last + 1)]
