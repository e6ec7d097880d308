"""The SQL records of an analysis: its result files and the BLASTs of its NuVs contigs."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from virtool_api.storage.sql import NEVER_REUSE_IDS, Base


class AnalysisFile(Base):
    """A result file of an analysis, stored on disk as `analyses/{id}-{name}`."""

    __tablename__ = "analysis_files"
    __table_args__ = (UniqueConstraint("analysis", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    format: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    name_on_disk: Mapped[str] = mapped_column(String(300), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime]


class NuvsBlast(Base):
    """One BLAST of one NuVs contig; a repeat BLAST of the same contig replaces the row.

    `claimed_by`/`claimed_until` let several server processes share the polling: only the process holding an
    unexpired claim checks the BLAST, and a claim left by a stopped process expires and is taken over.
    """

    __tablename__ = "nuvs_blast"
    __table_args__ = (UniqueConstraint("analysis_id", "sequence_index"), NEVER_REUSE_IDS)

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
