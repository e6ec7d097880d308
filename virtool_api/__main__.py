"""`python -m virtool_api` and the `virtool-api` command: the CLI (`cli.py`), then a quick exit.

A command that has finished has closed what it opened (a stopping server its stores and connections, its
runner first) and written what it prints. Left to itself, the interpreter would then tear down every module
before the process ends: 0.3-0.4 s of CPU for this package's (a stopped server gone 1 to 1.5 s later on a busy
machine), for every server, runner and command run. So the process ends there, with the exit status the
command gave. A command that fails with an exception other than its exit ends as Python ends it.
"""

import contextlib
import logging
import os
import sys

from virtool_api.utils import start_up

with start_up():
    from virtool_api.cli import main


def run() -> None:
    try:
        main()
        code: object = 0
    except SystemExit as done:
        code = done.code
    if code is not None and not isinstance(code, int):  # `sys.exit("message")`: printed, status 1
        print(code, file=sys.stderr)
        code = 1
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    run()
