"""`virtool-api users create | key | password`: users, API keys and passwords from the command line (the
first administrator from a terminal, a lost key, a password for the web client)."""

import sys
from typing import Any

import click
from pydantic import ValidationError

from virtool_api.config import Config
from virtool_api.operations.commands import run_with_stores, store_options
from virtool_api.users.credentials import reset_password_by_handle
from virtool_api.users.models import CreateUserRequest
from virtool_api.users.service import create_user_with_key, replace_keys


@click.group()
def users() -> None:
    """Create users and replace lost API keys from the command line."""


@users.command("create")
@store_options
@click.argument("handle")
@click.option("--admin", is_flag=True, help="Make the new user an administrator.")
def users_create(handle: str, admin: bool, **stores: Any) -> None:
    """Create a user and print their first API key (only the key goes to stdout)."""
    try:
        request = CreateUserRequest(handle=handle, administrator=admin)
    except ValidationError:
        raise click.BadParameter("1 to 64 letters, digits, '_', '.' or '-'", param_hint="HANDLE") from None
    config = Config(**stores)
    user = run_with_stores(config, lambda ctx: create_user_with_key(ctx, request.handle, admin))
    role = "administrator" if admin else "user"
    click.echo(f"Created {role} '{user.handle}' ({user.id}). Its API key, shown only this once:", err=True)
    click.echo(user.key)


@users.command("key")
@store_options
@click.argument("handle")
@click.option("--name", default="command line", show_default=True, help="A name to recognize the new key by.")
def users_key(handle: str, name: str, **stores: Any) -> None:
    """Replace a user's API keys: revoke every key they have and print one new key.

    For a lost key: whoever holds it can use it no longer. The user's scripts need the new key (or keys
    made from it with POST /api/account/keys).
    """
    config = Config(**stores)
    key, revoked = run_with_stores(config, lambda ctx: replace_keys(ctx, handle, name))
    click.echo(
        f"Revoked {revoked} earlier API key{'' if revoked == 1 else 's'} of '{handle}'. "
        "The new key, shown only this once:",
        err=True,
    )
    click.echo(key)


@users.command("password")
@store_options
@click.argument("handle")
@click.option(
    "--stdin",
    "from_stdin",
    is_flag=True,
    help="Read the new password from standard input instead of a hidden prompt.",
)
def users_password(handle: str, from_stdin: bool, **stores: Any) -> None:
    """Set or reset HANDLE's password (at least 8 characters, not containing the handle).

    The password is read from a hidden prompt (typed twice) or, with `--stdin`, from the first line of
    standard input. Every session of the user ends.
    """
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    config = Config(**stores)
    run_with_stores(config, lambda ctx: reset_password_by_handle(ctx, handle, password))
    click.echo(f"Password set for '{handle}'; their sessions have ended.", err=True)
