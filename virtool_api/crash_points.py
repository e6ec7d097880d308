"""Test-only: kill this process with SIGKILL at a named step, to test what a crash exactly there leaves
behind (or, `stall_point`, block a thread there for good).

With `VIRTOOL_TEST_CRASH_AT=<name>` in its environment, the process delivers itself SIGKILL when it reaches
`crash_point("<name>")`: a real kill -9 (no exception, no `finally`, no flush, no shutdown), between two
writes that no transaction spans. Killing from outside "at the right moment" would need the process to stop
there and say so first (a hook all the same) and a race against the kernel's scheduling; this is
deterministic. Unset (always, outside the tests), a crash point costs one dictionary lookup.
"""

import os
import signal
import threading

ENVIRONMENT_VARIABLE = "VIRTOOL_TEST_CRASH_AT"
STALL_VARIABLE = "VIRTOOL_TEST_STALL_AT"


def crash_point(name: str) -> None:
    if os.environ.get(ENVIRONMENT_VARIABLE) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def stall_point(name: str) -> None:
    """With `VIRTOOL_TEST_STALL_AT=<name>`, the thread that reaches it blocks for good, deaf to every request
    to stop: what a stopping server must not wait for (tests/references/test_import_interruptions.py)."""
    if os.environ.get(STALL_VARIABLE) == name:
        threading.Event().wait()
