"""Each setting is declared once (virtool_api/options.py): the CLI's options and variables and the
configuration table of docs/operating.md are made from the declarations, so they cannot drift apart."""

import re
from collections.abc import Iterator

import click

from virtool_api.cli import main
from virtool_api.settings_table import committed_table, declared_settings, settings_table, subcommands

REWRITE = "rewrite it with `.venv/bin/python -m virtool_api.settings_table` and commit docs/operating.md"


def _options(command: click.Command, path: str = "") -> Iterator[tuple[str, click.Option]]:
    for param in command.params:
        if isinstance(param, click.Option):
            yield path, param
    for name, subcommand in subcommands(command):
        yield from _options(subcommand, f"{path}{name} ")


def test_the_committed_table_is_the_one_the_declarations_make():
    assert committed_table() == settings_table(), f"docs/operating.md's settings table is stale: {REWRITE}"


def test_every_declared_setting_has_one_flag_one_variable_and_a_row():
    table = committed_table()
    for command, item in declared_settings():
        assert re.fullmatch(r"--[a-z][a-z0-9-]*(/--no-[a-z][a-z0-9-]*)?", item.flag), item.flag
        assert re.fullmatch(r"VIRTOOL_[A-Z][A-Z0-9_]*", item.env), item.env
        flags = " / ".join(f"`{command}{flag}`" for flag in item.flag.split("/"))
        assert f"\n| {flags} | `{item.env}`" in f"\n{table}", f"no row for {command}{item.flag}: {REWRITE}"


def test_every_declared_setting_is_an_option_reading_its_variable():
    options = {(path, option.opts[0], option.envvar) for path, option in _options(main)}
    for command, item in declared_settings():
        assert any(
            path.startswith(command) and flag == item.flag.split("/")[0] and envvar == item.env
            for path, flag, envvar in options
        ), f"{command}{item.flag} is declared but no command has it"


def test_every_option_with_a_variable_is_a_declared_setting():
    declared = {(item.flag.split("/")[0], item.env) for _, item in declared_settings()}
    hand_made = [
        f"{path}{option.opts[0]}"
        for path, option in _options(main)
        if option.envvar and (option.opts[0], option.envvar) not in declared
    ]
    assert hand_made == [], "declare these with options.setting() instead of a click.option of their own"


def test_no_command_reads_one_variable_for_two_options():
    for path, command_options in _by_command().items():
        variables = [option.envvar for option in command_options if option.envvar]
        assert len(variables) == len(set(variables)), path


def _by_command() -> dict[str, list[click.Option]]:
    by_command: dict[str, list[click.Option]] = {}
    for path, option in _options(main):
        by_command.setdefault(path, []).append(option)
    return by_command
