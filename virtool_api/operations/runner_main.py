"""`virtool-api` with its `runner` command alone, as `serve --runner` starts its runner
(`runner/supervisor.py`): `python -m virtool_api.operations.runner_main [--log-level=...] runner ...`.

The same options as `virtool-api runner`, but without importing the server's modules, which the other
commands need: the runner starts on 0.5 s of CPU instead of 1.1 s.
"""

from virtool_api.utils import start_up

with start_up():
    from virtool_api.operations.logs import virtool_api_group
    from virtool_api.runner import cli as runner_cli

main = virtool_api_group()
main.add_command(runner_cli.runner)

if __name__ == "__main__":
    main()
