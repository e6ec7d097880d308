"""Our runner against the tools alone: Pathoscope and create-sample jobs on simulated reads.

    .venv/bin/python bench/runner.py [--reads 1000000] [--memory-sizes 100000,300000] [--proc 2]

A real `virtool-api serve --no-runner` over a temporary data path and a real `virtool-api runner` process.
For each size, reads are simulated (TMV 40%, GLRaV3 20%, PVY 10%, host 30%, 100 bp, 0.5% substitutions);
the sample is created by the runner's `create_sample` job, then a Pathoscope analysis (with the host as a
subtraction) is run. Measured:

- **create_sample**: the job's time (from `preparing` to `complete`, as the server recorded them) against
  `fastqc` alone on the same file (when FastQC is installed);
- **pathoscope**: the job's time against the tools alone on the same work: the same `bowtie2` and
  `bowtie2-build` commands the workflow runs, on the same inputs, timed one after another in this process;
- the runner process's peak RSS (`VmHWM`: the runner's own memory, not its tools'), at each size, to see it
  stay flat as the reads grow.

Prints a table with ratios (job / tools alone). A run at 1,000,000 reads takes several minutes on 2 cores.
"""

import argparse
import asyncio
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.real_server import free_port, serve_command, wait_for_port  # noqa: E402
from virtool_api.dev import simulate  # noqa: E402
from virtool_api.dev.hmms import read_fasta_gz  # noqa: E402
from virtool_api.runner.alignments import FastqWriter, aligned_reads, references_hit  # noqa: E402
from virtool_api.runner.files import iter_otus, write_fasta  # noqa: E402
from virtool_api.runner.workflows.pathoscope import BOWTIE2_LOCAL, ISOLATE_HITS  # noqa: E402

DEMO = ROOT / "virtool_api" / "demo_data"


def simulated(count: int, host: str) -> bytes:
    genomes = read_fasta_gz(DEMO / "plant-viruses.fa.gz")
    shares = [("NC_001367", 0.4), ("NC_004667", 0.2), ("NC_001616", 0.1)]
    sources = [(name, genomes[name], int(count * share)) for name, share in shares]
    sources.append(("host", host, count - sum(source[2] for source in sources)))
    return simulate.reads(sources, seed=count)


class Server:
    def __init__(self, data_path: Path) -> None:
        self.data_path = data_path
        key = subprocess.run(
            [*serve_command(), "users", "create", "bench", "--admin", f"--data-path={data_path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self.headers = {"X-API-Key": key}
        self.port, self.jobs_port = free_port(), free_port()
        self.process = subprocess.Popen(
            [
                *serve_command(),
                "--log-level=warning",
                "serve",
                "--no-runner",
                "--host=127.0.0.1",
                f"--port={self.port}",
                f"--jobs-port={self.jobs_port}",
                f"--data-path={data_path}",
            ]
        )
        wait_for_port(self.process, self.port)
        wait_for_port(self.process, self.jobs_port)
        self.url = f"http://127.0.0.1:{self.port}/api"
        self.jobs_url = f"http://127.0.0.1:{self.jobs_port}/api"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=90)


def start_runner(jobs_url: str, work_path: Path, proc: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *serve_command(),
            "--log-level=warning",
            "runner",
            f"--jobs-url={jobs_url}",
            f"--work-path={work_path}",
            f"--proc={proc}",
        ]
    )


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def call(session: aiohttp.ClientSession, method: str, url: str, body: Any = None) -> Any:
    async with session.request(method, url, json=body) as response:
        assert response.status < 300, await response.text()
        return await response.json()


async def upload(session: aiohttp.ClientSession, url: str, data: bytes, kind: str, name: str) -> int:
    form = aiohttp.FormData()
    form.add_field("file", data, filename=name)
    async with session.post(f"{url}/uploads", params={"name": name, "type": kind}, data=form) as response:
        assert response.status == 201, await response.text()
        return (await response.json())["id"]


async def job_seconds(session: aiohttp.ClientSession, url: str, job_id: str) -> float:
    """Wait for the job to end; its time from `preparing` to `complete`."""
    while True:
        job = await call(session, "GET", f"{url}/jobs/{job_id}")
        if job["state"] in ("complete", "error", "cancelled", "timeout", "terminated"):
            break
        await asyncio.sleep(0.5)
    assert job["state"] == "complete", job["status"][-1]
    times = {entry["state"]: datetime.fromisoformat(entry["timestamp"]) for entry in job["status"]}
    return (times["complete"] - times["preparing"]).total_seconds()


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def pathoscope_tools_alone(work: Path, index_dir: Path, subtraction: Path, reads: Path, proc: int) -> float:
    """The workflow's tool commands, on the same inputs, timed alone (their inputs prepared untimed)."""
    bowtie2 = ["bowtie2", "-p", str(proc), *BOWTIE2_LOCAL]
    seconds = timed(
        [*bowtie2, "--no-unal", "-x", str(index_dir / "reference"), "-U", str(reads), "-S", "default.sam"],
        work,
    )
    hit = references_hit(work / "default.sam")
    candidates: dict[str, str] = {}
    for otu in iter_otus(index_dir / "reference.json.gz"):
        sequences = [s for isolate in otu["isolates"] for s in isolate["sequences"]]
        if any(sequence["_id"] in hit for sequence in sequences):
            candidates.update((sequence["_id"], sequence["sequence"]) for sequence in sequences)
    write_fasta(iter(candidates.items()), work / "isolates.fa")
    seconds += timed(["bowtie2-build", "--threads", str(proc), "isolates.fa", "isolates"], work)
    seconds += timed(
        [*bowtie2, "--no-unal", "-k", ISOLATE_HITS, "-x", "isolates", "-U", str(reads), "-S", "isolates.sam"],
        work,
    )
    writer = FastqWriter(work / "mapped.fq")
    for read in aligned_reads(work / "isolates.sam", sequences=True):
        writer.write(read)
    writer.close()
    seconds += timed(
        [*bowtie2, "--reorder", "-x", str(subtraction), "-U", "mapped.fq", "-S", "sub.sam"], work
    )
    return seconds


def fastqc_alone(reads: Path, work: Path) -> float | None:
    if shutil.which("fastqc") is None:
        return None
    out = work / "fastqc"
    out.mkdir(exist_ok=True)
    return timed(["fastqc", "-f", "fastq", "-o", str(out), str(reads)], work)


async def run(sizes: list[int], proc: int) -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-runner-"))
    host = simulate.random_genome(1_000_000, 0.4, seed=99)
    server = Server(base / "data")
    runner = start_runner(server.jobs_url, base / "work", proc)
    rows = []
    try:
        async with aiohttp.ClientSession(headers=server.headers) as session:
            url = server.url
            reference_upload = await upload(
                session,
                url,
                (DEMO / "plant-viruses.reference.json.gz").read_bytes(),
                "reference",
                "ref.json.gz",
            )
            reference = await call(session, "POST", f"{url}/references", {"import_from": reference_upload})
            index = await call(session, "POST", f"{url}/references/{reference['id']}/indexes")
            await job_seconds(session, url, index["job"]["id"])
            host_upload = await upload(
                session, url, gzip.compress(f">host\n{host}\n".encode(), 1), "subtraction", "host.fa.gz"
            )
            subtraction = await call(
                session, "POST", f"{url}/subtractions", {"name": "Host", "upload_id": host_upload}
            )
            await job_seconds(session, url, subtraction["job"]["id"])
            for count in sizes:
                reads = simulated(count, host)
                reads_path = base / f"reads-{count}.fq.gz"
                reads_path.write_bytes(reads)
                reads_upload = await upload(session, url, reads, "reads", "reads.fq.gz")
                sample = await call(
                    session, "POST", f"{url}/samples", {"name": f"Bench {count}", "files": [reads_upload]}
                )
                create_seconds = await job_seconds(session, url, sample["job"]["id"])
                analysis = await call(
                    session,
                    "POST",
                    f"{url}/samples/{sample['id']}/analyses",
                    {
                        "workflow": "pathoscope_bowtie",
                        "ref_id": reference["id"],
                        "subtractions": [subtraction["id"]],
                    },
                )
                pathoscope_seconds = await job_seconds(session, url, analysis["job"]["id"])
                rss = peak_rss_mib(runner.pid)
                work = base / f"floor-{count}"
                work.mkdir()
                index_dir = server.data_path / "indexes" / index["id"]
                subtraction_prefix = server.data_path / "subtractions" / subtraction["id"] / "subtraction"
                floor = pathoscope_tools_alone(work, index_dir, subtraction_prefix, reads_path, proc)
                fastqc = fastqc_alone(reads_path, work)
                rows.append((count, create_seconds, fastqc, pathoscope_seconds, floor, rss))
                shutil.rmtree(work)
                print(f"{count:>9,} reads done", flush=True)
    finally:
        runner.terminate()
        runner.wait(timeout=60)
        server.stop()
        shutil.rmtree(base, ignore_errors=True)

    print()
    print("| reads | create_sample | FastQC alone | ratio | pathoscope | tools alone | ratio | runner RSS |")
    print("|---|---|---|---|---|---|---|---|")
    for count, create_seconds, fastqc, pathoscope_seconds, floor, rss in rows:
        fastqc_text = f"{fastqc:.1f} s" if fastqc is not None else "n/a"
        fastqc_ratio = f"{create_seconds / fastqc:.2f}" if fastqc else "n/a"
        cells = [f"{count:,}", f"{create_seconds:.1f} s", fastqc_text, fastqc_ratio]
        cells += [f"{pathoscope_seconds:.1f} s", f"{floor:.1f} s", f"{pathoscope_seconds / floor:.2f}"]
        print("| " + " | ".join([*cells, f"{rss:.0f} MiB"]) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--memory-sizes", default="100000,300000", help="smaller sizes run first, for memory")
    parser.add_argument("--proc", type=int, default=2)
    options = parser.parse_args()
    sizes = sorted({*(int(size) for size in options.memory_sizes.split(",") if size), options.reads})
    asyncio.run(run(sizes, options.proc))


if __name__ == "__main__":
    main()
