"""Instructions a listing page costs, ours and the floor's, counted by callgrind as `read_instructions.py`
counts a read.

    PYTHONHASHSEED=0 valgrind --tool=callgrind --fair-sched=yes --dump-before=os_getppid \
        --dump-before=os_getpgrp --callgrind-out-file=OUT.%p \
        .venv/bin/python bench/listing_instructions.py run DATA_DIR LISTING [--floor] [--warm 20] \
        [--requests 100]
    .venv/bin/python bench/listing_instructions.py bodies DATA_DIR OUT.json

`DATA_DIR` is seeded by `read_instructions.py seed`. `LISTING` is one of `LISTINGS`' names: `requests.py`'s
listing rows and `GET /api/subtractions/{id}`, with the member's or the administrator's key. `run` builds the
public app (or the floor, `floor_app.py`) in this process and hands it the same page `--warm` times, then
`--requests` times between `os.getppid()` and `os.getpgrp()`: callgrind's part 2 (`OUT.<pid>.2`) over
`--requests` is a page's instructions, every thread's. Fix `PYTHONHASHSEED`. `bodies` writes each listing's
headers and body, to compare two commits byte for byte (`cmp`).
"""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.read_instructions import get, request, seeded_app

LISTINGS = {
    # name: (who, our path, the floor's path)
    "jobs-member": ("member", "/api/jobs", "/jobs?who=member"),
    "jobs-admin": ("admin", "/api/jobs", "/jobs?who=admin"),
    "samples-admin": ("admin", "/api/samples", "/samples?who=admin"),
    "samples-member": ("member", "/api/samples", "/samples?who=member"),
    "samples-member-page": ("member", "/api/samples?page=4", "/samples?who=member&page=4"),
    "samples-project-admin": (
        "admin",
        "/api/samples?project={project}",
        "/samples?who=admin&project={project}",
    ),
    "analyses-admin": ("admin", "/api/analyses", "/analyses?who=admin"),
    "analyses-member": ("member", "/api/analyses", "/analyses?who=member"),
    "subtraction-admin": ("admin", "/api/subtractions/{subtraction}", "/subtraction/{subtraction}"),
}


def listing(seeded: dict[str, Any], name: str, floor: bool) -> tuple[str, dict[str, str]]:
    """The path of listing `name` and the headers of its caller."""
    who, ours, theirs = LISTINGS[name]
    path = (theirs if floor else ours).format(**seeded)
    return path, {"X-API-Key": seeded[f"{who}_key"]}


async def run(data: Path, name: str, floor: bool, warm: int, count: int) -> None:
    async with seeded_app(data, floor) as (app, seeded):
        path, headers = listing(seeded, name, floor)
        for _ in range(warm):
            await get(app, path, headers)
        os.getppid()  # callgrind: --dump-before=os_getppid
        for _ in range(count):
            await get(app, path, headers)
        os.getpgrp()  # callgrind: --dump-before=os_getpgrp


async def bodies(data: Path) -> dict[str, Any]:
    """Each listing's headers and body as the public app answers it now (for before/after checks)."""
    async with seeded_app(data) as (app, seeded):
        answers = {}
        for name in LISTINGS:
            path, headers = listing(seeded, name, False)
            for page in ("", "&page=2&per_page=100", "&state=waiting", "&workflow=nuvs"):
                paged = path + ("&" if "?" in path else "?") + page[1:] if page else path
                response = await app._handle(request(paged, headers))
                answers[f"{name} {paged}"] = [response.status, dict(response.headers), response.body.decode()]
    return answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["run", "bodies"])
    parser.add_argument("data", type=Path)
    parser.add_argument("what", nargs="?")
    parser.add_argument("--floor", action="store_true")
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    if args.command == "run":
        asyncio.run(run(args.data, args.what, args.floor, args.warm, args.requests))
    else:
        Path(args.what).write_text(json.dumps(asyncio.run(bodies(args.data)), indent=0))


if __name__ == "__main__":
    main()
