"""an upload's reservation names the sample holding it

`uploads.reserved_by` is the id of the sample a reservation was made for. A process killed between reserving a
new sample's uploads and creating its job left them reserved with nothing to say by whom; now start-up can tell
which reservations no sample holds any more and free them (`samples/repair.py`). Reservations made before
this migration have `reserved_by` null and are adopted or freed by the same repair.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Adding a nullable column needs no table rebuild on SQLite, which keeps the table's AUTOINCREMENT.
    op.add_column("uploads", sa.Column("reserved_by", sa.String(64), nullable=True))
    op.create_index("ix_uploads_reserved_by", "uploads", ["reserved_by"])


def downgrade() -> None:
    op.drop_index("ix_uploads_reserved_by", "uploads")
    with op.batch_alter_table("uploads", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("reserved_by")
