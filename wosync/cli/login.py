"""`wosync login` (check a password with a real login, keep it in the keyring) and `wosync logout`."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from wosync.cli import common
from wosync.errors import UsageError


def can_prompt() -> bool:
    """Return whether there is a terminal to ask on: stdin is one, or a caller replaced stdin
    with its own answers (a test runner feeding the prompts, as a terminal would)."""
    stream = sys.stdin
    if stream is None:
        return False
    if stream is not sys.__stdin__:
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _read_password(password_stdin: bool):
    """Return the password as a Secret: one line from stdin, or a prompt that does not echo."""
    from wosync.secret import Secret

    if password_stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = typer.prompt("WorkFossa password", hide_input=True, err=True)
    if not value:
        raise UsageError("the password is empty")
    return Secret(value)


def login(
    username: Optional[str] = typer.Option(None, "--username", help="The email you log in to WorkFossa with (default: $WOSYNC_USERNAME, else asked)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="The WorkFossa site (default: $WOSYNC_BASE_URL, else the account's, else https://app.workfossa.com)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin instead of asking."),
    no_verify: bool = typer.Option(False, "--no-verify", help="Store the password without checking it with a real login."),
) -> None:
    """Check your WorkFossa password with a real login, then keep it in the system keyring."""
    from wosync.actions import login as logging_in

    done = logging_in.login(
        common.clock(), username, base_url, password_stdin=password_stdin, verify=not no_verify,
        ask_username=lambda: typer.prompt("WorkFossa email", err=True),
        read_password=lambda: _read_password(password_stdin),
        on_checking=lambda site: typer.echo(f"Checking the password with a login to {site}...", err=True),
        can_prompt=can_prompt())
    checked = "Logged in to" if done.verified else "Recorded (not checked)"
    if done.keyring_backend:
        typer.echo(f"{checked} {done.site} as {done.username}; the password is in the keyring ({done.keyring_backend}).")
        if done.plaintext:
            typer.echo("Note: this keyring backend keeps the password in a PLAINTEXT file.", err=True)
        if done.shadowed_by:
            typer.echo(f"Note: {done.shadowed_by} is set and is used before the keyring.", err=True)
    else:
        typer.echo(f"{checked} {done.site} as {done.username}; the password comes from {done.supplied_by} (nothing stored).")
        if done.keyring_unused:
            typer.echo(f"Note: syncs use {done.supplied_by} while it is set, so nothing was put in the keyring; "
                       "unset it and run `wosync login` to keep a password there.", err=True)


def logout(
    username: Optional[str] = typer.Option(None, "--username", help="The account to log out (default: the only one)."),
) -> None:
    """Remove the account's password from the keyring and its saved session (history and orders stay)."""
    from wosync.actions import login as logging_in

    done = logging_in.logout(common.clock(), username)
    if done.password_removed is None:
        typer.echo("No usable keyring on this machine: no password was stored there.")
    elif done.password_removed:
        typer.echo(f"Removed the password of {done.username} from the keyring.")
    else:
        typer.echo(f"No password of {done.username} was in the keyring.")
    typer.echo("Removed the saved session." if done.session_removed else "No saved session.")
    typer.echo("History, schedules and work orders are kept.")
    if done.still_supplied_by:
        typer.echo(f"Note: {done.still_supplied_by} still supplies a password; unset it to log out completely.",
                   err=True)


def register(root: typer.Typer) -> None:
    """Attach `login` and `logout` to the root app."""
    root.command("login")(login)
    root.command("logout")(logout)
