"""`wosync history`: the past syncs, as records or as the figures of `--report`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from wosync.actions import stale_runs


def runs(now: datetime, limit: int = 20, failed_only: bool = False, since: datetime | None = None,
         username: str | None = None) -> list[dict[str, Any]]:
    """Given the time, at most how many runs, whether only failed ones, an optional start
    (aware UTC) and account, return the matching run rows, newest first."""
    with stale_runs.open_store(now, reading=True) as store:
        return store.list_runs(limit=limit, failed_only=failed_only, since=since, account=username)


def run(now: datetime, run_id: int) -> dict[str, Any]:
    """Given the time and a run id, return that run's row; NotFound when there is none."""
    with stale_runs.open_store(now, reading=True) as store:
        return store.get_run(run_id)


def report(now: datetime, days: int, username: str | None = None) -> dict[str, Any]:
    """Given the time, a number of days (today included) and an optional account, return the
    figures of `history --report` (wosync.report.history_figures)."""
    from wosync.report import history_figures

    with stale_runs.open_store(now, reading=True) as store:
        # A day more than asked for: the first local day may begin before its UTC midnight.
        rows = store.list_runs(since=now - timedelta(days=days + 1), account=username)
    return history_figures(rows, now, days)
