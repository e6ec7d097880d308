from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from virtool_api.storage.sql import NEVER_REUSE_IDS, Base


class IndexFile(Base):
    """One file of a reference index, stored as `indexes/{index}/{name}`."""

    __tablename__ = "index_files"
    __table_args__ = (UniqueConstraint("index", "name"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    index: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_at: Mapped[datetime]
