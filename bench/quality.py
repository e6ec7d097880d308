"""Read quality against FastQC: our `read_quality` and `fastqc` alone, on the same simulated reads.

    .venv/bin/python bench/quality.py [--reads 1000000] [--repeat 1] [--workdir DIR]

Simulates `--reads` Illumina-like reads of 100 to 150 bp (gzip FASTQ, Phred+33; kept in `--workdir` for the
next run if given), then measures, each as a process of its own and interleaved `--repeat` times:

- ours: `python -c "read_quality([file])"`, imports included;
- FastQC: `fastqc --quiet --extract -o DIR file` (Debian's 0.11.9, its JVM start included), as Virtool's
  create-sample workflow runs it.

It prints the wall and CPU seconds and the peak resident memory of both (best of the repeats), and FastQC's
wall time over ours: 1.0 or more is at least FastQC's speed, below it exits with 1. It checks that our numbers
equal FastQC's report on the file (read as Virtool reads it), and measures ours again on a tenth of the reads:
the two peaks show memory flat in the number of reads.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.fastqc_reference import FASTQC, virtool_quality, write_simulated_fastq

ROOT = Path(__file__).resolve().parent.parent

OURS = """
import json, sys
from pathlib import Path
from virtool_api.runner.quality import read_quality
Path(sys.argv[2]).write_text(json.dumps(read_quality([Path(sys.argv[1])])))
"""

MEASURED = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mib": usage.ru_maxrss / 1024}))
"""
"""Runs a command and prints its wall and CPU seconds and its process tree's peak RSS (`ru_maxrss` of the
children of this small process, so nothing of the bench's own memory is counted)."""


def measure(command: list[str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, *command], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout)


def reads_file(directory: Path, count: int) -> Path:
    path = directory / f"simulated-{count}.fq.gz"
    if not path.exists():
        started = time.perf_counter()
        partial = directory / f"simulated-{count}.partial.fq.gz"
        write_simulated_fastq(partial, count, (100, 150), seed=count)
        partial.rename(path)
        seconds = time.perf_counter() - started
        print(f"simulated {count:,} reads in {seconds:.0f} s: {path.stat().st_size:,} bytes")
    return path


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return min(runs, key=lambda run: run["wall"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workdir", type=Path, help="keep the simulated reads here for the next run")
    args = parser.parse_args()
    if FASTQC is None:
        sys.exit("FastQC is not installed (Debian package fastqc)")
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        workdir = args.workdir or scratch
        workdir.mkdir(parents=True, exist_ok=True)
        reads = reads_file(workdir, args.reads)
        size = reads.stat().st_size
        tenth = reads_file(workdir, args.reads // 10)
        ours_json = scratch / "ours.json"
        ours_runs, fastqc_runs = [], []
        for repeat in range(args.repeat):
            output = scratch / f"fastqc-{repeat}"
            output.mkdir()
            ours_runs.append(measure([sys.executable, "-c", OURS, str(reads), str(ours_json)]))
            fastqc_runs.append(measure([FASTQC, "--quiet", "--extract", "-o", str(output), str(reads)]))
        report = scratch / "fastqc-0" / f"{reads.name.removesuffix('.fq.gz')}_fastqc" / "fastqc_data.txt"
        equal = json.loads(ours_json.read_text()) == virtool_quality([report])
        tenth_run = measure([sys.executable, "-c", OURS, str(tenth), str(scratch / "tenth.json")])
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    ours, fastqc = best(ours_runs), best(fastqc_runs)
    ratio = fastqc["wall"] / ours["wall"]
    print(f"{args.reads:,} reads of 100-150 bp, gzip ({size:,} bytes)")
    print(f"{'':10} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}")
    for name, run in (("ours", ours), ("FastQC", fastqc)):
        print(f"{name:10} {run['wall']:8.1f} {run['cpu']:8.1f} {run['peak_mib']:9.0f}")
    for name, runs in (("ours", ours_runs), ("FastQC", fastqc_runs)):
        walls = ", ".join(f"{run['wall']:.1f}" for run in runs)
        print(f"{name} wall s, each run: {walls}")
    print(f"FastQC / ours, wall: {ratio:.2f} (floor 1.0); CPU: {fastqc['cpu'] / ours['cpu']:.2f}")
    print(f"our numbers equal FastQC's: {equal}")
    tenth_peak, peak = tenth_run["peak_mib"], ours["peak_mib"]
    print(f"ours, peak MiB: {tenth_peak:.0f} for {args.reads // 10:,} reads, {peak:.0f} for all")
    print(f"load average (1 min) at the end: {Path('/proc/loadavg').read_text().split()[0]}")
    if ratio < 1.0 or not equal:
        sys.exit(1)


if __name__ == "__main__":
    main()
