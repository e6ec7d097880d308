"""Where the CPU of a `GET` of one sample goes, part by part, against the floor's whole `GET` in the same run.

    .venv/bin/python bench/read_instructions.py seed DATA_DIR [--size 1000]
    .venv/bin/python bench/read_parts.py DATA_DIR [--count 2000] [--repeat 5]

In one process, on a copy of `read_instructions.py`'s seeded data and without sockets (as
`read_instructions.py` hands requests to the apps), the CPU (`process_time`, best of `--repeat` runs of
`--count` calls) of:

- the floor's whole `GET` of a sample (`floor_app.py`: one `find_one`) and of an analysis, and ours;
- each read ours makes for a sample, alone in a transaction of its own: the caller (their key by its hash,
  then their user), the sample, its labels, subtractions and job (`related_steps`), and its file records;
- making the response: validating its fields into dicts, and that with writing them (`SAMPLE_JSON`).

Each line prints its ratio to the floor's `GET` of a sample. `requests.py` measures a `GET`'s rate against the
floor's over HTTP: half the floor's rate needs ours within about twice the floor's CPU. The last lines add up
the least ours could cost with its reads and its response and no other code of its own: the floor's handling
of a request (its `GET` less its `find_one`), the caller's read, the sample's reads, and the response. The
reads alone pay a transaction each, where the whole `GET` pays one for the caller and the sample together,
so that sum is a little high (a few µs).
"""

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.read_instructions import get, paths, seeded_app
from virtool_api.api.keys import CONTEXT
from virtool_api.samples.documents import FILES, related_steps, sample_fields
from virtool_api.samples.models import SAMPLE_JSON
from virtool_api.samples.service import sample_read
from virtool_api.storage.steps import FindOne, Rows, Steps, run_steps
from virtool_api.users.keys import user_for_key_steps


def one(operation: Any) -> Steps[Any]:
    return (yield operation)


async def cpu(call: Callable[[], Awaitable[Any] | Any], count: int, repeat: int) -> float:
    """Microseconds of CPU a call, the best of `repeat` runs of `count` calls."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(count):
            result = call()
            if isinstance(result, Awaitable):
                await result
        best = min(best, (time.process_time() - start) / count * 1e6)
    return best


async def whole_gets(data: Path, count: int, repeat: int) -> dict[str, float]:
    """The CPU of a whole `GET` of a sample and of an analysis, the floor's and ours."""
    measured = {}
    for floor, who in ((True, "the floor"), (False, "ours")):
        async with seeded_app(data, floor) as (app, seeded):
            headers = {"X-API-Key": seeded["admin_key"]}
            for kind, article in (("sample", "a"), ("analysis", "an")):
                cycle = itertools.cycle(paths(kind, seeded["size"], count, floor))
                measured[f"{who}: GET {article} {kind}"] = await cpu(
                    lambda cycle=cycle, headers=headers, app=app: get(app, next(cycle), headers),
                    count,
                    repeat,
                )
    return measured


async def sample_parts(data: Path, count: int, repeat: int) -> dict[str, float]:
    """The CPU of each read and step of ours' `GET` of one sample, alone."""
    async with seeded_app(data) as (app, seeded):
        ctx = app[CONTEXT]
        db, key, sample_id = ctx.db, seeded["admin_key"], "s000001"
        document, related, files = await run_steps(db, sample_read(sample_id), records=ctx.records)
        fields = await sample_fields(ctx, document, related, files)
        parts: dict[str, Callable[[], Any]] = {
            "the floor's read alone: find_one of the sample": lambda: db.samples.find_one({"_id": sample_id}),
            "ours: the caller (key by its hash, then user)": lambda: run_steps(db, user_for_key_steps(key)),
            "ours: the sample (FindOne by _id)": lambda: run_steps(
                db, one(FindOne("samples", {"_id": sample_id}))
            ),
            "ours: its labels, subtractions and job": lambda: run_steps(db, related_steps(document)),
            "ours: its file records": lambda: run_steps(
                db, one(Rows.of(FILES, sample_id=sample_id)), records=ctx.records
            ),
            "ours: the sample and what it is shown with, together": lambda: run_steps(
                db, sample_read(sample_id), records=ctx.records
            ),
            "ours: validating the response's fields": lambda: SAMPLE_JSON.validated(fields),
            "ours: validating and writing the response": lambda: SAMPLE_JSON.json(fields),
        }
        return {name: await cpu(call, count, repeat) for name, call in parts.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    measured = asyncio.run(whole_gets(args.data, args.count, args.repeat))
    measured.update(asyncio.run(sample_parts(args.data, args.count, args.repeat)))
    floor = measured["the floor: GET a sample"]
    print("| what | µs of CPU | ratio to the floor's GET of a sample |\n|---|---|---|")
    for name, micros in measured.items():
        print(f"| {name} | {micros:.1f} | {micros / floor:.2f} |")
    handling = floor - measured["the floor's read alone: find_one of the sample"]
    reads = (
        measured["ours: the caller (key by its hash, then user)"]
        + measured["ours: the sample and what it is shown with, together"]
    )
    least = handling + reads + measured["ours: validating and writing the response"]
    print(
        f"\nHalf the floor's rate needs ours within about {2 * floor:.1f} µs (twice the floor's GET). The"
        f" floor's handling of a request ({handling:.1f}), ours' reads ({reads:.1f}) and its response"
        f" add up to {least:.1f} µs, {least / floor:.2f} times the floor's GET; ours' whole GET is"
        f" {measured['ours: GET a sample']:.1f} µs, {measured['ours: GET a sample'] / floor:.2f} times."
    )


if __name__ == "__main__":
    main()
