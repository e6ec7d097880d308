"""The runner's settings live apart from its workflows: the server builds its runner's command line from them
without importing what the workflows need."""

import subprocess
import sys

from virtool_api.runner.settings import RUNNER_WORKFLOWS, RunnerSettings
from virtool_api.runner.workflows import WORKFLOWS


def test_the_settings_name_the_workflows_the_runner_runs():
    assert [workflow.value for workflow in RUNNER_WORKFLOWS] == list(WORKFLOWS)
    assert RunnerSettings().workflows == list(WORKFLOWS)


def test_the_server_command_imports_no_workflow_until_runner_is_asked_for():
    """`virtool-api serve` imports the CLI; `virtool-api runner` its workflows, when it is asked for."""
    probe = (
        "import sys, click; from virtool_api.cli import main; "
        "loaded = lambda: sorted(m for m in ('numpy', 'virtool_api.runner.workflows') if m in sys.modules); "
        "print(loaded()); main.get_command(click.Context(main), 'runner'); print(loaded())"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.splitlines() == ["[]", "['numpy', 'virtool_api.runner.workflows']"]


def test_a_runner_process_imports_none_of_the_stores():
    """The runner is a client of the job API: its process (`operations/runner_main.py`) loads neither a
    store's driver nor our store code (they had come with `jobs/models.py` through `pagination.py`: 0.6 s of
    CPU at each runner's start)."""
    probe = (
        "import sys, virtool_api.operations.runner_main, virtool_api.runner.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'pymongo', 'alembic', "
        "'aiosqlite', 'asyncpg') or m.startswith('virtool_api.storage')))"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
