"""Instructions a `GET` of one sample or analysis costs, ours and the floor's, counted by callgrind.

    .venv/bin/python bench/read_instructions.py seed DATA_DIR [--size 1000]
    PYTHONHASHSEED=0 valgrind --tool=callgrind --fair-sched=yes --dump-before=os_getppid \
        --dump-before=os_getpgrp --callgrind-out-file=OUT.%p \
        .venv/bin/python bench/read_instructions.py run DATA_DIR sample|analysis [--floor] \
        [--warm 100] [--requests 300]
    .venv/bin/python bench/read_instructions.py bodies DATA_DIR OUT.json

`run` copies the seeded data, builds the public app (or the floor, `floor_app.py`) in this process and hands
it requests without sockets (aiohttp's HTTP parsing and writing are the floor's too, and the response is not
written): `--warm` first, then `--requests` between `os.getppid()` and `os.getpgrp()`, so that callgrind dumps
those requests alone as part 2 (`OUT.<pid>.2`): its `summary:` over `--requests` is a request's instructions,
every thread's. Fix `PYTHONHASHSEED`: the seed alone moves a request's count by tens of thousands. Counting
takes 3 to 10 minutes a run here; wall time on a shared machine is noise, this is not.

`bodies` writes the body of each of the first 200 samples and their analyses as the public app answers them,
to compare two commits byte for byte (`cmp`): a change for speed must answer the same.
"""

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.http import HttpVersion11, RawRequestMessage
from aiohttp.streams import EMPTY_PAYLOAD
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.floor_app import floor_app
from bench.request_data import seed
from virtool_api.config import Config
from virtool_api.server.app import create_public_app
from virtool_api.server.context import create_context

SEED_RECORD = "seeded.json"


def paths(kind: str, size: int, count: int, floor: bool) -> list[str]:
    """`count` paths of random samples or analyses (the same ones for ours and the floor, by a fixed seed)."""
    pick = random.Random(1)
    if kind == "sample":
        ids = [f"s{pick.randrange(size):06d}" for _ in range(count)]
        return [(f"/sample/{i}" if floor else f"/api/samples/{i}") for i in ids]
    ids = [f"a{pick.randrange(size):06d}{pick.randrange(3)}" for _ in range(count)]
    return [(f"/analysis/{i}" if floor else f"/api/analyses/{i}") for i in ids]


class _Transport:
    """What a request asks of its connection (aiohttp's test helper builds mocks, which cost more than
    the request: several million instructions)."""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 40000) if name in ("peername", "sockname") else default

    def is_closing(self) -> bool:
        return False


class _Protocol:
    def __init__(self) -> None:
        self.transport = _Transport()
        self.writer = None
        self.peername = self.sockname = ("127.0.0.1", 40000)
        self.ssl_context = None
        self.max_field_size = self.max_line_length = 8190
        self.max_headers = 128


def request(path: str, headers: dict[str, str]) -> web.Request:
    proxy = CIMultiDictProxy(CIMultiDict(headers))
    raw = tuple((k.encode(), v.encode()) for k, v in headers.items())
    message = RawRequestMessage("GET", path, HttpVersion11, proxy, raw, False, None, False, False, URL(path))
    protocol = _Protocol()
    return web.Request(message, EMPTY_PAYLOAD, protocol, None, None, asyncio.get_running_loop())


async def get(app: web.Application, path: str, headers: dict[str, str]) -> web.Response:
    response = await app._handle(request(path, headers))
    assert response.status == 200, (path, response.status, response.body)
    return response


@asynccontextmanager
async def seeded_app(
    data: Path, floor: bool = False
) -> AsyncIterator[tuple[web.Application, dict[str, Any]]]:
    """A copy of the seeded data, served by the public app (or the floor) built in this process, and what
    `seed` recorded of it; the copy and the app's context go at the end."""
    seeded = json.loads((data / SEED_RECORD).read_text())
    with tempfile.TemporaryDirectory(prefix="instructions-") as root:
        copy = Path(root) / "data"
        shutil.copytree(data, copy)
        ctx = None
        if floor:
            app = floor_app(copy, seeded["member_id"], seeded["member_projects"][0])
        else:
            ctx = await create_context(Config(data_path=copy))
            app = create_public_app(ctx)
        app.freeze()
        try:
            yield app, seeded
        finally:
            if ctx is not None:
                await ctx.close()


async def run(data: Path, kind: str, floor: bool, warm: int, count: int) -> None:
    async with seeded_app(data, floor) as (app, seeded):
        headers = {"X-API-Key": seeded["admin_key"]}
        for path in paths(kind, seeded["size"], warm, floor):
            await get(app, path, headers)
        measured = paths(kind, seeded["size"], count + warm, floor)[warm:]
        os.getppid()  # callgrind: --zero-before=os_getppid
        for path in measured:
            await get(app, path, headers)
        os.getpgrp()  # callgrind: --dump-before=os_getpgrp


async def bodies(data: Path) -> dict[str, Any]:
    """Every sample's and analysis's body as the public app answers it now (for before/after checks)."""
    async with seeded_app(data) as (app, seeded):
        headers = {"X-API-Key": seeded["admin_key"]}
        answers = {}
        for n in range(min(seeded["size"], 200)):
            for path in (f"/api/samples/s{n:06d}", *(f"/api/analyses/a{n:06d}{w}" for w in range(3))):
                response = await get(app, path, headers)
                answers[path] = [dict(response.headers), response.body.decode()]
    return answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["seed", "run", "bodies"])
    parser.add_argument("data", type=Path)
    parser.add_argument("what", nargs="?")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--warm", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    if args.command == "seed":
        (args.data / SEED_RECORD).write_text(json.dumps(asyncio.run(seed(args.data, args.size))))
    elif args.command == "run":
        asyncio.run(run(args.data, args.what, args.floor, args.warm, args.requests))
    else:
        Path(args.what).write_text(json.dumps(asyncio.run(bodies(args.data)), indent=0))


if __name__ == "__main__":
    main()
