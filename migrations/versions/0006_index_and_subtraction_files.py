"""Files of reference indexes and of subtractions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "index_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("index", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("index", "name"),
        # Ids are never given out twice on SQLite either (see 0004).
        sqlite_autoincrement=True,
    )
    op.create_table(
        "subtraction_files",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subtraction", sa.String(64), nullable=False, index=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("subtraction", "name"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("subtraction_files")
    op.drop_table("index_files")
