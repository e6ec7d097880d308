"""The command `serve` starts its runner with is one the CLI accepts, with the values it was given: its
flags come from the settings' declarations, so renaming one cannot leave `serve` starting a runner that exits
at once."""

from pathlib import Path

import click

from virtool_api.operations.runner_main import main
from virtool_api.runner.supervisor import runner_command


def test_the_runner_command_parses_to_the_values_serve_gave(tmp_path: Path) -> None:
    command = runner_command(["--log-level=debug"], "http://127.0.0.1:9991/api", tmp_path / "work")
    assert command[1:3] == ["-m", "virtool_api.operations.runner_main"]

    arguments = command[3:]
    split = arguments.index("runner")
    main_context = main.make_context("virtool-api", arguments[:split], resilient_parsing=False)
    runner = main.get_command(main_context, "runner")
    assert isinstance(runner, click.Command)
    runner_context = runner.make_context("runner", arguments[split + 1 :], parent=main_context)

    assert main_context.params["log_level"] == "debug"
    assert runner_context.params["jobs_url"] == "http://127.0.0.1:9991/api"
    assert Path(runner_context.params["work_path"]) == tmp_path / "work"
