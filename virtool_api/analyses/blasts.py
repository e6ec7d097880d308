"""BLAST records of NuVs contigs: every write to their table (`nuvs_blast`, this domain's), and how the API
shows them on NuVs hits (`stored_results.py`); deleted with their analysis.

The BLAST domain (`blast/service.py`) decides when to start and check a BLAST; it asks these functions to
store what it learns. Every write made for a poller is conditional on the poller's claim and the row's id, so
a replaced BLAST (a repeat PUT deletes and re-inserts the row) or one taken over by another process is never
written by the old poller.
"""

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from virtool_api.analyses.results import NuvsBlastRecord
from virtool_api.analyses.sample_access import FIELD as SAMPLE_ACCESS
from virtool_api.analyses.tables import NuvsBlast
from virtool_api.context import Context
from virtool_api.errors import Conflict
from virtool_api.utils import utc_now

ALREADY_STARTING = Conflict.declare("Another BLAST of this sequence is being started")

CLAIM_LEASE = timedelta(minutes=2)
"""How long a claim holds without being renewed (a stopped or crashed poller's claims expire after it)."""


def render_blast(row: NuvsBlast | Row[Any]) -> NuvsBlastRecord:
    return NuvsBlastRecord.model_validate(row, from_attributes=True)


BLASTS = select(NuvsBlast.__table__).where(NuvsBlast.analysis_id == bindparam("analysis_id"))
"""An analysis's BLAST records (for `ctx.records.all`, `analysis_id` bound there)."""


async def blasts_by_sequence(ctx: Context, analysis_id: str) -> dict[int, NuvsBlastRecord]:
    (rows,) = await ctx.records.all(BLASTS, analysis_id=analysis_id)
    return {row.sequence_index: render_blast(row) for row in rows}


def blast_json_by_sequence(rows: Sequence[Row[Any]]) -> dict[int, bytes]:
    """BLAST records (rows of `BLASTS`) as JSON, by sequence index: what NuVs hits show as `blast`."""
    return {
        row.sequence_index: json.dumps(render_blast(row).model_dump(mode="json")).encode() for row in rows
    }


async def delete_blasts(ctx: Context, analysis_id: str) -> None:
    async with ctx.sessions() as session:
        await session.execute(delete(NuvsBlast).where(NuvsBlast.analysis_id == analysis_id))
        await session.commit()


BlastRow = NuvsBlast
"""A stored BLAST as the poller reads it (`get_blast_row`)."""


async def replace_blast(
    ctx: Context,
    *,
    analysis_id: str,
    sequence_index: int,
    sequence: str,
    backend: str,
    rid: str,
    claimant: str,
    interval: float,
    attempts: int = 3,
) -> tuple[NuvsBlastRecord, list[str | None]]:
    """Store a new BLAST of a contig, claimed by `claimant` and first checked after `interval` seconds, in
    place of any earlier one: the new record and the replaced BLASTs' request ids."""
    for attempt in range(attempts):
        now = utc_now()
        row = NuvsBlast(
            analysis_id=analysis_id,
            sequence_index=sequence_index,
            sequence=sequence,
            backend=backend,
            rid=rid,
            ready=False,
            interval=interval,
            created_at=now,
            updated_at=now,
            last_checked_at=now,
            next_check_at=now + timedelta(seconds=interval),
            result=None,
            error=None,
            claimed_by=claimant,
            claimed_until=now + CLAIM_LEASE,
        )
        same_contig = (NuvsBlast.analysis_id == analysis_id, NuvsBlast.sequence_index == sequence_index)
        async with ctx.sessions() as session:
            replaced = (
                await session.scalars(delete(NuvsBlast).where(*same_contig).returning(NuvsBlast.rid))
            ).all()
            session.add(row)
            try:
                await session.commit()
            except IntegrityError:
                # A concurrent PUT for the same contig inserted between our delete and insert: go again.
                await session.rollback()
                if attempt == attempts - 1:
                    raise ALREADY_STARTING from None
                continue
        return render_blast(row), list(replaced)
    raise ALREADY_STARTING


def _claimable(claimant: Any, now: Any) -> ColumnElement[bool]:
    """A claim `claimant` holds, or none live at `now` (values, or `bindparam`s in `DUE`)."""
    return or_(
        NuvsBlast.claimed_by == claimant,
        NuvsBlast.claimed_until.is_(None),
        NuvsBlast.claimed_until < now,
    )


DUE = select(NuvsBlast.id).where(
    NuvsBlast.ready.is_(False),
    NuvsBlast.error.is_(None),
    NuvsBlast.next_check_at <= bindparam("now"),
    _claimable(bindparam("claimant"), bindparam("now")),
)
"""Built once and read through `ctx.records` (every public process polls it, from its start on)."""


async def due_blasts(ctx: Context, claimant: str, now: datetime) -> Sequence[int]:
    """Ids of the BLASTs without an answer, due a check, that `claimant` holds or may take over."""
    (rows,) = await ctx.records.all(DUE, claimant=claimant, now=now)
    return [row[0] for row in rows]


async def claim_blast(ctx: Context, blast_id: int, claimant: str, now: datetime) -> bool:
    """Take (or renew) the claim on a BLAST unless another live claimant holds it; whether it was taken."""
    async with ctx.sessions() as session:
        result = await session.execute(
            update(NuvsBlast)
            .where(NuvsBlast.id == blast_id, _claimable(claimant, now))
            .values(claimed_by=claimant, claimed_until=now + CLAIM_LEASE)
        )
        await session.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


async def get_blast_row(ctx: Context, blast_id: int) -> NuvsBlast | None:
    async with ctx.sessions() as session:
        return await session.get(NuvsBlast, blast_id)


async def save_blast(ctx: Context, blast_id: int, claimant: str, **values: Any) -> None:
    """Record what a check found, only while `claimant` still holds the BLAST."""
    async with ctx.sessions() as session:
        await session.execute(
            update(NuvsBlast)
            .where(NuvsBlast.id == blast_id, NuvsBlast.claimed_by == claimant)
            .values(**values)
        )
        await session.commit()


async def release_claims(ctx: Context, claimant: str) -> None:
    """Hand back every claim `claimant` holds, so another process takes its BLASTs over at once."""
    async with ctx.sessions() as session:
        await session.execute(
            update(NuvsBlast)
            .where(NuvsBlast.claimed_by == claimant)
            .values(claimed_by=None, claimed_until=None)
        )
        await session.commit()


async def announce_blast(ctx: Context, blast_id: int) -> None:
    """Pages that follow the analysis live re-read it: its contig's BLAST has its answer."""
    row = await get_blast_row(ctx, blast_id)
    analysis = None if row is None else await ctx.db.analyses.find_one({"_id": row.analysis_id})
    if row is not None and analysis is not None:
        await ctx.changes.publish(
            "analyses", row.analysis_id, "update", {"sample": analysis.get(SAMPLE_ACCESS)}
        )
