"""What every CLI command shares: consoles, the store, the clock, account choice, output formats.

Commands parse options, call one core function and render; this module keeps the glue in one
place so the commands stay thin.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any, Iterable

from wosync.clock import Clock, system_clock
from wosync import accounts
from wosync.errors import UsageError
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
    """Given the store and an optional --username, return the account a command is about (see wosync.accounts)."""
    return accounts.resolve_account(store, clock(), username, required)


def print_json(data: Any) -> None:
    """Print data as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_csv(rows: Iterable[dict[str, Any]], columns: list[str], raw: bool = False) -> None:
    """Print rows as CSV with a header on stdout; lists and dicts become JSON text. A text cell
    that a spreadsheet would run as a formula is neutralised (render.csv_cell) unless `raw`."""
    from wosync.render import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        values = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, (list, dict)):
                value = json.dumps(value, ensure_ascii=False)
            values.append("" if value is None else csv_cell(value, raw))
        writer.writerow(values)
    sys.stdout.write(buffer.getvalue())


def reject_both(json_out: bool, csv_out: bool) -> None:
    """Refuse --json together with --csv."""
    if json_out and csv_out:
        raise UsageError("choose one of --json and --csv")
