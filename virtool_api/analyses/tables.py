from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from virtool_api.storage.sql import Base


class AnalysisFile(Base):
    """A result file of an analysis, stored on disk as `analyses/{id}-{name}`."""

    __tablename__ = "analysis_files"
    __table_args__ = (UniqueConstraint("analysis", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    analysis: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    format: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    name_on_disk: Mapped[str] = mapped_column(String(300), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime]
