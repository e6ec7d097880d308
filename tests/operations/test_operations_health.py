"""Operating the server: health and readiness on both APIs, and readiness refused (503) while a store, the
data path or the schema is not ready."""

from tests.support.operations_helpers import HEAD, scrape
from virtool_api.config import Config
from virtool_api.server.app import create_jobs_app
from virtool_api.server.context import create_context
from virtool_api.storage import migrate

ALL_OK = {"document_store": "ok", "sql_store": "ok", "data_path": "ok", "migrations": "ok"}


async def test_health_on_the_public_api(public_client):
    response = await public_client.get("/api/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_health_on_the_job_api_needs_no_job_credentials(jobs_client):
    response = await jobs_client.get("/api/health")
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_ready_on_the_public_api(public_client):
    response = await public_client.get("/api/ready")
    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": ALL_OK}


async def test_ready_on_the_job_api(jobs_client):
    response = await jobs_client.get("/api/ready")
    assert response.status == 200
    assert await response.json() == {"status": "ready", "checks": ALL_OK}


async def test_ready_is_503_when_the_data_path_is_a_file(aiohttp_client, tmp_path):
    ctx = await create_context(Config(data_path=tmp_path / "data"), migrate_schema=True)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        assert (await client.get("/api/ready")).status == 200
        # The directory is gone and a file holds its name: no upload could be stored.
        (tmp_path / "data").rename(tmp_path / "moved")
        (tmp_path / "data").write_text("not a directory")

        response = await client.get("/api/ready")
        assert response.status == 503
        body = await response.json()
        assert body["id"] == "service_unavailable"
        assert body["message"].startswith("Not ready:")
        assert "data_path" in body["message"]
        assert body["checks"]["data_path"] == "not writable: Not a directory"
    finally:
        await ctx.close()


async def test_ready_is_503_and_jobs_go_unreported_when_the_document_store_is_gone(aiohttp_client, tmp_path):
    ctx = await create_context(Config(data_path=tmp_path / "data"), migrate_schema=True)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        assert ("virtool_jobs", (("state", "waiting"),)) in await scrape(client)
        await ctx.mongo_client.close()

        response = await client.get("/api/ready")
        assert response.status == 503
        body = await response.json()
        assert body["message"] == "Not ready: document_store"
        assert body["checks"]["document_store"].startswith("unreachable: ")
        assert {name: body["checks"][name] for name in ("sql_store", "data_path", "migrations")} == {
            "sql_store": "ok",
            "data_path": "ok",
            "migrations": "ok",
        }
        assert not any(name == "virtool_jobs" for name, _ in await scrape(client))
    finally:
        await ctx.engine.dispose()


async def test_ready_is_503_when_the_schema_is_behind(aiohttp_client, tmp_path):
    ctx = await create_context(Config(data_path=tmp_path / "data"), migrate_schema=False)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        response = await client.get("/api/ready")
        assert response.status == 503
        assert await response.json() == {
            "id": "service_unavailable",
            "message": "Not ready: migrations",
            "checks": {**ALL_OK, "migrations": f"at revision none, the newest is {HEAD}"},
        }
    finally:
        await ctx.close()


async def test_ready_turns_200_once_migrated(aiohttp_client, tmp_path):
    config = Config(data_path=tmp_path / "data")
    ctx = await create_context(config, migrate_schema=False)
    client = await aiohttp_client(create_jobs_app(ctx, watch_timeouts=False))
    try:
        assert (await client.get("/api/ready")).status == 503
        await migrate.upgrade_to_head(f"sqlite+aiosqlite:///{config.data_path.resolve() / 'virtool.sqlite3'}")
        response = await client.get("/api/ready")
        assert response.status == 200
        assert (await response.json())["checks"] == ALL_OK
    finally:
        await ctx.close()
