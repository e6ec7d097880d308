"""NuVs analyses to BLAST and the ways the BLAST tests wait on their records: a contig that hits a known
sequence (`CONTIG_THAT_HITS`, cut from `KNOWN`) and one that hits nothing (`UNRELATED`)."""

import asyncio
import random
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from virtool_api.analyses.blasts import blasts_by_sequence
from virtool_api.analyses.tables import NuvsBlast
from virtool_api.users.service import user_ref
from virtool_api.utils import utc_now

rng = random.Random(20261123)
KNOWN = "".join(rng.choice("ACGT") for _ in range(600))
UNRELATED = "".join(rng.choice("ACGT") for _ in range(300))
CONTIG_THAT_HITS = KNOWN[100:400]


async def nuvs_analysis(factory, owner: dict[str, Any], ready: bool = True, workflow: str = "nuvs"):
    sample = await factory.sample(ready=True, user=user_ref(owner))
    analysis = await factory.analysis(sample=sample, workflow=workflow)
    results = {
        "hits": [
            {"index": 0, "sequence": CONTIG_THAT_HITS, "orfs": []},
            {"index": 3, "sequence": UNRELATED, "orfs": []},
        ]
    }
    await factory.ctx.db.analyses.update_one(
        {"_id": analysis["_id"]}, {"$set": {"ready": ready, "results": results if ready else None}}
    )
    return analysis


async def poll_runner(client, predicate, seconds: float = 20.0) -> None:
    """Drive the app's runner until `predicate()` holds (the background loop also runs; both are safe)."""
    for _ in range(int(seconds / 0.05)):
        if await predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached")


async def blast_of(ctx, analysis_id: str, index: int):
    return (await blasts_by_sequence(ctx, analysis_id)).get(index)


async def make_due(ctx) -> None:
    """Skip the growing wait between checks: tests measure behaviour, not time."""
    async with ctx.sessions() as session:
        for row in (await session.scalars(select(NuvsBlast))).all():
            row.next_check_at = utc_now() - timedelta(seconds=1)
        await session.commit()
