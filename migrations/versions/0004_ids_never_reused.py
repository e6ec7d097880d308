"""row ids are never reused on SQLite (AUTOINCREMENT)

SQLite hands out `max(id) + 1` for an `INTEGER PRIMARY KEY` without `AUTOINCREMENT`: delete the newest upload
and the next one gets its id, so a finished job whose `args` still name that id would read someone else's file.
With `AUTOINCREMENT` SQLite remembers the largest id ever given (`sqlite_sequence`) and never goes below it.
The tables are rebuilt (SQLite cannot alter a primary key in place), rows, indexes and constraints kept.
PostgreSQL's sequences already never repeat a value: nothing changes there.

Ids deleted before this migration, above the largest id still present, are not known and can be given out
once more; a finished job can download nothing (409 "Job is finished"), which closes what that would open.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILE_RECORD_TABLES = ("analysis_files", "sample_reads", "sample_artifacts", "uploads", "nuvs_blast")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in FILE_RECORD_TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in FILE_RECORD_TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
