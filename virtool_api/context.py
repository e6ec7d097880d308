"""Everything a service needs, built once per process: the stores, the data directory and the config."""

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from virtool_api.config import Config
from virtool_api.events import Events
from virtool_api.storage import migrate, mongo, sql
from virtool_api.storage import redis as redis_store
from virtool_api.storage.changes import ChangeFeed
from virtool_api.storage.files import FileStore

logger = logging.getLogger(__name__)


@dataclass
class Context:
    config: Config
    mongo_client: Any
    db: Any
    engine: AsyncEngine
    sessions: async_sessionmaker
    records: sql.Records
    """Reads of file records on hot paths (one hop for several statements; see `storage/sql.py`)."""
    files: FileStore
    events: Events
    redis: Any = None
    """The Redis client jobs are handed off through, or None (see `jobs/handoff.py`)."""
    changes: ChangeFeed = field(default_factory=ChangeFeed)
    """What changed, for pages that follow it live (`storage/changes.py`): through Redis when there is one."""

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()
        self.records.close()
        await self.engine.dispose()
        await self.mongo_client.close()


async def create_context(config: Config, migrate_schema: bool | None = None) -> Context:
    """Connect both stores and prepare the data directory.

    `serve` asks for migrations unless started with `--no-migrate` (on PostgreSQL they hold an advisory lock,
    so replicas starting together migrate once: storage/migrate.py). By default (`migrate_schema=None`, the
    `users` and `dev` commands) only the embedded SQLite is migrated; a real database is left to `serve` or
    `virtool-api migrate`.
    """
    config.data_path.mkdir(parents=True, exist_ok=True)
    files = FileStore(config.data_path, fsync=config.fsync)
    files.ensure_layout()
    files.sweep_stale_incoming()

    url = sql.sqlalchemy_url(config.postgres_url, config.data_path)
    if migrate_schema if migrate_schema is not None else config.postgres_url is None:
        await migrate.upgrade_to_head(url)
    engine = sql.create_engine(url)

    mongo_client, db = mongo.connect(config.mongodb_url, config.data_path)
    await mongo.create_indexes(db)

    # Imported here, not above: the domains it wires import this module for `Context`.
    from virtool_api.server.subscriptions import subscribe

    events = Events()
    subscribe(events)
    redis = redis_store.connect(config.redis_url)
    return Context(
        config=config,
        mongo_client=mongo_client,
        db=db,
        engine=engine,
        sessions=sql.create_sessionmaker(engine),
        records=sql.Records(engine),
        files=files,
        events=events,
        redis=redis,
        changes=ChangeFeed(redis),
    )
