"""The CI workflow is pinned, least-privileged and on a supported runtime, and `make lint` keeps it so.

actionlint and zizmor (run by `make lint`) check the syntax, the shell steps, credentials and pinning; what
they cannot see through a commit SHA is the release it stands for, so the version comments are checked here.
"""

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"

FIRST_NODE24_MAJOR = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "docker/setup-buildx-action": 4,
    "docker/build-push-action": 7,
}
"""The first major release of each action that runs on node24 (node20 leaves GitHub's runners in 2026).
An action not listed here fails the test: add it with its first node24 major."""

PINNED = re.compile(r"^\s*-?\s*uses:\s*(?P<action>[^@\s]+)@(?P<sha>\S+)\s*#\s*v(?P<major>\d+)(?:\.\d+)*\s*$")


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_every_action_is_pinned_to_a_commit_of_a_node24_release():
    lines = [line for line in WORKFLOW.read_text().splitlines() if re.match(r"^\s*-?\s*uses:", line)]
    assert lines
    for line in lines:
        pinned = PINNED.match(line)
        assert pinned, f"not `uses: owner/action@<sha> # vX.Y.Z`: {line.strip()}"
        assert re.fullmatch(r"[0-9a-f]{40}", pinned["sha"]), f"not a full commit SHA: {line.strip()}"
        assert pinned["action"] in FIRST_NODE24_MAJOR, f"unknown action, add its node24 major: {line.strip()}"
        assert int(pinned["major"]) >= FIRST_NODE24_MAJOR[pinned["action"]], (
            f"node20 or older: {line.strip()}"
        )


def test_one_release_of_an_action_is_pinned_to_one_commit():
    pins: dict[str, set[str]] = {}
    for line in WORKFLOW.read_text().splitlines():
        if pinned := PINNED.match(line):
            pins.setdefault(pinned["action"], set()).add(pinned["sha"])
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}


def test_no_job_can_write(workflow):
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert job["permissions"] == {"contents": "read"}, name


def test_checkout_never_keeps_the_token(workflow):
    checkouts = [step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == len(workflow["jobs"])
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False


def test_make_lint_runs_actionlint_and_zizmor_offline():
    lint = re.search(r"^lint:.*?(?=^\S)", (ROOT / "Makefile").read_text(), flags=re.MULTILINE | re.DOTALL)
    assert lint is not None
    assert "$(BIN)/actionlint .github/workflows/" in lint.group(0)
    assert "$(BIN)/zizmor --offline" in lint.group(0)


def _tool(name: str) -> str:
    found = shutil.which(name) or str(ROOT / ".venv" / "bin" / name)
    if not Path(found).exists():
        pytest.skip(f"{name} is not installed (make installs it with the dev dependencies)")
    return found


def test_actionlint_finds_nothing():
    result = subprocess.run([_tool("actionlint"), str(WORKFLOW)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing():
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", str(WORKFLOW.parent)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_would_catch_an_unpinned_action_and_a_kept_token(tmp_path):
    """The check is real: the workflow as it was (tags, default checkout) fails it."""
    old = tmp_path / "ci.yml"
    old.write_text(
        "name: CI\non: push\npermissions: {}\njobs:\n  lint:\n    runs-on: ubuntu-latest\n"
        "    permissions:\n      contents: read\n    steps:\n      - uses: actions/checkout@v4\n"
    )
    result = subprocess.run(
        [_tool("zizmor"), "--offline", "--no-progress", str(old)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout and "artipacked" in result.stdout
