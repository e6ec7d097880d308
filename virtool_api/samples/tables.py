from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from virtool_api.storage.sql import NEVER_REUSE_IDS, Base


class SampleReads(Base):
    """One reads file of a sample (`reads_1.fq.gz`, `reads_2.fq.gz`)."""

    __tablename__ = "sample_reads"
    __table_args__ = (UniqueConstraint("sample", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sample: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(32))
    name_on_disk: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime]
    upload: Mapped[int | None] = mapped_column(Integer, nullable=True)


class SampleArtifact(Base):
    """A file a create-sample job keeps beside the reads (e.g. a FastQC report)."""

    __tablename__ = "sample_artifacts"
    __table_args__ = (UniqueConstraint("sample", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sample: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    name_on_disk: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(16))
    uploaded_at: Mapped[datetime]
