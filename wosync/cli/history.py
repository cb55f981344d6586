"""`wosync history`: the past syncs as a table, JSON or CSV, or as a picture (`--report`)."""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Optional

import typer

from wosync.cli import common
from wosync.errors import UsageError
from wosync.store import RUN_KEYS


def parse_since(text: str) -> datetime:
    """Given YYYY-MM-DD or an ISO date-time (local time unless a zone is given), return aware UTC."""
    try:
        if len(text) == 10:
            moment = datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(), time(0))
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since takes a date like 2026-11-29 or 2026-11-29T08:00, got {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the user's local time
    return moment.astimezone(timezone.utc)


def run_record(run: dict) -> dict:
    """Given a runs row, return the run record printed by `history --json` and `sync-now --json`."""
    return {key: run.get(key) for key in RUN_KEYS}


def history(
    limit: int = typer.Option(20, "--limit", metavar="N", parser=common.int_parser("--limit"), help="Show at most N runs (newest first)."),
    failed: bool = typer.Option(False, "--failed", help="Only runs that failed, were partial or interrupted."),
    since: Optional[str] = typer.Option(None, "--since", help="Only runs started on or after DATE (YYYY-MM-DD, local)."),
    username: Optional[str] = typer.Option(None, "--username", metavar="EMAIL", parser=common.parse_username, help="Only this account's runs."),
    report: bool = typer.Option(False, "--report", help="The history as a picture: runs per day, success rate, durations, active orders, errors."),
    days: int = typer.Option(14, "--days", metavar="N", parser=common.int_parser("--days", 1, 366), help="With --report: this many days, today included."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV."),
    raw: bool = typer.Option(False, "--raw", help="With --csv: cells exactly as stored (no guard against spreadsheet formulas)."),
) -> None:
    """Show the sync history: when, how long, what triggered it, the result and the counts."""
    common.reject_both(json_out, csv_out)
    if report:
        if csv_out or failed or since:
            raise UsageError("--report takes --days, --username and --json (not --csv, --failed or --since)")
        _report(days, username, json_out)
        return
    from wosync.actions import history as past

    since_at = parse_since(since) if since else None
    runs = [run_record(r) for r in past.runs(common.clock(), limit, failed, since_at, username)]
    if json_out:
        common.print_json(runs)
    elif csv_out:
        common.print_csv(runs, list(RUN_KEYS), raw=raw)
    elif not runs:
        typer.echo("No syncs yet. Run `wosync sync-now`, or `wosync demo` to try it without an account.")
    else:
        from wosync import render

        console = common.stdout_console()
        console.print(render.history_table(runs, console.width))


def _report(days: int, username: Optional[str], json_out: bool) -> None:
    """Print `history --report`: the figures of wosync.report as a Rich picture, or as JSON."""
    from wosync.actions import history as past

    figures = past.report(common.clock(), days, username)
    if json_out:
        common.print_json(figures)
        return
    from wosync import render

    common.stdout_console().print(render.history_report(figures))


def register(app: typer.Typer) -> None:
    """Attach `history` to the root app."""
    app.command("history")(history)
