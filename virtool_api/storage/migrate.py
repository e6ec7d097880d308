"""Schema changes only through alembic. `virtool-api migrate` and `serve` (unless `--no-migrate`, and when the
schema is behind its head: `revision.py`) call `upgrade_to_head`; on PostgreSQL it holds an advisory lock
(migrations/env.py), so any number of processes may start at once: one migrates, the others wait and find the
schema at head."""

import asyncio

from alembic import command
from alembic.config import Config as AlembicConfig

from virtool_api.storage.revision import migrations_path

MIGRATION_LOCK = 0x76697274_6F6F6C
"""The PostgreSQL advisory lock key every migration holds ("virtool" in ASCII)."""


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(migrations_path()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade_to_head(url: str) -> None:
    # alembic's env.py runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
