"""`serve`'s options about browsers: when the session cookie is `Secure`, which reverse proxies to believe.

See api/origin.py and users/session_cookie.py for how they are used; every option is also an environment
variable.
"""

import ipaddress
from typing import Any

import click


def _networks(_context: click.Context, _parameter: click.Parameter, value: str) -> tuple[str, ...]:
    """`127.0.0.1,10.0.0.0/8` → `("127.0.0.1", "10.0.0.0/8")`, refusing anything that is not an address."""
    values = tuple(item.strip() for item in (value or "").split(",") if item.strip())
    for item in values:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise click.BadParameter(f"{item!r} is not an IP address or network") from None
    return values


def browser_options(command: Any) -> Any:
    options = [
        click.option(
            "--secure-cookies",
            envvar="VIRTOOL_SECURE_COOKIES",
            type=click.Choice(["auto", "always"]),
            default="auto",
            show_default=True,
            show_envvar=True,
            help="auto: the session cookie is Secure when the browser came over HTTPS (directly or per a "
            "trusted proxy's X-Forwarded-Proto); always: always Secure.",
        ),
        click.option(
            "--trusted-proxies",
            envvar="VIRTOOL_TRUSTED_PROXIES",
            default="",
            callback=_networks,
            show_envvar=True,
            help="Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For and -Proto "
            "headers are believed (e.g. 127.0.0.1,10.0.0.0/8); they must pass the browser's Host.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command
