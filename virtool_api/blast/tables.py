from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from virtool_api.storage.sql import Base


class NuvsBlast(Base):
    """One BLAST of one NuVs contig; a repeat BLAST of the same contig replaces the row.

    `claimed_by`/`claimed_until` let several server processes share the polling: only the process holding an
    unexpired claim checks the BLAST, and a claim left by a stopped process expires and is taken over.
    """

    __tablename__ = "nuvs_blast"
    __table_args__ = (UniqueConstraint("analysis_id", "sequence_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis_id: Mapped[str] = mapped_column(String(64), index=True)
    sequence_index: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[str] = mapped_column(Text)
    backend: Mapped[str] = mapped_column(String(16))
    rid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ready: Mapped[bool] = mapped_column(Boolean, default=False)
    interval: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_checked_at: Mapped[datetime]
    next_check_at: Mapped[datetime]
    result: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(nullable=True)
