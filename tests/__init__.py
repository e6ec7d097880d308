"""The suite's package. Importing it, before anything else of the suite, lets Python cache compiled modules.

Where `PYTHONDONTWRITEBYTECODE` is set (this project's Docker image sets it, and so did the 2-core machine the
suite is timed on), nothing is cached: every server, runner and CLI process the suite starts compiled all of
`virtool_api` again (0.5 s of CPU each), and pytest rewrote every test module's asserts again in each worker.
The processes the tests start inherit the change.
"""

import os
import sys

os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
