"""FastQC as the reference for read quality: run it, read its reports as Virtool does, simulate large files.

Used by `tests/runner/test_runner_quality.py` and `bench/quality.py`.
"""

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import xopen

FASTQC = shutil.which("fastqc")
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""FastQC's JVM compiles with its quick compiler only and collects on one thread: the same reports (compared
byte for byte on the demo reads), with about half the CPU for a run of the demo reads (2.5 -> 1.3 s)."""


def run_fastqc(paths: list[Path], output: Path) -> dict[Path, Path]:
    """Run FastQC once over all `paths` (one JVM start); each file's `fastqc_data.txt` by the file's path."""
    assert FASTQC is not None, "FastQC is not installed (Debian package fastqc)"
    subprocess.run(
        [FASTQC, "--quiet", "--extract", "-f", "fastq", "-o", str(output), *map(str, paths)],
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "_JAVA_OPTIONS": JVM_OPTIONS},
    )
    return {path: output / f"{_fastqc_name(path)}_fastqc" / "fastqc_data.txt" for path in paths}


def _fastqc_name(path: Path) -> str:
    name = path.name.removesuffix(".gz")
    for suffix in (".fastq", ".fq"):
        name = name.removesuffix(suffix)
    return name


def virtool_quality(data_paths: list[Path]) -> dict[str, Any]:
    """The sample quality Virtool's `parse_fastqc` builds from these FastQC reports (one file's or a pair's),
    but at FastQC's printed precision where Virtool truncates each value to an integer.

    As Virtool: a group's row ("10-14") stands for each of its positions; a second report's rows, `%GC` and
    lengths are combined with the first's (means, min and max) and its counts added; a row whose percentiles
    are NaN takes its mean in their place, a row of NaN only (composition where every base is N) is zeros.
    """
    quality: dict[str, Any] = {"count": 0, "sequences": [0] * 50}
    rows: dict[str, dict[int, list[float]]] = {"bases": {}, "composition": {}}
    for index, path in enumerate(data_paths):
        second = index == 1
        module = None
        for line in path.read_text().splitlines():
            if line.startswith(">>"):
                module = None if line == ">>END_MODULE" else line[2:].split("\t")[0]
                continue
            if line.startswith("#"):
                continue
            fields = line.split("\t")
            if module == "Basic Statistics":
                _basic_statistic(quality, fields[0], fields[1], second)
            elif module in ("Per base sequence quality", "Per base sequence content"):
                key = "bases" if module == "Per base sequence quality" else "composition"
                _add_row(rows[key], fields)
            elif module == "Per sequence quality scores":
                mean_quality = int(fields[0])
                quality["sequences"] += [0] * (mean_quality + 1 - len(quality["sequences"]))
                quality["sequences"][mean_quality] += int(float(fields[1]))
    for key, by_position in rows.items():
        assert sorted(by_position) == list(range(1, len(by_position) + 1))
        quality[key] = [by_position[position] for position in sorted(by_position)]
    return quality


def _basic_statistic(quality: dict[str, Any], name: str, value: str, second: bool) -> None:
    if name == "Total Sequences":
        quality["count"] += int(value)
    elif name == "Encoding" and not second:
        quality["encoding"] = value
    elif name == "Sequence length":
        bounds = [int(bound) for bound in value.split("-")]
        low, high = bounds[0], bounds[-1]
        if second:
            low, high = min(low, quality["length"][0]), max(high, quality["length"][1])
        quality["length"] = [low, high]
    elif name == "%GC":
        quality["gc"] = (quality["gc"] + float(value)) / 2 if second else float(value)


def _add_row(by_position: dict[int, list[float]], fields: list[str]) -> None:
    values = [float(value) for value in fields[1:]]
    if all(value != value for value in values):
        values = [0.0] * len(values)
    elif any(value != value for value in values):
        values = [values[0]] * len(values)
    first, _, last = fields[0].partition("-")
    for position in range(int(first), int(last or first) + 1):
        earlier = by_position.get(position)
        by_position[position] = (
            values if earlier is None else [(a + b) / 2 for a, b in zip(values, earlier, strict=True)]
        )


def write_simulated_fastq(
    path: Path, count: int, lengths: tuple[int, int] = (100, 150), seed: int = 0
) -> Path:
    """`count` simulated Illumina-like reads (Phred+33, quality falling along the read) as gzip FASTQ,
    written a batch at a time so that any count fits in memory."""
    rng = np.random.default_rng(seed)
    letters = np.frombuffer(b"ACGT", dtype=np.uint8)
    longest = lengths[1]
    drift = np.linspace(38, 28, longest)
    with xopen.xopen(path, "wb", compresslevel=1) as handle:
        for start in range(0, count, 50_000):
            size = min(50_000, count - start)
            read_lengths = rng.integers(lengths[0], lengths[1] + 1, size)
            bases = letters[rng.integers(0, 4, (size, longest))]
            qualities = np.clip(rng.normal(drift, 5, (size, longest)), 2, 41).astype(np.uint8) + 33
            chunk = bytearray()
            for row, length in enumerate(read_lengths.tolist()):
                chunk += b"@sim%d\n%b\n+\n%b\n" % (
                    start + row,
                    bases[row, :length].tobytes(),
                    qualities[row, :length].tobytes(),
                )
            handle.write(chunk)
    return path
