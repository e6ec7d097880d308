from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from virtool_api.storage.sql import NEVER_REUSE_IDS, Base


class Upload(Base):
    """A file a user uploaded for a sample to come, stored on disk as `uploads/{id}-{name}`.

    `reserved` is set while a sample (its create-sample job) holds the upload, `reserved_by` names that
    sample; `removed` marks a deleted upload whose row is kept only until the file is gone.
    """

    __tablename__ = "uploads"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255))
    name_on_disk: Mapped[str] = mapped_column(String(300), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(32))
    user: Mapped[str] = mapped_column(String(64), index=True)
    reserved: Mapped[bool] = mapped_column(Boolean, default=False)
    reserved_by: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    """The sample the reservation was made for (null on reservations made before migration 0005)."""
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    uploaded_at: Mapped[datetime | None] = mapped_column(nullable=True)
