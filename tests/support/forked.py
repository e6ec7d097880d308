"""`virtool-api` processes forked from a pre-imported zygote: real processes that skip the import.

Importing the package (SQLAlchemy, aiohttp, pydantic, our models) is 0.7 to 0.9 s of CPU of every server
and command a test starts, some 60 of them in a run. So each pytest worker keeps one zygote: the standard
library's fork server (`multiprocessing.forkserver`), a single-threaded process started on the first request
that has imported `virtool_api.__main__` as the installed command does (under `utils.start_up`: the collector
paused, then what the import made frozen) and nothing else: no store opened, no event loop, no thread. Each
`virtool_api_process(args)` forks it; the child takes the caller's environment (`os.environ` replaced),
working directory, standard streams (by default the test process's current fds 0, 1 and 2, so pytest's
capture shows the output) and resource limits, sets `sys.argv` to the installed command's, and runs what the
command runs (`virtool_api.__main__.run`, which ends the process with the command's exit status).

Still a real process: its own pid and memory, its own sockets, signals delivered by the kernel (SIGTERM,
SIGKILL), an exit status the fork server reaps and hands back (`returncode` negative for a signal, as
`subprocess.Popen` has it). `ForkedProcess` has the part of `Popen` the tests use (`pid`, `poll`, `wait`
raising `subprocess.TimeoutExpired`, `returncode`, `send_signal`, `terminate`, `kill`). What differs from an
exec: the process never ran the import itself, its parent is the zygote, `/proc/<pid>/environ` and
`cmdline` show the zygote's (`os.environ`, and the environment of what the process starts, are the one given),
and all of a worker's children share the zygote's hash seed and interpreter settings (what Python reads from
`PYTHON*` and locale variables at its start: an environment that changes those is refused).

The rule: fork where a test is about what a server or command does once running (its API, signals,
shutdown, memory under load, crash repair, runners); exec the installed command (`subprocess` with
`serve_command()`) where the test is about starting it: the console script, what a fresh interpreter imports
or prints first, how long it takes, the CLI's own usage errors (`tests/server/test_first_start.py`,
`tests/storage/test_revision.py`, `tests/runner/test_runner_settings.py`). Processes a server starts itself
(its runner) are exec'd as always.
"""

import io
import locale
import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from importlib import import_module
from multiprocessing import connection, forkserver, resource_tracker
from pathlib import Path
from typing import IO

COMMAND = Path(sys.executable).parent / "virtool-api"
"""The installed command: `sys.argv[0]` of a child, as the console script has it."""

PRELOAD = ["virtool_api.__main__", __name__]
"""What the zygote imports: the command's modules, and this one (the child's entry point)."""

_STARTUP_VARIABLES = ("PYTHON", "LC_", "LANG")
"""Environment variables the interpreter reads at its start: a child has the zygote's, whatever it is
given."""

_zygote_lock = threading.Lock()
_zygote_environment: dict[str, str] | None = None

Stream = IO | int | None


def virtool_api_process(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    stdin: Stream = None,
    stdout: Stream = None,
    stderr: Stream = None,
    limits: Mapping[int, tuple[int, int]] | None = None,
) -> "ForkedProcess":
    """`virtool-api *args` forked from this worker's zygote; the options as `subprocess.Popen` takes them
    (a stream: None for this process's own, `subprocess.DEVNULL`, a file or a file descriptor; `limits`:
    `resource.setrlimit` arguments applied in the child before it runs)."""
    return ForkedProcess(args, env=env, cwd=cwd, stdin=stdin, stdout=stdout, stderr=stderr, limits=limits)


def run_virtool_api(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | str | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """`virtool-api *args` forked and waited for, its output read: what `subprocess.run(capture_output=True,
    text=True, timeout=timeout)` returns (killed and `TimeoutExpired` raised past `timeout`). The output goes
    to temporary files."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = virtool_api_process(args, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        outputs = []
        for output in (stdout, stderr):
            output.seek(0)
            outputs.append(output.read().decode(locale.getpreferredencoding(False)))
    return subprocess.CompletedProcess(process.args, code, *outputs)


class ForkedProcess:
    """A child of the zygote, seen as `subprocess.Popen` shows one."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None,
        cwd: Path | str | None,
        stdin: Stream,
        stdout: Stream,
        stderr: Stream,
        limits: Mapping[int, tuple[int, int]] | None,
    ) -> None:
        self.args = [str(COMMAND), *args]
        self.returncode: int | None = None
        environment = dict(os.environ if env is None else env)
        _refuse_startup_changes(environment)
        child = _Child(self.args, environment, str(cwd or os.getcwd()), dict(limits or {}))
        fds, opened = _stream_fds(stdin, stdout, stderr)
        try:
            self._status, data = forkserver.connect_to_new_process(fds)
        finally:
            for fd in opened:
                os.close(fd)
        try:
            with open(data, "wb") as pipe:
                # What `spawn.prepare` reads (nothing to prepare), then the object whose `_bootstrap` runs.
                pickle.dump({}, pipe)
                pickle.dump(child, pipe)
            self.pid: int = forkserver.read_signed(self._status)
        except BaseException:
            os.close(self._status)
            raise
        self._collect_lock = threading.Lock()

    def poll(self) -> int | None:
        if self.returncode is None and connection.wait([self._status], 0):
            self._collect()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            if not connection.wait([self._status], timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            self._collect()
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        """As `Popen.send_signal`: nothing once the process is known to have exited."""
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def _collect(self) -> None:
        """The exit status the zygote reaped (it writes it once the child has exited)."""
        with self._collect_lock:
            if self.returncode is None:
                self.returncode = forkserver.read_signed(self._status)
                os.close(self._status)


def _refuse_startup_changes(environment: Mapping[str, str]) -> None:
    """Start the zygote (with this process's environment) if it is not running, and refuse an environment
    whose start-up variables differ from the zygote's: the child's interpreter has already started."""
    global _zygote_environment
    with _zygote_lock:
        if _zygote_environment is None:
            # The fork server imports from its working directory (`sys.path[0]` is '' in `python -c`).
            assert Path("tests/support/forked.py").resolve() == Path(__file__).resolve(), "not at the root"
            forkserver.set_forkserver_preload(PRELOAD)
            forkserver.ensure_running()
            _zygote_environment = _startup_part(os.environ)
    different = sorted(set(_startup_part(environment).items()) ^ set(_zygote_environment.items()))
    if different:
        raise ValueError(f"a forked process cannot change {different}: exec `virtool-api` for that")


def _startup_part(environment: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in environment.items() if name.startswith(_STARTUP_VARIABLES)}


def _stream_fds(*streams: Stream) -> tuple[list[int], list[int]]:
    """The file descriptors to hand the child as its fds 0, 1 and 2; and those opened here to be closed once
    handed over."""
    fds: list[int] = []
    opened: list[int] = []
    for number, stream in enumerate(streams):
        if stream is None:
            fds.append(number)
        elif stream == subprocess.DEVNULL:
            opened.append(os.open(os.devnull, os.O_RDONLY if number == 0 else os.O_WRONLY))
            fds.append(opened[-1])
        elif isinstance(stream, int) and stream >= 0:
            fds.append(stream)
        elif isinstance(stream, int):
            raise ValueError("PIPE and STDOUT are not supported: write to a file, or exec `virtool-api`")
        else:
            stream.flush()
            fds.append(stream.fileno())
    return fds, opened


class _Child:
    """Pickled to the zygote's new child, which calls `_bootstrap` (as a `multiprocessing.Process`'s)."""

    def __init__(
        self, argv: list[str], environment: dict[str, str], cwd: str, limits: dict[int, tuple[int, int]]
    ) -> None:
        self.argv = argv
        self.environment = environment
        self.cwd = cwd
        self.limits = limits

    def _bootstrap(self, parent_sentinel: int) -> int:
        """Become the process `virtool-api` would be after its import, then run the command. `run` ends the
        process itself; an exception it lets out ends it as Python would (traceback, status 1)."""
        inherited = forkserver.get_inherited_fds()
        assert inherited is not None and len(inherited) == 3
        for number, fd in enumerate(inherited):
            os.dup2(fd, number)
            os.close(fd)
        # The fork server's pipes, which a process of ours must not hold (nor hand to its runner).
        os.close(parent_sentinel)
        os.close(forkserver._forkserver._forkserver_alive_fd)  # type: ignore[attr-defined]
        os.close(resource_tracker._resource_tracker._fd)  # type: ignore[attr-defined]
        _standard_streams()
        os.environ.clear()
        os.environ.update(self.environment)
        time.tzset()
        os.chdir(self.cwd)
        sys.argv = list(self.argv)
        sys.path[0] = str(COMMAND.parent)  # as the console script's interpreter has it
        for limit, values in self.limits.items():
            resource.setrlimit(limit, values)
        try:
            import_module("virtool_api.__main__").run()
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        except BaseException:
            sys.excepthook(*sys.exc_info())
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        return 1


def _standard_streams() -> None:
    """`sys.stdin`, `sys.stdout` and `sys.stderr` over the fds 0, 1 and 2 just set, made as Python makes them
    at its start (the zygote's were made for other files: buffering follows what the fd is)."""
    made = []
    for number, old in enumerate((sys.__stdin__, sys.__stdout__, sys.__stderr__)):
        assert old is not None
        buffered = open(number, "rb" if number == 0 else "wb", closefd=False)
        line_buffering = number == 2 or os.isatty(number)
        made.append(io.TextIOWrapper(buffered, old.encoding, old.errors, "\n", line_buffering))
    for name, stream in zip(("stdin", "stdout", "stderr"), made, strict=True):
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)
