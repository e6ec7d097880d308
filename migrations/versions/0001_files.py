"""analysis files, sample reads and sample artifacts

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analysis_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("analysis", sa.String(64), nullable=False, index=True),
        sa.Column("description", sa.String(1024), nullable=True),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("name_on_disk", sa.String(300), nullable=False, unique=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("analysis", "name"),
    )
    op.create_table(
        "sample_reads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sample", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("name_on_disk", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("upload", sa.Integer, nullable=True),
        sa.UniqueConstraint("sample", "name"),
    )
    op.create_table(
        "sample_artifacts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sample", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("name_on_disk", sa.String(255), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sample", "name"),
    )


def downgrade() -> None:
    op.drop_table("sample_artifacts")
    op.drop_table("sample_reads")
    op.drop_table("analysis_files")
