"""Building the `Context` of a process: the stores connected, the data directory ready, and the domains
subscribed to each other's events (`subscriptions.py`)."""

from virtool_api.config import Config
from virtool_api.context import Context
from virtool_api.events import Events
from virtool_api.server.subscriptions import subscribe
from virtool_api.storage import mongo, revision, sql
from virtool_api.storage import redis as redis_store
from virtool_api.storage.changes import ChangeFeed
from virtool_api.storage.files import FileStore


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
    engine = sql.create_engine(url)
    if migrate_schema if migrate_schema is not None else config.postgres_url is None:
        if await revision.current_revision(engine) != revision.head_revision():
            # Here, not at the top: only a schema behind its head needs alembic (`storage/revision.py`).
            from virtool_api.storage import migrate

            await migrate.upgrade_to_head(url)

    mongo_client, db = mongo.connect(config.mongodb_url, config.data_path, config.store_timeout)
    await mongo.create_indexes(db)

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
