"""The hints the server and the CLI print name the command as it can be run from where it was started
(`virtool_api.operations.commands.program`): `.venv/bin/virtool-api ...` after `make run`, not a
`virtool-api` the shell would not find."""

import sys
from pathlib import Path

from virtool_api.operations.commands import program


def test_a_program_off_the_path_is_named_by_its_path(tmp_path: Path, monkeypatch) -> None:
    script = tmp_path / ".venv" / "bin" / "virtool-api"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr(sys, "argv", [str(script), "serve"])
    assert program() == ".venv/bin/virtool-api"


def test_a_program_the_path_finds_is_named_alone(tmp_path: Path, monkeypatch) -> None:
    script = tmp_path / "bin" / "virtool-api"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    monkeypatch.setattr(sys, "argv", [str(script), "serve"])
    assert program() == "virtool-api"


def test_python_dash_m_is_named_as_run(monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", ["/somewhere/virtool_api/__main__.py", "serve"])
    assert program().endswith(" -m virtool_api")
