"""BLAST records as the API shows them, attached to their NuVs hits and deleted with their analysis."""

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


async def attach_blasts(ctx: Context, analysis: dict[str, Any]) -> dict[str, Any]:
    """Put each contig's BLAST record on its NuVs hit (`results.hits[i].blast`, null when never BLASTed)."""
    hits = (analysis.get("results") or {}).get("hits") if analysis.get("workflow") == "nuvs" else None
    if not isinstance(hits, list):
        return analysis
    blasts = await blasts_by_sequence(ctx, analysis["id"] if "id" in analysis else analysis["_id"])
    for hit in hits:
        if isinstance(hit, dict):
            index = hit.get("index")
            record = blasts.get(index) if isinstance(index, int) else None
            hit["blast"] = record.model_dump(mode="json") if record else None
    return analysis


async def delete_blasts(ctx: Context, analysis_id: str) -> None:
    async with ctx.sessions() as session:
        await session.execute(delete(NuvsBlast).where(NuvsBlast.analysis_id == analysis_id))
        await session.commit()
