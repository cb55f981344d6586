"""`wosync login` (check a password with a real login, keep it in the keyring) and `wosync logout`."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from wosync.cli import common
from wosync.errors import CredentialsError, UsageError


def _ask_username(username: Optional[str], password_stdin: bool) -> str:
    """Return the --username, else $WOSYNC_USERNAME, else ask for it, checked to be an
    e-mail address and lower-case (before any browser starts: a typo fails at once). Asking
    only when neither is given lets a script log in with no terminal to answer on."""
    from wosync import config
    from wosync.accounts import normalize_username

    username = username or config.env_username()
    if not username and password_stdin:
        raise UsageError("--password-stdin needs --username EMAIL (or WOSYNC_USERNAME)")
    if not username:
        username = typer.prompt("WorkFossa email", err=True)
    return normalize_username(username)


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


def _base_url_for(store, username: str, base_url: Optional[str]) -> str:
    """Return --base-url, else $WOSYNC_BASE_URL, else the account's recorded site, else the real one."""
    import os

    from wosync import config
    from wosync.credentials import check_base_url

    if base_url:
        return check_base_url(base_url)
    if os.environ.get("WOSYNC_BASE_URL"):
        return check_base_url(config.base_url())
    known = store.find_account(username)
    return known.base_url if known else config.base_url()


def login(
    username: Optional[str] = typer.Option(None, "--username", help="The email you log in to WorkFossa with (default: $WOSYNC_USERNAME, else asked)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="The WorkFossa site (default: $WOSYNC_BASE_URL, else the account's, else https://app.workfossa.com)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from one line of stdin instead of asking."),
    no_verify: bool = typer.Option(False, "--no-verify", help="Store the password without checking it with a real login."),
) -> None:
    """Check your WorkFossa password with a real login, then keep it in the system keyring."""
    from wosync import credentials

    with common.open_store() as store:
        username = _ask_username(username, password_stdin)
        site = _base_url_for(store, username, base_url)
        # Before asking for a password: is there anywhere to keep it?
        usable, backend = credentials.keyring_usable()
        external = None if usable else credentials.external_password()
        if not usable and (external is None or password_stdin):
            raise CredentialsError(credentials.NO_BACKEND_HELP)
        secret = _read_password(password_stdin) if usable else external[0]
        if not no_verify:
            typer.echo(f"Checking the password with a login to {site}...", err=True)
            origin = credentials.ORIGIN_TYPED if usable else credentials.password_origin(username)
            credentials.verify_login(site, username, secret, origin=origin)
        credentials.record_login(store, username, site, secret if usable else None, common.clock())
    checked = "Logged in to" if not no_verify else "Recorded (not checked)"
    if usable:
        typer.echo(f"{checked} {site} as {username}; the password is in the keyring ({backend}).")
        if credentials.backend_is_plaintext():
            typer.echo("Note: this keyring backend keeps the password in a PLAINTEXT file.", err=True)
        shadowing = credentials.external_password()
        if shadowing:
            typer.echo(f"Note: {shadowing[1]} is set and is used before the keyring.", err=True)
    else:
        typer.echo(f"{checked} {site} as {username}; the password comes from {external[1]} (nothing stored).")


def logout(
    username: Optional[str] = typer.Option(None, "--username", help="The account to log out (default: the only one)."),
) -> None:
    """Remove the account's password from the keyring and its saved session (history and orders stay)."""
    from wosync import credentials

    from wosync.accounts import normalize_username

    if username:
        username = normalize_username(username, "--username")
    else:
        with common.open_store() as store:
            username = common.resolve_account(store).username
    removed = credentials.forget_login(username)
    if removed["password"] is None:
        typer.echo("No usable keyring on this machine: no password was stored there.")
    elif removed["password"]:
        typer.echo(f"Removed the password of {username} from the keyring.")
    else:
        typer.echo(f"No password of {username} was in the keyring.")
    typer.echo("Removed the saved session." if removed["session"] else "No saved session.")
    typer.echo("History, schedules and work orders are kept.")
    external = credentials.external_password()
    if external:
        typer.echo(f"Note: {external[1]} still supplies a password; unset it to log out completely.", err=True)


def register(root: typer.Typer) -> None:
    """Attach `login` and `logout` to the root app."""
    root.command("login")(login)
    root.command("logout")(logout)
