"""The schema's revision read without alembic (`storage/revision.py`) agrees with alembic's, and a process
whose schema is at its head starts without importing alembic."""

import ast
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory

from virtool_api.storage.migrate import alembic_config, upgrade_to_head
from virtool_api.storage.revision import current_revision, head_revision, migrations_path
from virtool_api.storage.sql import create_engine, sqlalchemy_url


def _assigned(path: Path, name: str) -> Any:
    """The value a script assigns to `name` (annotated or not)."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            assert node.value is not None
            return ast.literal_eval(node.value)
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} assigns no {name}")


def test_each_script_is_named_after_its_revision_and_follows_the_one_before() -> None:
    scripts = sorted((migrations_path() / "versions").glob("[0-9]*_*.py"))
    assert len(scripts) == len(list((migrations_path() / "versions").glob("*.py")))
    revisions = [_assigned(path, "revision") for path in scripts]
    assert revisions == [path.name.partition("_")[0] for path in scripts]
    assert [_assigned(path, "down_revision") for path in scripts] == [None, *revisions[:-1]]


def test_the_head_is_alembics() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config("")).get_current_head()


async def test_the_current_revision_is_none_then_the_head(tmp_path: Path) -> None:
    url = sqlalchemy_url(None, tmp_path)
    engine = create_engine(url)
    try:
        assert await current_revision(engine) is None
        await upgrade_to_head(url)
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()


START = """
import asyncio, sys
from pathlib import Path
from virtool_api.config import Config
from virtool_api.server.context import create_context

async def start() -> None:
    ctx = await create_context(Config(data_path=Path(sys.argv[1])), migrate_schema=True)
    await ctx.close()

asyncio.run(start())
print("alembic" in sys.modules)
"""
"""A process's start on a data path, saying whether it imported alembic."""


def test_a_start_on_a_schema_at_its_head_imports_no_alembic(tmp_path: Path) -> None:
    imported = []
    for _ in range(2):
        started = subprocess.run(
            [sys.executable, "-c", START, str(tmp_path / "data")], capture_output=True, text=True, timeout=60
        )
        assert started.returncode == 0, started.stderr
        imported.append(started.stdout.strip())
    assert imported == ["True", "False"]  # the first start migrates a new store; the next finds it at head
