"""The programs workflows run, checked when a runner starts, and run so that a cancel can kill them.

Bowtie2 and SPAdes come from the operating system's packages (Debian `bowtie2`, `spades`); everything else a
workflow needs is a Python library installed with the project. A runner refuses only the workflows whose tool
is missing, saying which package brings it.
"""

import asyncio
import contextlib
import ctypes
import os
import shutil
import signal
import sys
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TAIL_LINES = 30
"""How many of a tool's last output lines a failed job reports."""


@dataclass(frozen=True)
class Tool:
    command: str
    package: str
    """The Debian (and Ubuntu) package that brings it."""

    def missing(self) -> bool:
        return shutil.which(self.command) is None


BOWTIE2 = Tool("bowtie2", "bowtie2")
BOWTIE2_BUILD = Tool("bowtie2-build", "bowtie2")
SPADES = Tool("spades.py", "spades")


def why_missing(tools: Sequence[Tool]) -> str | None:
    """None when every tool is on the PATH, else one line naming what is missing and the package."""
    missing = [tool for tool in tools if tool.missing()]
    if not missing:
        return None
    packages = sorted({tool.package for tool in missing})
    commands = ", ".join(tool.command for tool in missing)
    return f"{commands} not found: install the Debian/Ubuntu package {' and '.join(packages)}"


class ToolFailed(Exception):
    """A tool exited with a failure; `tail` is the end of what it wrote, for the job's error details."""

    def __init__(self, command: str, returncode: int, tail: list[str]) -> None:
        self.command = command
        self.returncode = returncode
        self.tail = tail
        super().__init__(f"{command} failed with exit status {returncode}")


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the tool's process, before it starts: be killed when the runner dies (Linux), even by SIGKILL,
    which the runner cannot catch to kill its tools itself."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


async def _collect(stream: asyncio.StreamReader, tail: deque[str]) -> None:
    while line := await stream.readline():
        tail.append(line.decode(errors="replace").rstrip())


async def run_tool(
    args: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    stdout: Path | None = None,
    env: dict[str, str] | None = None,
) -> list[str]:
    """Run a tool to its end; its last lines of output (stderr, and stdout unless sent to `stdout`).

    The tool runs in a session of its own: when the awaiting task is cancelled (a cancelled job, a runner
    stopping), the whole process group is killed before the cancellation goes on, so no tool outlives its
    job; a runner killed outright takes its tool with it (`_die_with_parent`; a tool's own children, such as
    SPAdes' stages, finish their current stage). A failure raises `ToolFailed` with the last `TAIL_LINES`
    lines.
    """
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    with contextlib.ExitStack() as files:
        out = files.enter_context(stdout.open("wb")) if stdout else asyncio.subprocess.PIPE
        process = await asyncio.create_subprocess_exec(
            *(str(arg) for arg in args),
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **(env or {})},
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        readers = [asyncio.create_task(_collect(process.stderr, tail))]  # type: ignore[arg-type]
        if process.stdout is not None:
            readers.append(asyncio.create_task(_collect(process.stdout, tail)))
        try:
            await asyncio.gather(*readers)
            returncode = await process.wait()
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(BaseException):
                await asyncio.shield(process.wait())
            for reader in readers:
                reader.cancel()
            raise
    if returncode != 0:
        raise ToolFailed(str(args[0]), returncode, list(tail))
    return list(tail)
