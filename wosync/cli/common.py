"""What every CLI command shares: consoles, the store, the clock, account choice, output formats.

Commands parse options, call one core function and render; this module keeps the glue in one
place so the commands stay thin.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import Any, Iterable

from wosync import config
from wosync.clock import Clock, system_clock
from wosync.errors import CredentialsError, UsageError
from wosync.store import Account, Store

# The clock commands use; tests may replace it (time-machine works too).
clock: Clock = system_clock


def stdout_console():
    """Return a Rich console on stdout (data)."""
    from rich.console import Console

    return Console(highlight=False)


def stderr_console():
    """Return a Rich console on stderr (progress, notes)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def open_store() -> Store:
    """Open the store in the data folder, after marking runs whose process died as interrupted."""
    store = Store()
    from wosync.recovery import recover_stale_runs

    recover_stale_runs(store, clock())
    return store


def resolve_account(store: Store, username: str | None = None, required: bool = True) -> Account | None:
    """Given the store and an optional --username, return the account a command is about.

    Order: --username; $WOSYNC_USERNAME (recorded on first use with $WOSYNC_BASE_URL); the one
    recorded account. With none: CredentialsError naming `wosync login` (or None when not required);
    with several: UsageError asking for --username.
    """
    if username:
        account = store.find_account(username)
        if account is None:
            if username == config.env_username() or os.environ.get("WOSYNC_PASSWORD") or not required:
                return store.ensure_account(username, config.base_url(), clock())
            raise CredentialsError(f"no account {username}; run `wosync login --username {username}` first")
        return account
    env_user = config.env_username()
    if env_user:
        account = store.find_account(env_user)
        if account is None or (os.environ.get("WOSYNC_BASE_URL") and account.base_url != config.base_url()):
            account = store.ensure_account(env_user, config.base_url(), clock())
        return account
    accounts = store.list_accounts()
    if len(accounts) == 1:
        return accounts[0]
    if not accounts:
        if not required:
            return None
        raise CredentialsError(
            "no WorkFossa account yet; run `wosync login`, or set WOSYNC_USERNAME and WOSYNC_PASSWORD"
        )
    names = ", ".join(a.username for a in accounts)
    raise UsageError(f"several accounts ({names}); choose one with --username")


def print_json(data: Any) -> None:
    """Print data as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    """Print rows as CSV with a header on stdout; lists and dicts become JSON text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False)
            values.append("" if value is None else value)
        writer.writerow(values)
    sys.stdout.write(buffer.getvalue())


def reject_both(json_out: bool, csv_out: bool) -> None:
    """Refuse --json together with --csv."""
    if json_out and csv_out:
        raise UsageError("choose one of --json and --csv")
