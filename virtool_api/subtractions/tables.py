from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from virtool_api.storage.sql import NEVER_REUSE_IDS, Base


class SubtractionFile(Base):
    """One file of a subtraction, stored as `subtractions/{subtraction}/{name}`."""

    __tablename__ = "subtraction_files"
    __table_args__ = (UniqueConstraint("subtraction", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subtraction: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime]
