"""Throughput of file downloads and uploads through the job API, against a bare aiohttp server.

    .venv/bin/python bench/files.py [--size-mib 1024] [--repeat 3]

Two servers, each in its own process, on free ports of 127.0.0.1:

- ours: `virtool-api serve --only jobs` over a temporary data path (embedded stores, `Config.fsync` on);
- bare: this script with `--serve-bare`, a minimal aiohttp app doing the same I/O with nothing around it.

Download: `GET /api/samples/{id}/reads/reads_1.fq.gz` vs a handler returning `web.FileResponse(path)` of the
same file. Upload: `POST /api/analyses/{id}/files?name=...&format=bam` (multipart) vs a handler that reads the
part chunk by chunk, `os.write`s it to a temporary file in the same directory tree, fsyncs and renames it.
The same for a subtraction's files (a host genome's Bowtie2 index runs to several GB): an analysis job
downloads `GET /api/subtractions/{id}/files/subtraction.1.bt2`, create-subtraction jobs upload
`PUT /api/subtractions/{id}/files/subtraction.1.bt2` (one new subtraction and job per run).
The client streams: upload bodies come from a generator, downloads are discarded as they arrive. Each
measurement is the best of `--repeat` runs, ours and bare interleaved. Peak RSS is `VmHWM` of each server.
"""

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.payload import AsyncIterablePayload

MIB = 1024 * 1024
CHUNK_SIZE = MIB
TARGETS = {"download": 0.9, "upload": 0.7, "subtraction download": 0.9, "subtraction upload": 0.7}
_SCRIPT = Path(sys.executable).parent / "virtool-api"
SERVE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "virtool_api"]


# ---------------------------------------------------------------------------------------------------------
# The bare server (runs in its own process: `bench/files.py --serve-bare PORT FILE UPLOAD_DIR`)


def bare_app(download_path: Path, upload_dir: Path) -> web.Application:
    async def download(request: web.Request) -> web.FileResponse:
        return web.FileResponse(download_path)

    async def upload(request: web.Request) -> web.Response:
        reader = await request.multipart()
        part = await reader.next()
        assert isinstance(part, aiohttp.BodyPartReader)
        descriptor, temporary = tempfile.mkstemp(dir=upload_dir, prefix=".incoming-")
        size = 0
        try:
            while chunk := await part.read_chunk(CHUNK_SIZE):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(descriptor, view) :]
                size += len(chunk)
            await asyncio.to_thread(os.fsync, descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, upload_dir / f"{uuid.uuid4().hex}-{part.filename}")
        return web.json_response({"size": size}, status=201)

    app = web.Application()
    app.router.add_get("/download", download)
    app.router.add_post("/upload", upload)
    return app


def serve_bare(port: int, download_path: Path, upload_dir: Path) -> None:
    web.run_app(bare_app(download_path, upload_dir), host="127.0.0.1", port=port, access_log=None, print=None)


# ---------------------------------------------------------------------------------------------------------
# Helpers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def proc_status_kib(pid: int, field: str) -> int:
    """A `/proc/{pid}/status` figure such as `VmHWM` (peak resident set), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


async def wait_until_listening(process: subprocess.Popen, port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise RuntimeError(f"server on port {port} did not start within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def generated_chunks(size: int, first: bytes = b"") -> AsyncIterator[bytes]:
    """`size` bytes in `CHUNK_SIZE` pieces from one reused block: never more than a chunk in memory."""
    block = bytearray(os.urandom(CHUNK_SIZE))
    block[: len(first)] = first
    block = bytes(block)
    sent = 0
    while sent < size:
        piece = block if size - sent >= CHUNK_SIZE else block[: size - sent]
        yield piece
        sent += len(piece)


def multipart_body(size: int, filename: str) -> aiohttp.MultipartWriter:
    writer = aiohttp.MultipartWriter("form-data")
    payload = AsyncIterablePayload(generated_chunks(size), content_type="application/octet-stream")
    payload.set_content_disposition("form-data", name="file", filename=filename)
    writer.append_payload(payload)
    return writer


BENCH_QUALITY = {
    "bases": [[35.0, 35.0, 35.0, 35.0, 35.0, 35.0]],
    "composition": [[25.0, 25.0, 25.0, 25.0]],
    "count": 5000,
    "encoding": "Sanger / Illumina 1.9",
    "gc": 42.0,
    "length": [100, 100],
    "sequences": [0] * 30 + [5000],
}
"""A stand-in `quality` for the benchmarks' ready samples: what is measured never reads it."""


# ---------------------------------------------------------------------------------------------------------
# Setup: a ready sample with big reads and an analysis job over it, created before the server starts
# (the embedded document store is a file under the data path).


async def seed(data_path: Path, size: int, repeat: int) -> dict[str, Any]:
    from virtool_api.analyses.documents import create_analysis
    from virtool_api.config import Config
    from virtool_api.jobs.service import create_job
    from virtool_api.samples.documents import create_sample
    from virtool_api.samples.files import store_reads
    from virtool_api.server.context import create_context
    from virtool_api.storage.mongo import insert_with_random_id
    from virtool_api.subtractions.files import SUBTRACTION_FILES
    from virtool_api.utils import utc_now

    ctx = await create_context(Config(data_path=data_path, fsync=False))
    try:
        user = await insert_with_random_id(
            ctx.db.users, {"handle": "bench", "administrator": False, "groups": [], "created_at": utc_now()}
        )
        user_ref = {"id": user["_id"], "handle": user["handle"]}
        sample = await create_sample(
            ctx, name="Bench", user=user_ref, ready=True, quality=BENCH_QUALITY, status="available"
        )
        await store_reads(ctx, sample["_id"], "reads_1.fq.gz", generated_chunks(size, first=b"\x1f\x8b"))
        reference = await insert_with_random_id(ctx.db.references, {"name": "Bench", "data_type": "genome"})
        index = await insert_with_random_id(
            ctx.db.indexes, {"reference": {"id": reference["_id"]}, "version": 0, "ready": True}
        )
        host = await insert_with_random_id(
            ctx.db.subtractions,
            {"name": "Bench host", "nickname": "", "ready": True, "created_at": utc_now(), "user": user_ref},
        )
        await SUBTRACTION_FILES.store(ctx, host["_id"], "subtraction.1.bt2", generated_chunks(size))
        analysis = await create_analysis(
            ctx,
            sample=sample,
            workflow="pathoscope_bowtie",
            reference=reference,
            index=index,
            subtractions=[host],
            user=user_ref,
        )
        job = await create_job(
            ctx,
            "pathoscope_bowtie",
            {
                "analysis_id": analysis["_id"],
                "sample_id": sample["_id"],
                "ref_id": reference["_id"],
                "subtractions": [host["_id"]],
            },
            user_ref,
        )
        new_subtractions = []
        for attempt in range(repeat):
            subtraction = await insert_with_random_id(
                ctx.db.subtractions,
                {"name": f"New host {attempt}", "ready": False, "created_at": utc_now(), "user": user_ref},
            )
            builder = await create_job(
                ctx, "create_subtraction", {"subtraction_id": subtraction["_id"], "files": []}, user_ref
            )
            new_subtractions.append({"id": subtraction["_id"], "job_id": builder["_id"]})
        return {
            "sample_id": sample["_id"],
            "analysis_id": analysis["_id"],
            "job_id": job["_id"],
            "reads_path": str(ctx.files.reads_path(sample["_id"], "reads_1.fq.gz")),
            "host_id": host["_id"],
            "new_subtractions": new_subtractions,
        }
    finally:
        await ctx.close()


# ---------------------------------------------------------------------------------------------------------
# Measurements


async def download(session: aiohttp.ClientSession, url: str, size: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
    async with session.get(url, **kwargs) as response:
        assert response.status == 200, await response.text()
        received = 0
        async for chunk in response.content.iter_any():
            received += len(chunk)
    assert received == size, (received, size)


async def upload(
    session: aiohttp.ClientSession, url: str, size: int, filename: str, method: str = "POST", **kwargs
) -> None:  # type: ignore[no-untyped-def]
    async with session.request(method, url, data=multipart_body(size, filename), **kwargs) as response:
        body = await response.json()
        assert response.status == 201, body
    assert body["size"] == size, (body, size)


async def acquire(session: aiohttp.ClientSession, url: str, job_id: str) -> dict[str, str]:
    async with session.patch(f"{url}/jobs/{job_id}", json={"acquired": True}) as response:
        assert response.status == 200, await response.text()
        key = (await response.json())["key"]
    return {"Authorization": aiohttp.encode_basic_auth(f"job-{job_id}", key)}


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Measurements:
    """Wall time and server CPU time of every run, by (direction, server)."""

    def __init__(self) -> None:
        self.wall: dict[tuple[str, str], list[float]] = {}
        self.cpu: dict[tuple[str, str], list[float]] = {}

    async def measure(self, direction: str, server: str, pid: int, transfer) -> None:  # type: ignore[no-untyped-def]
        cpu, started = cpu_seconds(pid), time.perf_counter()
        await transfer
        self.wall.setdefault((direction, server), []).append(time.perf_counter() - started)
        self.cpu.setdefault((direction, server), []).append(cpu_seconds(pid) - cpu)


def clear_uploads(directory: Path, pattern: str) -> None:
    for path in directory.glob(pattern):
        path.unlink()


async def run(size: int, repeat: int) -> int:
    root = Path(tempfile.mkdtemp(prefix="virtool-bench-"))
    servers: list[subprocess.Popen] = []
    try:
        data_path = root / "data"
        bare_uploads = root / "bare-uploads"
        bare_uploads.mkdir()
        started = time.perf_counter()
        ids = await seed(data_path, size, repeat)
        print(f"{size / MIB:.0f} MiB test file written in {time.perf_counter() - started:.1f} s under {root}")

        ours_port, bare_port = free_port(), free_port()
        ours = subprocess.Popen(
            [
                *SERVE,
                "--log-level=warning",
                "serve",
                "--only=jobs",
                "--host=127.0.0.1",
                f"--jobs-port={ours_port}",
                f"--data-path={data_path}",
            ]
        )
        servers.append(ours)
        bare = subprocess.Popen(
            [sys.executable, __file__, "--serve-bare", str(bare_port), ids["reads_path"], str(bare_uploads)]
        )
        servers.append(bare)
        await wait_until_listening(ours, ours_port)
        await wait_until_listening(bare, bare_port)

        ours_url, bare_url = f"http://127.0.0.1:{ours_port}/api", f"http://127.0.0.1:{bare_port}"
        results = Measurements()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
            auth = await acquire(session, ours_url, ids["job_id"])
            baseline = {
                "ours": proc_status_kib(ours.pid, "VmHWM"),
                "bare": proc_status_kib(bare.pid, "VmHWM"),
            }

            reads_url = f"{ours_url}/samples/{ids['sample_id']}/reads/reads_1.fq.gz"
            for _ in range(repeat):
                await results.measure(
                    "download", "ours", ours.pid, download(session, reads_url, size, headers=auth)
                )
                await results.measure(
                    "download", "bare", bare.pid, download(session, f"{bare_url}/download", size)
                )

            analyses_dir = data_path / "analyses"
            for attempt in range(repeat):
                name = f"big-{attempt}.bam"
                files_url = f"{ours_url}/analyses/{ids['analysis_id']}/files?name={name}&format=bam"
                await results.measure(
                    "upload", "ours", ours.pid, upload(session, files_url, size, name, headers=auth)
                )
                clear_uploads(analyses_dir, f"*-{name}")
                await results.measure(
                    "upload", "bare", bare.pid, upload(session, f"{bare_url}/upload", size, name)
                )
                clear_uploads(bare_uploads, f"*-{name}")

            host_url = f"{ours_url}/subtractions/{ids['host_id']}/files/subtraction.1.bt2"
            for _ in range(repeat):
                await results.measure(
                    "subtraction download", "ours", ours.pid, download(session, host_url, size, headers=auth)
                )
                await results.measure(
                    "subtraction download", "bare", bare.pid, download(session, f"{bare_url}/download", size)
                )

            for new in ids["new_subtractions"]:
                new_auth = await acquire(session, ours_url, new["job_id"])
                name = "subtraction.1.bt2"
                url = f"{ours_url}/subtractions/{new['id']}/files/{name}?name={name}&format=unknown"
                await results.measure(
                    "subtraction upload",
                    "ours",
                    ours.pid,
                    upload(session, url, size, name, "PUT", headers=new_auth),
                )
                clear_uploads(data_path / "subtractions" / new["id"], name)
                await results.measure(
                    "subtraction upload", "bare", bare.pid, upload(session, f"{bare_url}/upload", size, name)
                )
                clear_uploads(bare_uploads, f"*-{name}")

        peak = {"ours": proc_status_kib(ours.pid, "VmHWM"), "bare": proc_status_kib(bare.pid, "VmHWM")}
        return report(size, repeat, results, baseline, peak)
    finally:
        for server in servers:
            stop(server)
        shutil.rmtree(root, ignore_errors=True)


def report(
    size: int, repeat: int, results: Measurements, baseline: dict[str, int], peak: dict[str, int]
) -> int:
    def rate(seconds: float) -> float:
        return size / seconds / 1e6

    print(
        f"\nbest of {repeat}, {size / MIB:.0f} MiB; MB/s = 10^6 bytes/s;"
        " server CPU s = user+system seconds per transfer"
    )
    print(
        f"{'':22}{'ours MB/s':>11}{'bare MB/s':>11}{'ours/bare':>11}{'target':>8}"
        f"{'':6}{'ours CPU s':>11}{'bare CPU s':>11}"
    )
    missed = 0
    for direction, target in TARGETS.items():
        ours, bare = results.wall[(direction, "ours")], results.wall[(direction, "bare")]
        ratio = rate(min(ours)) / rate(min(bare))
        missed += ratio < target
        print(
            f"{direction:22}{rate(min(ours)):11.0f}{rate(min(bare)):11.0f}{ratio:11.2f}{target:8.2f}"
            f" {'ok   ' if ratio >= target else 'BELOW'}"
            f"{min(results.cpu[(direction, 'ours')]):11.2f}{min(results.cpu[(direction, 'bare')]):11.2f}"
        )
        runs = ", ".join(f"{rate(a):.0f}/{rate(b):.0f}" for a, b in zip(ours, bare, strict=True))
        print(f"{'':22}every run, ours/bare MB/s: {runs}")
    print("\npeak RSS (VmHWM), MiB: after startup -> after all transfers")
    for name in ("ours", "bare"):
        print(f"  {name:6}{baseline[name] / 1024:8.1f} -> {peak[name] / 1024:8.1f}")
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the transferred file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts")
    parser.add_argument(
        "--serve-bare", nargs=3, metavar=("PORT", "FILE", "UPLOAD_DIR"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.serve_bare:
        port, download_path, upload_dir = args.serve_bare
        serve_bare(int(port), Path(download_path), Path(upload_dir))
        return 0
    return asyncio.run(run(args.size_mib * MIB, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
