"""Everything a service needs, built once per process: the stores, the data directory and the config.

`server/context.py` builds it (`create_context`), subscribing the domains to each other's events."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from virtool_api.config import Config
from virtool_api.events import Events
from virtool_api.storage import sql
from virtool_api.storage.changes import ChangeFeed
from virtool_api.storage.files import FileStore


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
