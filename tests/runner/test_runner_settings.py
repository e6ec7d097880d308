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
