"""Read quality (`virtool_api/runner/quality.py`): FastQC's numbers on the same reads, malformed input,
progress, and memory flat in the number of reads.

The equality tests run the real FastQC (Debian's `fastqc`, 0.11.9) once over every input and read its
`fastqc_data.txt` the way Virtool's create-sample workflow does (`tests/support/fastqc_reference.py`), keeping
FastQC's printed digits where Virtool truncates them to integers: our numbers must equal those exactly.
"""

import bz2
import gzip
import random
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from tests.support.fastqc_reference import FASTQC, run_fastqc, virtool_quality, write_simulated_fastq
from virtool_api.runner.quality import BATCH_BASES, ReadQualityError, fastqc_groups, read_quality

pytestmark = pytest.mark.slow  # scheduled first: see `pytest_collection_modifyitems`

ROOT = Path(__file__).resolve().parents[2]
DEMO_READS = ROOT / "virtool_api" / "demo_data" / "reads-tmv-grapevine.fq.gz"

requires_fastqc = pytest.mark.skipif(
    FASTQC is None, reason="FastQC is not installed (Debian package fastqc): no reference to compare with"
)

Read = tuple[str, str]


def fastq(reads: Iterable[Read]) -> bytes:
    return "".join(
        f"@read{index} a comment\n{bases}\n+\n{quality}\n" for index, (bases, quality) in enumerate(reads)
    ).encode()


def write_fastq(path: Path, reads: Iterable[Read]) -> Path:
    """Write reads as FASTQ, gzip-compressed when the name ends in .gz."""
    data = fastq(reads)
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
        drift = [high - 4 - position * 0.05 for position in range(length)]
        quality = "".join(chr(max(low, min(high, int(rng.gauss(mean, 6))))) for mean in drift)
        reads.append(("".join(rng.choices(letters, k=length)), quality))
    return reads


def with_lowest_char(reads: list[Read], char: str) -> list[Read]:
    """The reads with the first quality character of the first read replaced by `char`."""
    (bases, quality), *rest = reads
    return [(bases, char + quality[1:]), *rest]


def reads_with_ns(seed: int) -> list[Read]:
    """Reads with N's (at position 3 in all of them), lowercase bases and IUPAC codes."""
    reads = simulated_reads(seed, 400, (20, 90), (35, 73), letters="ACGTACGTNacgtRY")
    return [(bases[:2] + "N" + bases[3:], quality) for bases, quality in reads]


CASES: dict[str, Callable[[], list[list[Read]]]] = {
    "varying": lambda: [simulated_reads(1, 3000, (30, 300), (35, 74))],
    "phred64": lambda: [simulated_reads(2, 1200, (76, 101), (66, 104))],
    "phred64_illumina13": lambda: [with_lowest_char(simulated_reads(3, 300, (40, 60), (65, 104)), "A")],
    "paired": lambda: [
        simulated_reads(4, 1500, (151, 151), (35, 74)),
        simulated_reads(5, 1500, (60, 120), (35, 74)),
    ],
    "ns": lambda: [reads_with_ns(6)],
    "short": lambda: [simulated_reads(7, 300, (1, 5), (35, 74))],
    "long": lambda: [simulated_reads(8, 150, (500, 6000), (35, 74))],
    "single": lambda: [simulated_reads(9, 1, (100, 100), (35, 74))],
    "empty_reads": lambda: [simulated_reads(10, 150, (0, 12), (35, 74))],
}
"""Each case's files (one or a pair), written as `<case>_1.fq.gz` and `<case>_2.fq` (plain, to cover both)."""


@pytest.fixture(scope="module")
def case_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    directory = tmp_path_factory.mktemp("reads")
    files = {"demo": [DEMO_READS]}
    for case, make_reads in CASES.items():
        names = [f"{case}_1.fq.gz", f"{case}_2.fq"]
        files[case] = [
            write_fastq(directory / name, reads) for name, reads in zip(names, make_reads(), strict=False)
        ]
    return files


@pytest.fixture(scope="module")
def fastqc_reports(
    case_files: dict[str, list[Path]], tmp_path_factory: pytest.TempPathFactory
) -> dict[Path, Path]:
    """One FastQC run over every input file: each file's `fastqc_data.txt` by the file's path."""
    return run_fastqc(
        [path for pair in case_files.values() for path in pair], tmp_path_factory.mktemp("fastqc")
    )


def assert_equals_fastqc(
    case: str, case_files: dict[str, list[Path]], fastqc_reports: dict[Path, Path]
) -> dict:
    paths = case_files[case]
    ours = read_quality(paths)
    assert ours == virtool_quality([fastqc_reports[path] for path in paths])
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
    quality = assert_equals_fastqc("phred64_illumina13", case_files, fastqc_reports)
    assert quality["encoding"] == "Illumina 1.3"


@requires_fastqc
def test_paired_files_equal_fastqc_combined_as_virtool_does(case_files, fastqc_reports):
    """151 bp (groups of 5) and 60 to 120 bp (groups of 2): each position the mean of the two files'."""
    quality = assert_equals_fastqc("paired", case_files, fastqc_reports)
    assert quality["count"] == 3000
    assert quality["length"][1] == 151
    first, second = (read_quality([path]) for path in case_files["paired"])
    assert quality["bases"][0] == [
        (a + b) / 2 for a, b in zip(first["bases"][0], second["bases"][0], strict=True)
    ]
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


def test_a_second_file_longer_than_the_first_gives_its_own_values_past_the_first(tmp_path):
    """Virtool's parse fails here; the positions only the second file reaches keep its values."""
    first = write_fastq(tmp_path / "first.fq", simulated_reads(11, 200, (50, 50), (35, 74)))
    second = write_fastq(tmp_path / "second.fq", simulated_reads(12, 200, (60, 60), (35, 74)))
    quality = read_quality([first, second])
    alone = read_quality([second])
    assert quality["length"] == [50, 60]
    assert len(quality["bases"]) == len(quality["composition"]) == 60
    assert quality["bases"][50:] == alone["bases"][50:]
    assert quality["bases"][49] != alone["bases"][49]


def test_two_files_is_the_most(tmp_path):
    path = write_fastq(tmp_path / "reads.fq", simulated_reads(13, 5, (10, 10), (35, 74)))
    with pytest.raises(ValueError, match="one or two files, not 3"):
        read_quality([path, path, path])


def assert_refused(path: Path, message: str) -> None:
    with pytest.raises(ReadQualityError) as error:
        read_quality([path])
    assert str(error.value) == message


def test_fasta_is_not_fastq(tmp_path):
    path = tmp_path / "reads.fa"
    path.write_bytes(b">read1\nACGT\n>read2\nACGT\n")
    assert_refused(
        path,
        "reads.fa is not valid FASTQ: Error in FASTQ file at line 1:"
        " Line expected to start with '@', but found '>'",
    )


def test_a_truncated_gzip_file(tmp_path):
    compressed = gzip.compress(fastq(simulated_reads(14, 2000, (100, 100), (35, 74))))
    path = tmp_path / "reads.fq.gz"
    path.write_bytes(compressed[: len(compressed) // 2])
    assert_refused(path, "reads.fq.gz is truncated: its gzip stream ends before its end")


def test_a_corrupt_gzip_file(tmp_path):
    compressed = gzip.compress(fastq(simulated_reads(15, 2000, (100, 100), (35, 74))))
    path = tmp_path / "reads.fq.gz"
    path.write_bytes(compressed[:20] + bytes(200) + compressed[220:])
    with pytest.raises(ReadQualityError, match=r"^reads\.fq\.gz is not valid gzip: "):
        read_quality([path])


def test_quality_string_of_another_length_than_the_sequence(tmp_path):
    path = tmp_path / "reads.fq"
    path.write_bytes(b"@read1\nACGTACGT\n+\nIIIIIIII\n@read2\nACGTACGT\n+\nIIIIIII\n")
    assert_refused(
        path,
        "reads.fq is not valid FASTQ: Error in FASTQ file at line 8: Length of sequence and qualities differ",
    )


def test_a_record_cut_short(tmp_path):
    path = tmp_path / "reads.fq"
    path.write_bytes(b"@read1\nACGTACGT\n+\nIIIIIIII\n@read2\nACG")
    with pytest.raises(ReadQualityError, match=r"^reads\.fq is not valid FASTQ: .*Premature end of file"):
        read_quality([path])


def test_a_blank_line_after_the_last_record(tmp_path):
    path = tmp_path / "reads.fq"
    path.write_bytes(b"@read1\nACGT\n+\nIIII\n\n")
    assert_refused(
        path,
        "reads.fq is not valid FASTQ: Error in FASTQ file at line 6: Premature end of file encountered."
        " The incomplete final record was: '\\n'",
    )


def test_an_empty_file(tmp_path):
    path = tmp_path / "reads.fq.gz"
    path.write_bytes(b"")
    assert_refused(path, "reads.fq.gz is empty")


def test_a_gzip_file_of_nothing(tmp_path):
    path = tmp_path / "reads.fq.gz"
    path.write_bytes(gzip.compress(b""))
    assert_refused(path, "reads.fq.gz contains no reads")


def test_a_quality_character_no_encoding_uses(tmp_path):
    path = tmp_path / "reads.fq"
    path.write_bytes(b"@read1\nACGT\n+\nII I\n")
    assert_refused(
        path,
        "reads.fq has the quality character ' ' (ASCII 32), which no FASTQ encoding uses"
        " (they run from '!' to '~')",
    )


def test_bzip2_reads(tmp_path):
    path = tmp_path / "reads.fq.bz2"
    path.write_bytes(bz2.compress(fastq(simulated_reads(16, 10, (10, 10), (35, 74)))))
    assert_refused(path, "reads.fq.bz2 is bzip2-compressed: reads must be FASTQ, gzipped or not")


def test_a_bad_second_file_is_named(tmp_path):
    first = write_fastq(tmp_path / "reads_1.fq.gz", simulated_reads(17, 10, (10, 10), (35, 74)))
    second = tmp_path / "reads_2.fq.gz"
    second.write_bytes(b"not reads at all\n")
    with pytest.raises(ReadQualityError, match=r"^reads_2\.fq\.gz is not valid FASTQ"):
        read_quality([first, second])


def test_gzip_is_known_by_its_content_not_its_name(tmp_path):
    reads = simulated_reads(18, 50, (30, 40), (35, 74))
    named_plain = tmp_path / "reads.fastq"
    named_plain.write_bytes(gzip.compress(fastq(reads)))
    named_gzip = tmp_path / "reads.fq.gz"
    named_gzip.write_bytes(fastq(reads))
    assert read_quality([named_plain]) == read_quality([named_gzip])


@pytest.fixture(scope="module")
def pair_of_batches(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two gzip files of several batches each."""
    directory = tmp_path_factory.mktemp("batches")
    count = 3 * BATCH_BASES // 100
    return [write_simulated_fastq(directory / f"reads_{n}.fq.gz", count, (90, 110), seed=n) for n in (1, 2)]


def test_progress_is_the_share_of_bytes_read(pair_of_batches):
    shares: list[float] = []
    quality = read_quality(pair_of_batches, shares.append)
    assert quality["count"] == 2 * 3 * BATCH_BASES // 100
    assert len(shares) >= 6
    assert shares == sorted(shares)
    assert 0 < shares[0] < 0.5
    assert any(0.5 < share < 1 for share in shares)
    assert shares[-1] == 1.0


def test_an_exception_raised_by_progress_stops_the_measurement(pair_of_batches):
    calls: list[float] = []

    def cancel(share: float) -> None:
        calls.append(share)
        raise RuntimeError("the job was cancelled")

    with pytest.raises(RuntimeError, match="the job was cancelled"):
        read_quality(pair_of_batches, cancel)
    assert len(calls) == 1


PEAK_RSS = """
import sys
from pathlib import Path
from virtool_api.runner.quality import read_quality
quality = read_quality([Path(sys.argv[1])])
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(quality["count"], peak.split()[1])
"""
"""Prints the read count and the process's peak resident memory in KiB (`VmHWM`: unlike `ru_maxrss`, not
inherited from the parent on Linux)."""


def peak_rss_kib(path: Path) -> tuple[int, int]:
    """The read count and the peak resident memory (KiB) of a fresh process measuring `path`."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(path)], cwd=ROOT, check=True, capture_output=True, text=True
    )
    count, peak = result.stdout.split()
    return int(count), int(peak)


def test_memory_is_flat_in_the_number_of_reads(tmp_path):
    """Ten times the reads (50 million bases, 100 MB of FASTQ) take no more memory at the peak."""
    small = write_simulated_fastq(tmp_path / "small.fq.gz", 40_000, seed=1)
    large = write_simulated_fastq(tmp_path / "large.fq.gz", 400_000, seed=2)
    small_count, small_peak = peak_rss_kib(small)
    large_count, large_peak = peak_rss_kib(large)
    assert (small_count, large_count) == (40_000, 400_000)
    assert large_peak - small_peak < 16 * 1024, (small_peak, large_peak)
