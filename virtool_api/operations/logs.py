"""How every `virtool-api` process logs, and the `virtool-api` group whose options say so (`LogConfig`).

Apart from the server's modules: `runner_main.py` starts the runner with this group and the `runner` command
alone, and so imports nothing of the server.
"""

import importlib
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

import click

from virtool_api.config import LogConfig
from virtool_api.options import click_options


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the record's `fields` if it has any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _AlembicContextNoise(logging.Filter):
    """alembic announces its dialect each time it reads the schema revision (every readiness check)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Context impl", "Will assume"))


def configure_logging(level: str = "info", log_format: str = "text") -> None:
    """Log to stderr, as readable text (default) or JSON lines (`--log-format json`)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    migration_logger = logging.getLogger("alembic.runtime.migration")
    if not any(isinstance(item, _AlembicContextNoise) for item in migration_logger.filters):
        migration_logger.addFilter(_AlembicContextNoise())


class _Group(click.Group):
    """A click group whose `lazy` commands (name: `"module:attribute"`) are imported when they are asked for
    (click's "lazily loading subcommands"): `virtool-api serve` does not import `virtool-api runner`'s
    workflows and their libraries (numpy among them), 0.2 s of CPU at every server process's start."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy:
            return super().get_command(ctx, name)
        module, _, attribute = self.lazy[name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy[name]} is not a click command")
        return command


def virtool_api_group(lazy: dict[str, str] | None = None) -> click.Group:
    """A new `virtool-api` group, without commands but its `lazy` ones: its options configure the logging of
    whichever command follows them."""

    @click.group(cls=_Group, lazy=lazy or {})
    @click_options(LogConfig)
    def main(**settings: Any) -> None:
        """virtool-api: samples, analyses and workflow jobs."""
        log = LogConfig(**settings)
        configure_logging(log.log_level, log.log_format)

    return main
