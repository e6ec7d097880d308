"""The analysis listing's cost as the number of samples a caller may read grows.

    .venv/bin/python bench/analysis_listing.py [--samples 250,1000,4000] [--analyses 100] [--repeat 5]

For each `--samples` count, a fresh temporary data path (embedded stores) holds that many samples owned by one
user and `--analyses` analyses of the newest of them. It times the first page of `GET /api/analyses` through
the service layer (`analyses.service.find_analyses`, what the route calls) for that user, and for an
administrator, whose listing has no rights filter: the floor on the same data, in the same run. It prints the
median of `--repeat` runs, the ratio user/administrator and the growth of the user's time from the smallest
count to the largest (1.0 is flat).

To measure another checkout (before a change), run the script with `PYTHONPATH=/path/to/checkout`.
"""

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from virtool_api.analyses.documents import create_analysis
from virtool_api.analyses.service import find_analyses
from virtool_api.config import Config
from virtool_api.samples.documents import create_sample
from virtool_api.server.context import create_context
from virtool_api.utils import random_id, utc_now


async def seed(ctx: Any, samples: int, analyses: int) -> tuple[dict[str, Any], dict[str, Any]]:
    user = {"_id": "owner", "handle": "owner", "administrator": False, "groups": []}
    admin = {"_id": "admin", "handle": "admin", "administrator": True, "groups": []}
    await ctx.db.users.insert_many([dict(user), dict(admin)])
    template = await create_sample(ctx, name="template", user={"id": "owner", "handle": "owner"}, ready=True)
    await ctx.db.samples.delete_one({"_id": template["_id"]})
    documents = [
        {**template, "_id": random_id(), "name": f"Sample {number}", "created_at": utc_now()}
        for number in range(samples)
    ]
    await ctx.db.samples.insert_many(documents)
    reference = {"_id": "ref", "name": "Plant viruses", "data_type": "genome"}
    index = {"_id": "index", "version": 0}
    for sample in documents[-analyses:]:
        await create_analysis(
            ctx,
            sample=sample,
            workflow="pathoscope_bowtie",
            reference=reference,
            index=index,
            subtractions=[],
            user={"id": "owner", "handle": "owner"},
        )
    return user, admin


async def median_seconds(ctx: Any, caller: dict[str, Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = await find_analyses(ctx, caller, 1, 25)
        times.append(time.perf_counter() - start)
        assert len(result.documents) == min(25, result.found_count)
    return statistics.median(times)


async def measure(samples: int, analyses: int, repeat: int) -> tuple[float, float, int]:
    directory = Path(tempfile.mkdtemp(prefix="virtool-bench-"))
    try:
        ctx = await create_context(Config(data_path=directory / "data"))
        try:
            user, admin = await seed(ctx, samples, analyses)
            listed = (await find_analyses(ctx, user, 1, 25)).found_count
            return await median_seconds(ctx, user, repeat), await median_seconds(ctx, admin, repeat), listed
        finally:
            await ctx.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", default="250,1000,4000")
    parser.add_argument("--analyses", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    counts = [int(value) for value in options.samples.split(",")]
    print(f"{'readable samples':>16} {'analyses':>8} {'user ms':>9} {'admin ms':>9} {'user/admin':>10}")
    first = None
    for count in counts:
        user_time, admin_time, listed = await measure(count, options.analyses, options.repeat)
        first = first or user_time
        print(
            f"{count:>16} {listed:>8} {user_time * 1000:>9.1f} {admin_time * 1000:>9.1f}"
            f" {user_time / admin_time:>10.2f}"
        )
    growth = user_time / first
    print(f"growth of the user's listing, {counts[0]} -> {counts[-1]} readable samples: {growth:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
