"""BLAST records as the API shows them on NuVs hits (`stored_results.py`); deleted with their analysis."""

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Row, bindparam, delete, select

from virtool_api.analyses.tables import NuvsBlast
from virtool_api.context import Context
from virtool_api.models import Timestamp


class NuvsBlastRecord(BaseModel):
    id: int
    analysis_id: str
    sequence_index: int
    rid: str | None
    ready: bool
    interval: float
    created_at: Timestamp
    updated_at: Timestamp
    last_checked_at: Timestamp
    result: Any = None
    error: str | None = None


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
