"""The suite's forked `virtool-api` processes (`tests/support/forked.py`) are what a test of a real process
needs: the arguments, environment, directory and streams given, a status as `subprocess.Popen` reports it,
and nothing of the zygote's left open."""

import os
import signal
import subprocess
from pathlib import Path

import pytest

from tests.support.forked import COMMAND, run_virtool_api, virtool_api_process
from tests.support.real_server import free_port, wait_for_port


def test_a_command_gets_its_arguments_and_streams_and_exits_with_its_status(tmp_path: Path) -> None:
    with (tmp_path / "out").open("w") as out:
        process = virtool_api_process(["users", "--help"], stdout=out)
    assert process.wait(timeout=30) == 0
    assert (tmp_path / "out").read_text().startswith(f"Usage: {COMMAND.name} users")

    refused = run_virtool_api(["serve", "--no-such-option"], timeout=30)
    assert refused.returncode == 2
    assert "Error: No such option '--no-such-option'." in refused.stderr
    assert refused.stdout == ""


def test_a_server_is_a_process_of_its_own_with_the_environment_and_directory_given(tmp_path: Path) -> None:
    port = free_port()
    environment = {**os.environ, "VIRTOOL_JOBS_PORT": str(port)}
    process = virtool_api_process(
        ["--log-level=warning", "serve", "--only=jobs", "--host=127.0.0.1", "--no-runner"],
        env=environment,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(process, port)  # the port given in its environment
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.1)
        assert process.poll() is None
        assert Path(f"/proc/{process.pid}/cwd").resolve() == tmp_path.resolve()
        assert (tmp_path / "data").is_dir()  # the default data path, under the directory given
        # Its standard streams are the files given; no pipe of the zygote's is left open in it.
        fds = {int(fd.name): os.readlink(fd) for fd in Path(f"/proc/{process.pid}/fd").iterdir()}
        assert fds[1] == fds[2] == os.devnull
        assert not [target for target in fds.values() if target.startswith("pipe:")]
    finally:
        process.kill()
    assert process.wait(timeout=30) == -signal.SIGKILL
    process.terminate()  # once it has exited, as with `Popen`, nothing happens


def test_an_environment_the_interpreter_reads_at_its_start_is_refused() -> None:
    with pytest.raises(ValueError, match="PYTHONHASHSEED"):
        virtool_api_process(["--help"], env={**os.environ, "PYTHONHASHSEED": "12345"})
