"""BLAST records as the API shows them on NuVs hits (`stored_results.py`); deleted with their analysis."""

import json
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, select

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


def render_blast(row: NuvsBlast) -> NuvsBlastRecord:
    return NuvsBlastRecord.model_validate(row, from_attributes=True)


async def blasts_by_sequence(ctx: Context, analysis_id: str) -> dict[int, NuvsBlastRecord]:
    async with ctx.sessions() as session:
        rows = (await session.scalars(select(NuvsBlast).where(NuvsBlast.analysis_id == analysis_id))).all()
    return {row.sequence_index: render_blast(row) for row in rows}


async def blast_json_by_sequence(ctx: Context, analysis_id: str) -> dict[int, bytes]:
    """The analysis's BLAST records as JSON, by sequence index: what its NuVs hits show as `blast`."""
    return {
        index: json.dumps(record.model_dump(mode="json")).encode()
        for index, record in (await blasts_by_sequence(ctx, analysis_id)).items()
    }


async def delete_blasts(ctx: Context, analysis_id: str) -> None:
    async with ctx.sessions() as session:
        await session.execute(delete(NuvsBlast).where(NuvsBlast.analysis_id == analysis_id))
        await session.commit()
