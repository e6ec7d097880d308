"""Instructions a job's status post costs in our job API, by what the job works on, counted by callgrind.

    .venv/bin/python bench/read_instructions.py seed DATA_DIR [--size 1000]
    PYTHONHASHSEED=0 valgrind --tool=callgrind --fair-sched=yes --dump-before=os_getppid \
        --dump-before=os_getpgrp --callgrind-out-file=OUT.%p \
        .venv/bin/python bench/job_instructions.py DATA_DIR bare|analysis|create_sample|floor \
        [--runners 50] [--warm 2] [--posts 8]

`bare` jobs have no arguments (as `bench/requests.py`'s job API row); `analysis` jobs work on one of the
seeded analyses (`{"analysis_id", "sample_id"}`, as a real runner's), `create_sample` jobs on one of the
seeded samples; `floor` posts the same statuses to the floor's `POST /job/{id}/status` (`floor_app.py`: one
conditional `find_one_and_update` on the same store, no key, no history entry) on as many acquired jobs. The
job app (or the floor) is built in this process and handed requests without sockets (as
`read_instructions.py` does): each runner's job is acquired and posts `--warm` statuses, then `--posts` more
each, one runner after the other, between `os.getppid()` and `os.getpgrp()`: callgrind's part 2
(`OUT.<pid>.2`) over runners x posts is a post's instructions, every thread's. Fix `PYTHONHASHSEED`.
"""

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.http import HttpVersion11, RawRequestMessage
from aiohttp.streams import EMPTY_PAYLOAD, StreamReader
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.floor_app import floor_app
from bench.read_instructions import SEED_RECORD
from bench.read_instructions import _Protocol as _GetProtocol
from bench.request_data import waiting_job
from virtool_api.config import Config
from virtool_api.server.app import create_jobs_app
from virtool_api.server.context import create_context
from virtool_api.storage.docstore import DocumentClient

KINDS = {
    "bare": ("nuvs", lambda n: {}),
    "analysis": ("nuvs", lambda n: {"analysis_id": f"a{n:06d}1", "sample_id": f"s{n:06d}"}),
    "create_sample": ("create_sample", lambda n: {"sample_id": f"s{n:06d}"}),
}


class _Protocol(_GetProtocol):
    """A request with a body also asks its connection to pause and resume reading."""

    def pause_reading(self) -> None:
        pass

    def resume_reading(self, resume_parser: bool = True) -> None:
        pass


def request(method: str, path: str, headers: dict[str, str], body: Any = None) -> web.Request:
    protocol = _Protocol()
    payload = EMPTY_PAYLOAD
    if body is not None:
        data = json.dumps(body).encode()
        headers = {**headers, "Content-Type": "application/json", "Content-Length": str(len(data))}
        payload = StreamReader(protocol, 2**16, loop=asyncio.get_running_loop())  # type: ignore[arg-type]
        payload.feed_data(data)
        payload.feed_eof()
    proxy = CIMultiDictProxy(CIMultiDict(headers))
    raw = tuple((k.encode(), v.encode()) for k, v in headers.items())
    message = RawRequestMessage(method, path, HttpVersion11, proxy, raw, False, None, False, False, URL(path))
    return web.Request(message, payload, protocol, None, None, asyncio.get_running_loop())  # type: ignore[arg-type]


async def call(app: web.Application, method: str, path: str, headers: dict, body: Any, status: int) -> Any:
    response = await app._handle(request(method, path, headers, body))
    assert response.status == status, (path, response.status, response.body)
    return json.loads(response.body)


def status(number: int) -> dict[str, Any]:
    return {"state": "running", "progress": number % 100, "stage": "map", "step_name": "map"}


async def run(data: Path, kind: str, runners: int, warm: int, posts: int) -> None:
    if kind == "floor":
        await run_floor(data, runners, warm, posts)
        return
    workflow, args_of = KINDS[kind]
    with tempfile.TemporaryDirectory(prefix="job-instructions-") as root:
        copy = Path(root) / "data"
        shutil.copytree(data, copy)
        ctx = await create_context(Config(data_path=copy))
        app = create_jobs_app(ctx, watch_timeouts=False)
        app.freeze()
        now = datetime.now(UTC)
        ids = [f"bench-{kind}-{n:04d}" for n in range(runners)]
        await ctx.db.jobs.insert_many(
            [waiting_job(job_id, workflow, args_of(n), now) for n, job_id in enumerate(ids)]
        )
        jobs = []
        for job_id in ids:
            key = (await call(app, "PATCH", f"/api/jobs/{job_id}", {}, {"acquired": True}, 200))["key"]
            auth = aiohttp.encode_basic_auth(f"job-{job_id}", key)
            jobs.append((f"/api/jobs/{job_id}/status", {"Authorization": auth}))
        for number in range(warm):
            for path, headers in jobs:
                await call(app, "POST", path, headers, status(number), 201)
        os.getppid()  # callgrind: --dump-before=os_getppid
        for number in range(warm, warm + posts):
            for path, headers in jobs:
                await call(app, "POST", path, headers, status(number), 201)
        os.getpgrp()  # callgrind: --dump-before=os_getpgrp
        await ctx.close()


async def run_floor(data: Path, runners: int, warm: int, posts: int) -> None:
    """The floor's posts on `bare` jobs, acquired as ours are (the floor checks no key)."""
    seeded = json.loads((data / SEED_RECORD).read_text())
    with tempfile.TemporaryDirectory(prefix="job-instructions-") as root:
        copy = Path(root) / "data"
        shutil.copytree(data, copy)
        client = DocumentClient(copy / "db" / "documents.sqlite")
        now = datetime.now(UTC)
        ids = [f"bench-floor-{n:04d}" for n in range(runners)]
        acquired = {"acquired": True, "state": "preparing"}
        await client["virtool"].jobs.insert_many(
            [{**waiting_job(job_id, "nuvs", {}, now), **acquired} for job_id in ids]
        )
        client.close()
        app = floor_app(copy, seeded["member_id"], seeded["member_projects"][0])
        app.freeze()
        paths = [f"/job/{job_id}/status" for job_id in ids]
        for number in range(warm):
            for path in paths:
                await call(app, "POST", path, {}, status(number), 201)
        os.getppid()  # callgrind: --dump-before=os_getppid
        for number in range(warm, warm + posts):
            for path in paths:
                await call(app, "POST", path, {}, status(number), 201)
        os.getpgrp()  # callgrind: --dump-before=os_getpgrp


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("kind", choices=sorted([*KINDS, "floor"]))
    parser.add_argument("--runners", type=int, default=50)
    parser.add_argument("--warm", type=int, default=2)
    parser.add_argument("--posts", type=int, default=8)
    args = parser.parse_args()
    if not (args.data / SEED_RECORD).exists():
        sys.exit(f"seed {args.data} first: bench/read_instructions.py seed {args.data}")
    asyncio.run(run(args.data, args.kind, args.runners, args.warm, args.posts))


if __name__ == "__main__":
    main()
