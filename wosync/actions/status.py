"""`wosync status`: each schedule's state, and the one line a status bar shows.

`status --line` runs every few seconds from a status bar: this module imports only the
standard library, the store and wosync.status (no Typer, no Rich).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wosync.actions import stale_runs


def report(now: datetime) -> dict[str, Any]:
    """Given the time, return the status report of the data folder (wosync.status.status_report:
    the schedules, accounts, the running sync and the daemon)."""
    from wosync.status import status_report

    with stale_runs.open_store(now, reading=True) as store:
        return status_report(store, now)


def line(now: datetime, fmt: str) -> str:
    """Given the time and a line format (text | waybar | json; UsageError for another, before
    the store is opened), return the status-bar line of the data folder, newline included."""
    from wosync.status import check_line_format, format_line, status_line

    fmt = check_line_format(fmt)
    with stale_runs.open_store(now, reading=True) as store:
        state = status_line(store, now)
    return format_line(state, fmt)
