"""The configuration table of docs/operating.md, made from the settings' declarations (`LogConfig` and
`Config` in config.py, `RunnerSettings` in runner/settings.py; see options.py) and then the options of single
commands that have no variable (`users create --admin`).

`python -m virtool_api.settings_table` rewrites the table; tests/operations/test_settings_table.py fails while
the committed one differs.
"""

from collections.abc import Iterator
from pathlib import Path

import click

from virtool_api.cli import main
from virtool_api.config import Config, LogConfig
from virtool_api.options import Declared, declared
from virtool_api.runner.settings import RunnerSettings

OPERATING = Path(__file__).resolve().parent.parent / "docs" / "operating.md"
BEGIN = "<!-- settings table: made by `python -m virtool_api.settings_table`; edit the declarations -->"
END = "<!-- end of settings table -->"

SOURCES: tuple[tuple[str, type], ...] = (("", LogConfig), ("", Config), ("runner ", RunnerSettings))
"""Each settings dataclass, after the command its options belong to (none: `virtool-api` or its `serve`)."""

HEADER = "| flag | environment variable | default | meaning |\n|---|---|---|---|\n"


def declared_settings() -> list[tuple[str, Declared]]:
    """Every declared setting, after the command it belongs to, in the table's order."""
    return [(command, item) for command, settings_class in SOURCES for item in declared(settings_class)]


def settings_table() -> str:
    """The table, header and rows, as docs/operating.md holds it between `BEGIN` and `END`."""
    rows = [_setting_row(command, item) for command, item in declared_settings()]
    rows += [_option_row(path, option) for path, option in _options_without_variable(main, "")]
    return HEADER + "".join(f"{row}\n" for row in rows)


def committed_table() -> str:
    """The table docs/operating.md holds now."""
    text = OPERATING.read_text()
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip("\n") + "\n"


def _setting_row(command: str, item: Declared) -> str:
    flags = " / ".join(f"`{command}{flag}`" for flag in item.flag.split("/"))
    variable = f"`{item.env}`" + (" (`true`/`false`)" if item.switch else "")
    return f"| {flags} | {variable} | {item.setting.doc_default or _default(item)} | {item.setting.doc} |"


def _default(item: Declared) -> str:
    value = item.default
    if item.switch:
        on, off = item.flag.split("/")
        return f"`{on if value else off}`"
    if value is None:
        return "none"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def _options_without_variable(command: click.Command, path: str) -> Iterator[tuple[str, click.Option]]:
    """Options that are no setting: each belongs to one command (`users create --admin`), with no variable."""
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help" and not param.envvar:
            yield path, param
    for name, subcommand in subcommands(command):
        yield from _options_without_variable(subcommand, f"{path}{name} ")


def subcommands(command: click.Command) -> Iterator[tuple[str, click.Command]]:
    """A group's commands by name, those imported only when asked for (`virtool-api runner`) too."""
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            if (subcommand := command.get_command(context, name)) is not None:
                yield name, subcommand


def _option_row(path: str, option: click.Option) -> str:
    if option.is_flag and not option.secondary_opts:
        default = "on" if option.default is True else "off"
    else:
        default = f"`{option.default}`"
    meaning = (option.help or "").rstrip(".")
    return f"| `{path}{option.opts[0]}` | — | {default} | {meaning[:1].lower()}{meaning[1:]} |"


def write_table() -> None:
    """Rewrite the table in docs/operating.md from the declarations."""
    text = OPERATING.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    OPERATING.write_text(f"{text[:start]}\n\n{settings_table()}\n{text[end:]}")


if __name__ == "__main__":
    write_table()
    print(f"wrote the settings table of {OPERATING}")
