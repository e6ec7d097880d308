"""Read quality (`virtool_api/runner/quality.py`): FastQC's numbers on the same reads, malformed input, progress,
and memory flat in the number of reads.

The equality tests run the real FastQC (Debian's `fastqc`, 0.11.9) once over every input and parse its
`fastqc_data.txt` the way Virtool's create-sample workflow does (positions of a group expanded, a pair's second
report averaged into the first, NaN percentiles replaced by the mean, all-NaN composition by zeros) but keeping
FastQC's printed digits instead of truncating them to integers; our numbers must equal those exactly.
"""

import gzip
import random
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from virtool_api.runner.quality import ReadQualityError, fastqc_groups, read_quality

ROOT = Path(__file__).resolve().parent.parent
DEMO_READS = ROOT / "virtool_api" / "demo_data" / "reads-tmv-grapevine.fq.gz"
FASTQC = shutil.which("fastqc")

requires_fastqc = pytest.mark.skipif(
    FASTQC is None, reason="FastQC is not installed (Debian package fastqc): nothing to compare our numbers with"
)

Read = tuple[str, str]


def write_fastq(path: Path, reads: Iterable[Read]) -> Path:
    """Write reads as FASTQ, gzip-compressed when the name ends in .gz."""
    text = "".join(f"@read{index} some comment\n{sequence}\n+\n{quality}\n" for index, (sequence, quality) in enumerate(reads))
    data = text.encode("ascii")
    path.write_bytes(gzip.compress(data, compresslevel=1) if path.suffix == ".gz" else data)
    return path


def simulated_reads(
    seed: int, count: int, lengths: tuple[int, int], chars: tuple[int, int], letters: str = "ACGT"
) -> list[Read]:
    """Reads of random lengths; qualities drift down along the read, as real ones do, within `chars`."""
    rng = random.Random(seed)
    low, high = chars
    reads = []
    for _ in range(count):
        length = rng.randint(*lengths)
        sequence = "".join(rng.choices(letters, k=length))
        quality = "".join(
            chr(max(low, min(high, int(rng.gauss(high - 4 - position * 0.05, 6))))) for position in range(length)
        )
        reads.append((sequence, quality))
    return reads


def with_lowest_char(reads: list[Read], char: str) -> list[Read]:
    """The reads with the first quality character of the first read replaced by `char`."""
    (sequence, quality), *rest = reads
    return [(sequence, char + quality[1:]), *rest]


def reads_with_ns(seed: int) -> list[Read]:
    """Reads with N's (all of them at position 3), lowercase bases and IUPAC codes."""
    reads = []
    for sequence, quality in simulated_reads(seed, 400, (20, 90), (35, 73), letters="ACGTACGTNacgtRY"):
        reads.append((sequence[:2] + "N" + sequence[3:], quality))
    return reads


INPUTS: dict[str, list[list[Read]] | None] = {
    "demo": None,
    "varying": [simulated_reads(1, 3000, (30, 300), (35, 74))],
    "phred64": [simulated_reads(2, 1200, (76, 101), (66, 104))],
    "phred64_illumina13": [with_lowest_char(simulated_reads(3, 300, (40, 60), (65, 104)), "A")],
    "paired": [simulated_reads(4, 1500, (151, 151), (35, 74)), simulated_reads(5, 1500, (60, 120), (35, 74))],
    "ns": [reads_with_ns(6)],
    "short": [simulated_reads(7, 300, (1, 5), (35, 74))],
    "long": [simulated_reads(8, 150, (500, 6000), (35, 74))],
    "single": [simulated_reads(9, 1, (100, 100), (35, 74))],
    "empty_reads": [simulated_reads(10, 150, (0, 12), (35, 74))],
}
"""Each case's files (one or a pair), written as `<case>_1.fq.gz`, `<case>_2.fq` (plain, to cover both)."""


@pytest.fixture(scope="module")
def case_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    directory = tmp_path_factory.mktemp("reads")
    files = {"demo": [DEMO_READS]}
    for case, pair in INPUTS.items():
        if pair is not None:
            names = [f"{case}_1.fq.gz", f"{case}_2.fq"][: len(pair)]
            files[case] = [write_fastq(directory / name, reads) for name, reads in zip(names, pair, strict=True)]
    return files


@pytest.fixture(scope="module")
def fastqc_reports(case_files: dict[str, list[Path]], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One FastQC run over every input file (one JVM start): each file's `fastqc_data.txt` by the file's path."""
    assert FASTQC is not None
    output = tmp_path_factory.mktemp("fastqc")
    paths = [path for pair in case_files.values() for path in pair]
    subprocess.run([FASTQC, "--quiet", "--extract", "-f", "fastq", "-o", str(output), *map(str, paths)], check=True)
    return {path: output / f"{path.name.removesuffix('.gz').removesuffix('.fq')}_fastqc" / "fastqc_data.txt" for path in paths}


def virtool_quality(data_paths: list[Path]) -> dict[str, Any]:
    """The sample quality Virtool's `parse_fastqc` builds from these FastQC reports, at FastQC's printed
    precision (where Virtool truncates each value to an integer)."""
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
                name, value = fields
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
            elif module in ("Per base sequence quality", "Per base sequence content"):
                key = "bases" if module == "Per base sequence quality" else "composition"
                values = [float(value) for value in fields[1:]]
                if all(value != value for value in values):
                    values = [0.0] * len(values)
                elif any(value != value for value in values):
                    values = [values[0]] * len(values)
                first, _, last = fields[0].partition("-")
                for position in range(int(first), int(last or first) + 1):
                    earlier = rows[key].get(position)
                    rows[key][position] = (
                        values if earlier is None else [(a + b) / 2 for a, b in zip(values, earlier, strict=True)]
                    )
            elif module == "Per sequence quality scores":
                mean_quality = int(fields[0])
                quality["sequences"] += [0] * (mean_quality + 1 - len(quality["sequences"]))
                quality["sequences"][mean_quality] += int(float(fields[1]))
    for key, by_position in rows.items():
        assert sorted(by_position) == list(range(1, len(by_position) + 1))
        quality[key] = [by_position[position] for position in sorted(by_position)]
    return quality


def assert_equals_fastqc(case: str, case_files: dict[str, list[Path]], fastqc_reports: dict[str, Path]) -> dict:
    paths = case_files[case]
    ours = read_quality(paths)
    expected = virtool_quality([fastqc_reports[path] for path in paths])
    assert ours == expected
    return ours


@requires_fastqc
def test_demo_reads_equal_fastqc(case_files, fastqc_reports):
    quality = assert_equals_fastqc("demo", case_files, fastqc_reports)
    assert quality["count"] == 5000
    assert quality["length"] == [100, 100]
    assert len(quality["bases"]) == 100


@requires_fastqc
def test_varying_lengths_equal_fastqc(case_files, fastqc_reports):
    """30 to 300 bp: groups of 5 after position 9, and the last positions too shallow for percentiles."""
    quality = assert_equals_fastqc("varying", case_files, fastqc_reports)
    assert quality["length"][1] == 300
    assert quality["bases"][9] == quality["bases"][13] != quality["bases"][14]


@requires_fastqc
def test_phred64_equals_fastqc(case_files, fastqc_reports):
    assert assert_equals_fastqc("phred64", case_files, fastqc_reports)["encoding"] == "Illumina 1.5"


@requires_fastqc
def test_phred64_with_quality_1_is_illumina_13(case_files, fastqc_reports):
    assert assert_equals_fastqc("phred64_illumina13", case_files, fastqc_reports)["encoding"] == "Illumina 1.3"


@requires_fastqc
def test_paired_files_equal_fastqc_combined_as_virtool_does(case_files, fastqc_reports):
    """151 bp (groups of 5) and 60 to 120 bp (groups of 2): each position the mean of the two files' values."""
    quality = assert_equals_fastqc("paired", case_files, fastqc_reports)
    assert quality["count"] == 3000
    assert quality["length"][1] == 151
    first, second = (read_quality([path]) for path in case_files["paired"])
    assert quality["bases"][0] == [(a + b) / 2 for a, b in zip(first["bases"][0], second["bases"][0], strict=True)]
    assert quality["bases"][140] == first["bases"][140]


@requires_fastqc
def test_reads_with_ns_lowercase_and_iupac_equal_fastqc(case_files, fastqc_reports):
    quality = assert_equals_fastqc("ns", case_files, fastqc_reports)
    assert quality["composition"][2] == [0.0, 0.0, 0.0, 0.0]


@requires_fastqc
def test_very_short_reads_equal_fastqc(case_files, fastqc_reports):
    assert assert_equals_fastqc("short", case_files, fastqc_reports)["length"] == [1, 5]


@requires_fastqc
def test_long_reads_equal_fastqc(case_files, fastqc_reports):
    quality = assert_equals_fastqc("long", case_files, fastqc_reports)
    assert len(quality["bases"]) == quality["length"][1]


@requires_fastqc
def test_a_single_read_equals_fastqc(case_files, fastqc_reports):
    """One read: no position holds more than 100 qualities, so each row is its mean six times."""
    quality = assert_equals_fastqc("single", case_files, fastqc_reports)
    assert quality["count"] == 1
    assert all(len(set(row)) == 1 for row in quality["bases"])


@requires_fastqc
def test_reads_of_length_zero_equal_fastqc(case_files, fastqc_reports):
    quality = assert_equals_fastqc("empty_reads", case_files, fastqc_reports)
    assert quality["length"][0] == 0
    assert sum(quality["sequences"]) < quality["count"]


def test_fastqc_groups_past_75_bp():
    assert fastqc_groups(75) == [(position, position) for position in range(1, 76)]
    assert fastqc_groups(76)[8:11] == [(9, 9), (10, 11), (12, 13)]
    assert fastqc_groups(76)[-1] == (76, 76)
    assert fastqc_groups(151)[9:11] == [(10, 14), (15, 19)]
    assert fastqc_groups(1000)[9:11] == [(10, 19), (20, 39)]
    assert all(len(fastqc_groups(length)) < 75 for length in range(76, 20000, 97))
