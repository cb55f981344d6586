"""`wosync history` and `wosync status`."""

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
    limit: int = typer.Option(20, "--limit", min=1, help="Show at most N runs (newest first)."),
    failed: bool = typer.Option(False, "--failed", help="Only runs that failed, were partial or interrupted."),
    since: Optional[str] = typer.Option(None, "--since", help="Only runs started on or after DATE (YYYY-MM-DD, local)."),
    username: Optional[str] = typer.Option(None, "--username", help="Only this account's runs."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV."),
) -> None:
    """Show the sync history: when, how long, what triggered it, the result and the counts."""
    common.reject_both(json_out, csv_out)
    since_at = parse_since(since) if since else None
    with common.open_store() as store:
        runs = [run_record(r) for r in store.list_runs(limit=limit, failed_only=failed, since=since_at, account=username)]
    if json_out:
        common.print_json(runs)
    elif csv_out:
        common.print_csv(runs, list(RUN_KEYS))
    elif not runs:
        typer.echo("No syncs yet. Run `wosync sync-now`, or `wosync demo` to try it without an account.")
    else:
        from wosync import render

        common.stdout_console().print(render.history_table(runs))


def status(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show each schedule's state (active, syncing, failed, paused), its next run and last result."""
    from wosync.status import status_report

    with common.open_store() as store:
        report = status_report(store, common.clock())
    if json_out:
        common.print_json(report)
        return
    console = common.stdout_console()
    if report["schedules"]:
        from wosync import render

        console.print(render.status_table(report))
    else:
        console.print("No schedules. Create one with `wosync schedule create --interval 1`.")
    for live in report["syncing"]:
        if live["status"] == "in_progress":
            console.print(f"[blue]Syncing {live['account']}: {live['percentage']}% ({live['phase']}) {live['message']}[/]")
    orders = report["orders"]
    console.print(f"Work orders stored: {orders['active']} active, {orders['completed']} completed.")
    daemon = report["daemon"]
    from wosync.locks import pid_alive

    if daemon and pid_alive(daemon.get("pid")):
        console.print(f"Daemon: running (pid {daemon['pid']}).")
    else:
        console.print("Daemon: not running (start it with `wosync daemon`, or see `wosync install-service`).")


def register(app: typer.Typer) -> None:
    """Attach `history` and `status` to the root app."""
    app.command("history")(history)
    app.command("status")(status)
