"""Each setting is declared once, as a field of a settings dataclass (`Config`, `LogConfig`, the runner's
`RunnerSettings`): its default, `--flag`, `VIRTOOL_*` variable, `--help` text and row of the configuration
table in docs/operating.md. The commands' click options are made from these declarations (`click_options`),
click reads the variables, and `virtool_api/settings_table.py` writes the table.
"""

from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

import click


@dataclass(frozen=True)
class Setting:
    """What a field declared with `setting()` carries besides its default."""

    help: str
    """The option's `--help` text."""
    doc: str
    """Its meaning in the configuration table (Markdown)."""
    flag: str = ""
    """`--name`, or `--name/--no-name` for a switch; by default the field's name, dashed."""
    env: str = ""
    """The environment variable; by default `VIRTOOL_` and the field's name in capitals."""
    doc_default: str = ""
    """The table's default cell, when the default value alone does not say it."""
    type: Any = None
    """A click type, when the default's type is not the one to parse with (ranges, choices, paths)."""
    callback: Callable[[click.Context, click.Parameter, Any], Any] | None = None
    """Turns the text given into the value (`trusted_proxies`: comma-separated networks into a tuple)."""
    show_default: bool | str = True


def setting(default: Any = MISSING, *, factory: Callable[[], Any] | None = None, **declaration: Any) -> Any:
    """A settings dataclass field with its default (or `factory`) and its `Setting` declaration."""
    metadata = {"setting": Setting(**declaration)}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Declared:
    """A declared setting as the CLI and the table see it: names filled in, default resolved."""

    name: str
    """The field's name, also the click parameter's."""
    flag: str
    env: str
    default: Any
    """The default value, or for a computed default the callable that computes it (as click takes it)."""
    setting: Setting

    @property
    def switch(self) -> bool:
        return "/" in self.flag

    @property
    def spelled(self) -> str:
        """How a message tells someone to change it: `--port or VIRTOOL_PORT`."""
        return f"{self.flag.split('/')[0]} or {self.env}"


def flag(settings_class: type, name: str, *, off: bool = False) -> str:
    """How a message names the option of setting `name`: `--port`; with `off`, a switch's second form
    (`--no-runner`)."""
    forms = declared(settings_class, [name])[0].flag.split("/")
    return forms[-1] if off else forms[0]


def declared(settings_class: type, names: Iterable[str] | None = None) -> list[Declared]:
    """The settings `settings_class` declares (or those of `names`, in that order), in declaration order."""
    by_name = {}
    for item in fields(settings_class):
        if "setting" not in item.metadata:
            continue
        declaration: Setting = item.metadata["setting"]
        default = item.default if item.default_factory is MISSING else item.default_factory
        by_name[item.name] = Declared(
            name=item.name,
            flag=declaration.flag or f"--{item.name.replace('_', '-')}",
            env=declaration.env or f"VIRTOOL_{item.name.upper()}",
            default=default,
            setting=declaration,
        )
    return list(by_name.values()) if names is None else [by_name[name] for name in names]


def click_option(item: Declared, **overrides: Any) -> Callable[[Any], Any]:
    """The click option of one setting, reading its variable; `overrides` are click's keywords for one command
    that gives the setting a meaning of its own (`copy-to-servers --data-path`)."""
    declaration = item.setting
    default, show_default = item.default, declaration.show_default
    if callable(default) and isinstance(show_default, str):  # said in words, computed when the command runs
        compute = default
        default = lambda: _as_text(compute())  # noqa: E731
    else:
        default = _as_text(default() if callable(default) else default)
    keywords: dict[str, Any] = {
        "envvar": item.env,
        "default": default,
        "show_default": show_default,
        "show_envvar": True,
        "help": declaration.help,
    }
    if declaration.type is not None:
        keywords["type"] = declaration.type
    if declaration.callback is not None:
        keywords["callback"] = declaration.callback
    keywords.update(overrides)
    return click.option(item.flag, item.name, **keywords)


def _as_text(value: Any) -> Any:
    """A list or tuple default as the comma-separated text the option's callback parses."""
    return ",".join(value) if isinstance(value, tuple | list) else value


def click_options(
    settings_class: type,
    names: Iterable[str] | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> Callable[[Any], Any]:
    """A decorator adding the options of `settings_class`'s settings (or those of `names`) to a command, which
    receives them as keyword arguments named after the fields: `settings_class(**them)` is its settings."""
    items = declared(settings_class, names)

    def decorate(command: Any) -> Any:
        for item in reversed(items):
            command = click_option(item, **(overrides or {}).get(item.name, {}))(command)
        return command

    return decorate
