"""Operating the server: the checks at startup. `serve` and `migrate` refuse to start, saying why, when a
store is unreachable, the data path cannot be a directory or the schema is behind; stores that are ready pass
and the checks leave nothing behind."""

import asyncio
import logging

import pytest
from click.testing import CliRunner

from tests.support.operations_helpers import HEAD
from tests.support.workers import POSTGRES_URL
from virtool_api.cli import main
from virtool_api.config import Config
from virtool_api.server.health import startup_problem


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """Invoke `virtool-api`; the root logging setup it installs is put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    runner = CliRunner()
    # Port 0: these starts are refused before listening, but the port check comes first and must pass.
    env = {"VIRTOOL_DATA_PATH": None, "VIRTOOL_PORT": "0", "VIRTOOL_JOBS_PORT": "0"}
    yield lambda *args: runner.invoke(main, list(args), env=env)
    root.handlers[:] = handlers
    root.setLevel(level)


def test_serve_refuses_an_unreachable_postgres(cli, tmp_path):
    result = cli(
        "serve", "--data-path", str(tmp_path), "--postgres-url", "postgresql://virtool:pw@127.0.0.1:1/x"
    )
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot reach PostgreSQL at postgresql://virtool:***@127.0.0.1:1/x: ")
    assert "pw@" not in result.output


def test_serve_refuses_an_unreachable_mongodb(cli, tmp_path):
    # Given up on after --store-timeout (5 s by default), twice: looking whether it is a new database, then
    # checking that it answers.
    url = "mongodb://admin:pw@127.0.0.1:1/virtool"
    result = cli("serve", "--data-path", str(tmp_path), "--mongodb-url", url, "--store-timeout", "0.5")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot reach MongoDB at mongodb://admin:***@127.0.0.1:1/virtool: ")
    assert "pw@" not in result.output


def test_serve_refuses_a_data_path_that_cannot_be_a_directory(cli, tmp_path):
    (tmp_path / "file").write_text("a file where a directory should be")
    result = cli("serve", "--data-path", str(tmp_path / "file" / "data"))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: data path {tmp_path / 'file' / 'data'} is not a writable directory: Not a directory"
    ]


def test_serve_no_migrate_refuses_a_schema_behind(cli, tmp_path):
    result = cli("serve", "--data-path", str(tmp_path), "--no-migrate")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: the SQL schema is at revision none, the newest is {HEAD}: "
        "run `virtool-api migrate` first, or start without --no-migrate"
    ]


def test_no_migrate_accepts_a_migrated_schema(cli, tmp_path):
    result = cli("migrate", "--data-path", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert asyncio.run(startup_problem(Config(data_path=tmp_path), check_schema=True)) is None


def test_migrate_refuses_an_unreachable_postgres(cli, tmp_path):
    result = cli("migrate", "--data-path", str(tmp_path), "--postgres-url", "postgresql://u@127.0.0.1:1/x")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: cannot reach PostgreSQL at postgresql://u@127.0.0.1:1/x: ")


@pytest.mark.skipif(not POSTGRES_URL, reason="needs VIRTOOL_TEST_POSTGRES_URL")
async def test_a_reachable_migrated_postgres_passes(postgres_schema, tmp_path):
    config = Config(data_path=tmp_path, postgres_url=POSTGRES_URL)
    assert await startup_problem(config, check_schema=True) is None


async def test_the_startup_checks_leave_no_probe_file_behind(tmp_path):
    assert await startup_problem(Config(data_path=tmp_path / "data")) is None
    assert [path.name for path in (tmp_path / "data").iterdir() if path.name.startswith(".ready-")] == []
