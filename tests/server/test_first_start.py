"""Starting for the first time as a newcomer would: busy ports, stores created by mistake, the first
administrator on real databases, and several replicas migrating one PostgreSQL at once."""

import asyncio
import dataclasses
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from tests.support.real_server import free_port, serve_command
from tests.support.workers import MONGODB_URL, POSTGRES_URL
from virtool_api.cli import _no_administrator_hint, main
from virtool_api.operations.commands import program
from virtool_api.storage.migrate import MIGRATION_LOCK
from virtool_api.storage.revision import head_revision
from virtool_api.users.service import create_user


def environment() -> dict[str, str]:
    """This process's environment without VIRTOOL_* settings, so only the test's options apply."""
    return {name: value for name, value in os.environ.items() if not name.startswith("VIRTOOL_")}


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def serve(data_path: Path, *options: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*serve_command(), "serve", "--host=127.0.0.1", f"--data-path={data_path}", *options],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment(),
        check=False,
    )


# A busy port


def test_a_busy_public_port_is_one_line_before_anything_is_created(tmp_path, busy_port):
    data_path = tmp_path / "data"

    result = serve(data_path, f"--port={busy_port}", f"--jobs-port={free_port()}")

    assert result.returncode == 1
    assert result.stdout == "", "no setup link may be printed, and so lost"
    assert result.stderr == (
        f"Error: cannot listen on 127.0.0.1:{busy_port}: address already in use; "
        "choose another port with --port or VIRTOOL_PORT\n"
    )
    assert not data_path.exists(), "nothing is created"


def test_a_busy_job_api_port_names_its_own_option(tmp_path, busy_port):
    result = serve(tmp_path / "data", f"--port={free_port()}", f"--jobs-port={busy_port}")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{busy_port}: address already in use; "
        "choose another port with --jobs-port or VIRTOOL_JOBS_PORT"
    ]
    assert "Traceback" not in result.stderr


def test_one_port_for_both_apis_is_refused(tmp_path):
    port = free_port()
    result = serve(tmp_path / "data", f"--port={port}", f"--jobs-port={port}")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Error: --port and --jobs-port are both {port}: the two APIs need a port each"
    ]


def test_after_a_busy_port_the_next_start_still_prints_the_setup_link(tmp_path, busy_port):
    data_path = tmp_path / "data"
    assert serve(data_path, f"--port={busy_port}", f"--jobs-port={free_port()}").returncode == 1

    process = subprocess.Popen(
        [
            *serve_command(),
            "serve",
            "--host=127.0.0.1",
            f"--port={free_port()}",
            f"--jobs-port={free_port()}",
            f"--data-path={data_path}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=environment(),
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=30)

    assert banner.startswith("No administrator exists yet. Create the first one in a browser")


# A new, empty store


def test_a_command_that_creates_a_new_store_says_so_naming_the_path_and_option(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.startswith("VIRTOOL_")]:
        monkeypatch.delenv(name)

    result = CliRunner().invoke(main, ["users", "create", "carol"])

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "Note: creating a new, empty embedded document store and SQL store in "
        f"{(tmp_path / 'data').resolve()}: no store was there. To use an existing one, give its data path "
        "with --data-path or VIRTOOL_DATA_PATH."
    )
    assert len(result.stdout.strip()) == 64, "stdout still carries the key alone"

    again = CliRunner().invoke(main, ["users", "create", "dave"])
    assert again.exit_code == 0, again.output
    assert "Note:" not in again.stderr


def test_the_note_names_only_the_stores_created(tmp_path):
    data_path = tmp_path / "data"
    result = CliRunner().invoke(main, ["migrate", f"--data-path={data_path}"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Note: creating a new, empty embedded SQL store in ")

    # Without the tools on the PATH the seed makes only what needs none: seconds, not the whole demo.
    environment = {"VIRTOOL_DATA_PATH": str(data_path), "PATH": "/nonexistent"}
    result = CliRunner().invoke(main, ["dev", "seed"], env=environment)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Note: creating a new, empty embedded document store in ")


@pytest.mark.skipif(not MONGODB_URL, reason="needs VIRTOOL_TEST_MONGODB_URL")
def test_a_new_mongodb_database_is_named(tmp_path):
    base, _, query = (MONGODB_URL or "").partition("?")
    url = f"{base.rstrip('/')}/virtool_new_{time.time_ns()}" + (f"?{query}" if query else "")

    result = CliRunner().invoke(
        main, ["users", "create", "carol", f"--mongodb-url={url}", f"--data-path={tmp_path}"]
    )

    assert result.exit_code == 0, result.output
    assert "has no collections: it is a new, empty database" in result.stderr
    assert "--mongodb-url or VIRTOOL_MONGODB_URL" in result.stderr


# The first administrator on real databases


async def test_while_no_administrator_exists_serve_says_how_to_make_one(ctx):
    real = dataclasses.replace(
        ctx, config=dataclasses.replace(ctx.config, mongodb_url="mongodb://db:27017/v")
    )

    hint = await _no_administrator_hint(real)
    assert hint is not None
    assert hint.startswith(
        "no administrator exists yet: open the setup link that `serve` printed on standard output, or "
        f"create one with `{program()} users create HANDLE --admin`"
    )

    await create_user(ctx, "former", administrator=True)
    await ctx.db.users.update_one({"handle": "former"}, {"$set": {"active": False}})
    assert await _no_administrator_hint(real) is not None, "an inactive administrator manages nothing"

    await create_user(ctx, "root", administrator=True)
    assert await _no_administrator_hint(real) is None


@pytest.mark.skipif(not POSTGRES_URL, reason="needs VIRTOOL_TEST_POSTGRES_URL")
def test_serve_on_a_real_database_prints_the_setup_link_and_logs_the_terminal_way(tmp_path, postgres_schema):
    process = subprocess.Popen(
        [
            *serve_command(),
            "serve",
            "--host=127.0.0.1",
            f"--port={free_port()}",
            f"--jobs-port={free_port()}",
            f"--data-path={tmp_path / 'data'}",
            f"--postgres-url={POSTGRES_URL}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    lines = []
    try:
        assert process.stderr is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line, f"server exited: {''.join(lines)}"
            lines.append(line)
            if "no administrator exists yet" in line:
                break
        assert process.stdout is not None
        stdout = "".join(process.stdout.readline() for _ in range(3))
    finally:
        process.terminate()
        process.communicate(timeout=30)

    # Named as it can be run from where the server was started (`.venv/bin/virtool-api` unless on the PATH).
    assert " WARNING virtool_api: no administrator exists yet: open the setup link " in lines[-1]
    assert "virtool-api users create HANDLE --admin`" in lines[-1]
    # The link is on stdout only: logs are often collected where others read them.
    assert "/setup?token=" not in "".join(lines)
    assert "/setup?token=" in stdout


# Several replicas migrating at once


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """An empty database beside the test database: created once, its `public` schema emptied before and after.

    Emptied rather than dropped: PostgreSQL 15's DROP DATABASE waits for a checkpoint of the whole cluster,
    30 to 60 s on this shared machine while other suites write.
    """
    if not POSTGRES_URL:
        pytest.skip("needs VIRTOOL_TEST_POSTGRES_URL")
    base, _, rest = POSTGRES_URL.rpartition("/")
    name, _, query = rest.partition("?")
    fresh = f"{name}_migration_race"
    fresh_url = f"{base}/{fresh}" + (f"?{query}" if query else "")

    async def create() -> None:
        connection = await asyncpg.connect(POSTGRES_URL)
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", fresh):
                await connection.execute(f'CREATE DATABASE "{fresh}"')
        finally:
            await connection.close()

    async def empty() -> None:
        connection = await asyncpg.connect(fresh_url)
        try:
            await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        finally:
            await connection.close()

    asyncio.run(create())
    asyncio.run(empty())
    try:
        yield fresh_url
    finally:
        asyncio.run(empty())


def test_replicas_migrating_one_database_at_once_all_start(fresh_postgres, tmp_path):
    """Four processes migrate a new database together: each waits for the migration lock, then all succeed.

    The test holds the lock until all four are waiting for it, so they are released into the race at once.
    """

    def migrate(n: int) -> subprocess.Popen:
        return subprocess.Popen(
            [
                *serve_command(),
                "migrate",
                f"--postgres-url={fresh_postgres}",
                f"--data-path={tmp_path / str(n)}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )

    async def race() -> list[str]:
        holder = await asyncpg.connect(fresh_postgres)
        try:
            await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
            processes = [migrate(n) for n in range(4)]
            waiting_query = (
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            deadline = time.monotonic() + 90
            while await holder.fetchval(waiting_query) < 4:
                finished = [process.args for process in processes if process.poll() is not None]
                assert not finished, "a migration ran while another process held the migration lock"
                assert time.monotonic() < deadline, "the migrations never waited for the lock"
                await asyncio.sleep(0.1)
            await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)
            outcomes = await asyncio.gather(
                *(asyncio.to_thread(p.communicate, timeout=120) for p in processes)
            )
            for process, (_, stderr) in zip(processes, outcomes, strict=True):
                assert process.returncode == 0, stderr
            return [
                row["version_num"] for row in await holder.fetch("SELECT version_num FROM alembic_version")
            ]
        finally:
            await holder.close()

    assert asyncio.run(race()) == [head_revision()]
