"""Every request against its floor: our server and a bare aiohttp app on the same data, in the same run.

    .venv/bin/python bench/requests.py [--sizes 1000,10000,100000] [--rounds 3] [--duration 3] [--data DIR]
                                       [--rows TEXT ...]

For each size (samples; three analyses and four jobs per sample), `request_data.py` fills a temporary data
path, and three processes serve it: `virtool-api serve --only public`, `virtool-api serve --only jobs` (the
embedded default: our document store and SQLite file records) and the floor (`floor_app.py`: one `find_one`,
or hand-written SQL on plain tables holding the same documents; no runner beside our job API). Each row
reports medians, and in its note each server's CPU time a request (read from `/proc`: steadier than wall time
on a machine other work shares):

- `GET` one sample or analysis (an administrator's API key; a random one each time): requests a second, 16 at
  a time for `--duration` seconds, ours then the floor, `--rounds` times; ratio ours / floor (the goal: at
  least 0.5);
- listings (a page of 25 with its counts, as an administrator or as a member of a group and a project, with
  each filter the web client offers) and `GET /api/subtractions/{id}`: milliseconds a request, one at a time,
  ours and the floor in turn (10 or 20 each, `--rounds` times); ratio ours / floor (the goal: at most 2, and
  under 50 ms). Ours and the floor must find the same count and
  the same first page: a row where they do not is marked `MISMATCH`;
- the job API: 200 runners posting statuses at once, ours then the floor `--rounds` times (posts a second,
  ratio ours / floor, goal at least 0.9),
  and 20 runners each posting 500 statuses to their job: ms a post over the first 50 and the last 50 (a job's
  500th post as fast as its first: growth 1.0).

Seeding 100k samples takes 5 to 15 minutes (bulk inserts, 2 shared cores); with `--data DIR` each size is
seeded once into `DIR` and copied for each run (the job API's part writes to the copy), so a second run starts
measuring at once. Ends with one table: every row at each size, and each one's growth from the smallest size
to the largest.
Run with `PYTHONPATH=/path/to/checkout` to measure another checkout (the data is the same for both).
`--rows TEXT` (repeatable) measures only the rows whose name contains one of the TEXTs (case-insensitive),
e.g. `--rows "GET /api/samples" --rows "job API"`.
"""

import argparse
import asyncio
import functools
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.request_data import seed, waiting_job
from tests.support.real_server import free_port, serve_command, wait_for_port
from virtool_api.storage.docstore import DocumentClient

CONCURRENCY = 16
SEED_RECORD = "seeded.json"
RUNNERS = 200
AGING_RUNNERS, AGING_POSTS, WINDOW = 20, 500, 50
LISTINGS = [
    # (row, who, our path, the floor's path)
    ("samples, administrator", "admin", "/api/samples", "/samples?who=admin"),
    ("samples, member", "member", "/api/samples", "/samples?who=member"),
    (
        "samples find=tomato, administrator",
        "admin",
        "/api/samples?find=tomato",
        "/samples?who=admin&find=tomato",
    ),
    ("samples find=tomato, member", "member", "/api/samples?find=tomato", "/samples?who=member&find=tomato"),
    (
        "samples by label, administrator",
        "admin",
        "/api/samples?label={label}",
        "/samples?who=admin&label={label}",
    ),
    ("samples by label, member", "member", "/api/samples?label={label}", "/samples?who=member&label={label}"),
    ("samples by tag, member", "member", "/api/samples?tag={tag}", "/samples?who=member&tag={tag}"),
    (
        "samples by project, administrator",
        "admin",
        "/api/samples?project={project}",
        "/samples?who=admin&project={project}",
    ),
    (
        "samples by status, member",
        "member",
        "/api/samples?status=available",
        "/samples?who=member&status=available",
    ),
    (
        "samples by visibility, member",
        "member",
        "/api/samples?visibility=public",
        "/samples?who=member&visibility=public",
    ),
    ("samples, member, page 40", "member", "/api/samples?page=40", "/samples?who=member&page=40"),
    ("analyses, administrator", "admin", "/api/analyses", "/analyses?who=admin"),
    ("analyses, member", "member", "/api/analyses", "/analyses?who=member"),
    ("jobs, administrator", "admin", "/api/jobs", "/jobs?who=admin"),
    ("jobs, member", "member", "/api/jobs", "/jobs?who=member"),
    ("GET /api/subtractions/{id}", "admin", "/api/subtractions/{subtraction}", "/subtraction/{subtraction}"),
]


@contextmanager
def process(command: list[str], port: int):  # type: ignore[no-untyped-def]
    child = subprocess.Popen(command, env=os.environ.copy())
    try:
        wait_for_port(child, port, timeout=600)
        yield child
    finally:
        child.terminate()
        child.wait(timeout=60)


def servers(data_path: Path, data: dict[str, Any], stack: ExitStack) -> dict[str, tuple[str, int]]:
    """Each server's base URL and process id."""
    public, jobs, floor = free_port(), free_port(), free_port()
    common = [
        *serve_command(),
        "--log-level=warning",
        "serve",
        "--host=127.0.0.1",
        f"--data-path={data_path}",
    ]
    floor_script = str(Path(__file__).with_name("floor_app.py"))
    member = [data["member_id"], data["member_projects"][0]]
    commands = {
        "public": ([*common, "--only=public", f"--port={public}"], public),
        # No runner: it would take the jobs the bench creates.
        "jobs": ([*common, "--only=jobs", "--no-runner", f"--jobs-port={jobs}"], jobs),
        "floor": ([sys.executable, floor_script, str(data_path), str(floor), *member], floor),
    }
    started = {}
    for name, (command, port) in commands.items():
        child = stack.enter_context(process(command, port))
        started[name] = (f"http://127.0.0.1:{port}", child.pid)
    return started


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (user and system, all its threads): steadier than wall time on a
    machine other work shares."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def rate(
    session: aiohttp.ClientSession, url: Callable[[], str], headers: dict, duration: float
) -> tuple[float, int]:
    """Requests a second, `CONCURRENCY` at a time, for `duration` seconds, and how many were made."""
    done = 0
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            async with session.get(url(), headers=headers) as response:
                assert response.status == 200, (response.status, await response.text())
                await response.read()
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return done / (time.perf_counter() - start), done


async def timed_get(session: aiohttp.ClientSession, url: str, headers: dict) -> tuple[float, Any]:
    """Milliseconds of one request, and its body."""
    start = time.perf_counter()
    async with session.get(url, headers=headers) as response:
        assert response.status == 200, (url, response.status, await response.text())
        body = await response.json()
    return (time.perf_counter() - start) * 1000, body


def page_shape(body: dict[str, Any]) -> Any:
    if "documents" in body:
        return (
            body["found_count"],
            body["total_count"],
            [d.get("id", d.get("_id")) for d in body["documents"]],
        )
    return sorted(sample["id"] for sample in body["linked_samples"])


async def status_posts(
    session: aiohttp.ClientSession, url: str, jobs: list[tuple[str, dict]], posts: int
) -> list:
    """Each job's runner posts `posts` statuses, all runners at once; returns each post's seconds."""
    times: list[list[float]] = []

    async def runner(job_id: str, headers: dict) -> None:
        mine = []
        for number in range(posts):
            start = time.perf_counter()
            body = {"state": "running", "progress": number % 100, "stage": "map", "step_name": "map"}
            async with session.post(url.format(id=job_id), json=body, headers=headers) as response:
                assert response.status == 201, (response.status, await response.text())
            mine.append(time.perf_counter() - start)
        times.append(mine)

    await asyncio.gather(*(runner(job_id, headers) for job_id, headers in jobs))
    return times


async def new_jobs(data_path: Path, count: int, prefix: str) -> list[str]:
    client = DocumentClient(data_path / "db" / "documents.sqlite")
    now = datetime.now(UTC)
    ids = [f"{prefix}{number:04d}" for number in range(count)]
    await client["virtool"].jobs.insert_many([waiting_job(job_id, "nuvs", {}, now) for job_id in ids])
    await client.aclose()
    return ids


async def acquired(session: aiohttp.ClientSession, base: str, ids: list[str]) -> list[tuple[str, dict]]:
    jobs = []
    for job_id in ids:
        async with session.patch(f"{base}/api/jobs/{job_id}", json={"acquired": True}) as response:
            key = (await response.json())["key"]
        jobs.append((job_id, {"Authorization": aiohttp.encode_basic_auth(f"job-{job_id}", key)}))
    return jobs


Results = dict[str, tuple[float, float, str]]
"""Each row: ours, the floor, and a note (`MISMATCH` when they answered differently)."""


class Run:
    """One size: the servers, an HTTP session, and the rows measured so far."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        started: dict[str, tuple[str, int]],
        data: dict[str, Any],
        rounds: int,
        rows: list[str] | None = None,
    ):
        self.session, self.data, self.rounds = session, data, rounds
        self.rows = [text.lower() for text in rows] if rows else None
        self.urls = {name: url for name, (url, _) in started.items()}
        self.pids = {name: pid for name, (_, pid) in started.items()}
        self.keys = {"admin": {"X-API-Key": data["admin_key"]}, "member": {"X-API-Key": data["member_key"]}}
        self.results: Results = {}

    def wanted(self, row: str) -> bool:
        """Whether `--rows` asks for this row (every row without it)."""
        return self.rows is None or any(text in row.lower() for text in self.rows)

    def record(self, row: str, measured: tuple[list[float], list[float]], note: str = "") -> None:
        self.results[row] = (statistics.median(measured[0]), statistics.median(measured[1]), note)
        ours, floor, _ = self.results[row]
        print(f"{self.data['size']}: {row}: {ours:,.1f} / {floor:,.1f} {note}", flush=True)

    async def reads(self, duration: float) -> None:
        size = self.data["size"]
        routes: list[tuple[str, str, str, Callable[[], str]]] = [
            (
                "GET /api/samples/{id} (req/s)",
                "/api/samples/",
                "/sample/",
                lambda: f"s{random.randrange(size):06d}",
            ),
            (
                "GET /api/analyses/{id} (req/s)",
                "/api/analyses/",
                "/analysis/",
                lambda: f"a{random.randrange(size):06d}{random.randrange(3)}",
            ),
        ]
        for row, our_path, floor_path, make in routes:
            if not self.wanted(row):
                continue
            ours = functools.partial(
                lambda prefix, make: prefix + make(), self.urls["public"] + our_path, make
            )
            floor = functools.partial(
                lambda prefix, make: prefix + make(), self.urls["floor"] + floor_path, make
            )
            measured: tuple[list[float], list[float]] = ([], [])
            used = {"public": [0.0, 0], "floor": [0.0, 0]}
            for _ in range(self.rounds):
                for into, name, url, headers in (
                    (0, "public", ours, self.keys["admin"]),
                    (1, "floor", floor, {}),
                ):
                    before = cpu_seconds(self.pids[name])
                    per_second, done = await rate(self.session, url, headers, duration)
                    used[name][0] += cpu_seconds(self.pids[name]) - before
                    used[name][1] += done
                    measured[into].append(per_second)
            cpu = {name: seconds * 1e6 / done for name, (seconds, done) in used.items()}
            self.record(row, measured, f"CPU {cpu['public']:,.0f} / {cpu['floor']:,.0f} µs a request")

    async def listings(self) -> None:
        """Ours and the floor one request each in turn (a burst of other work on the machine slows both), and
        each server's CPU time a request."""
        repeat = 10 if self.data["size"] >= 100_000 else 20
        for row, who, our_path, floor_path in LISTINGS:
            if not self.wanted(f"{row} (ms)"):
                continue
            our_url = self.urls["public"] + our_path.format(**self.data)
            floor_url = self.urls["floor"] + floor_path.format(**self.data)
            times: tuple[list[float], list[float]] = ([], [])
            cpu = {name: cpu_seconds(self.pids[name]) for name in ("public", "floor")}
            for _ in range(self.rounds * repeat):
                our_ms, our_body = await timed_get(self.session, our_url, self.keys[who])
                floor_ms, floor_body = await timed_get(self.session, floor_url, {})
                times[0].append(our_ms)
                times[1].append(floor_ms)
            used = {name: (cpu_seconds(self.pids[name]) - cpu[name]) * 1000 / len(times[0]) for name in cpu}
            same = page_shape(our_body) == page_shape(floor_body)
            note = f"CPU {used['public']:.1f} / {used['floor']:.1f} ms" + ("" if same else " MISMATCH")
            self.record(f"{row} (ms)", times, note)

    async def job_api(self, data_path: Path) -> None:
        rate_row = f"job API, {RUNNERS} runners posting status (posts/s)"
        aging_row = f"job API, ms a post: posts {AGING_POSTS - WINDOW + 1}-{AGING_POSTS} / 1-{WINDOW}"
        if not (self.wanted(rate_row) or self.wanted(aging_row)):
            return
        jobs_url = self.urls["jobs"] + "/api/jobs/{id}/status"
        ours = await acquired(
            self.session, self.urls["jobs"], await new_jobs(data_path, RUNNERS, "bench-ours-")
        )
        floor: list[tuple[str, dict]] = [
            (job_id, {}) for job_id in await new_jobs(data_path, RUNNERS, "bench-floor-")
        ]
        measured: tuple[list[float], list[float]] = ([], [])
        used = {"jobs": [0.0, 0], "floor": [0.0, 0]}
        floor_url = self.urls["floor"] + "/job/{id}/status"
        for _ in range(self.rounds):
            for into, name, jobs, url in ((0, "jobs", ours, jobs_url), (1, "floor", floor, floor_url)):
                before, started = cpu_seconds(self.pids[name]), time.perf_counter()
                posted = sum(map(len, await status_posts(self.session, url, jobs, 10)))
                measured[into].append(posted / (time.perf_counter() - started))
                used[name][0] += cpu_seconds(self.pids[name]) - before
                used[name][1] += posted
        cpu = {name: seconds * 1e6 / done for name, (seconds, done) in used.items()}
        self.record(
            rate_row,
            measured,
            f"CPU {cpu['jobs']:,.0f} / {cpu['floor']:,.0f} µs a post",
        )
        aging = await new_jobs(data_path, AGING_RUNNERS, "bench-aging-")
        times = await status_posts(
            self.session, jobs_url, await acquired(self.session, self.urls["jobs"], aging), AGING_POSTS
        )
        first = [statistics.median(t for runner in times for t in runner[:WINDOW]) * 1000]
        last = [statistics.median(t for runner in times for t in runner[-WINDOW:]) * 1000]
        self.record(aging_row, (last, first))


async def seeded(size: int, root: Path, keep: Path | None) -> tuple[Path, dict[str, Any]]:
    """A data path holding `size` samples, and what `seed` says of it; seeded into `keep` the first time."""
    data_path = root / f"data-{size}"
    kept = keep / f"data-{size}" if keep is not None else None
    if kept is not None and (kept / SEED_RECORD).exists():
        shutil.copytree(kept, data_path)
        return data_path, json.loads((kept / SEED_RECORD).read_text())
    start = time.perf_counter()
    data = await seed(kept or data_path, size)
    print(f"{size}: seeded in {time.perf_counter() - start:.0f} s", flush=True)
    if kept is not None:
        (kept / SEED_RECORD).write_text(json.dumps(data))
        shutil.copytree(kept, data_path)
    return data_path, data


async def measure(
    size: int, rounds: int, duration: float, root: Path, keep: Path | None, rows: list[str] | None
) -> Results:
    data_path, data = await seeded(size, root, keep)
    with ExitStack() as stack:
        urls = servers(data_path, data, stack)
        connector = aiohttp.TCPConnector(limit=400)
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=600), connector=connector
        ) as session:
            run = Run(session, urls, data, rounds, rows)
            await run.reads(duration)
            await run.listings()
            await run.job_api(data_path)
    shutil.rmtree(data_path, ignore_errors=True)
    return run.results


def report(sizes: list[int], results: dict[int, dict[str, tuple[float, float, str]]]) -> None:
    rows = list(results[sizes[0]])
    header = " | ".join(f"{size:,}: ours / floor (ratio)" for size in sizes)
    print(f"\n| row | {header} | growth of ours, {sizes[0]:,} → {sizes[-1]:,} |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for row in rows:
        cells = []
        for size in sizes:
            ours, floor, note = results[size][row]
            cells.append(f"{ours:,.1f} / {floor:,.1f} ({ours / floor:.2f}){' ' + note if note else ''}")
        growth = results[sizes[-1]][row][0] / results[sizes[0]][row][0]
        print(f"| {row} | {' | '.join(cells)} | x{growth:.2f} |")
    print("\nThe job API's last row: a post to a job at its 451st-500th status (ours) against its 1st-50th")
    print("(in the floor column): 1.0 is flat.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--data", type=Path, help="keep the seeded data here, to reuse in the next run")
    parser.add_argument(
        "--rows", action="append", metavar="TEXT", help="only the rows whose name contains TEXT (repeatable)"
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    root = Path(tempfile.mkdtemp(prefix="virtool-requests-bench-"))
    try:
        results = {
            size: asyncio.run(measure(size, args.rounds, args.duration, root, args.data, args.rows))
            for size in sizes
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report(sizes, results)


if __name__ == "__main__":
    main()
