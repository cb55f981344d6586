"""`wosync history`: the past syncs as a table, JSON or CSV, or as a picture (`--report`);
`wosync history show ID`: one run as a card with its whole error."""

from __future__ import annotations

import sys
from datetime import datetime, time, timezone
from typing import Optional

import typer

from wosync.cli import common
from wosync.errors import UsageError
from wosync.store import RUN_KEYS

history_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


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
    """Given a runs row, return the run record that `sync-now --json` and `history --json` print
    alike: the RUN_KEYS (error_message: the whole error) and error_summary (its one-line
    summary, None without an error)."""
    from wosync.error_text import error_summary

    return {**{key: run.get(key) for key in RUN_KEYS}, "error_summary": error_summary(run.get("error_message"))}


@history_app.callback()
def history(
    ctx: typer.Context,
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
    if ctx.invoked_subcommand:
        return
    common.reject_both(json_out, csv_out)
    if report:
        if csv_out or failed or since:
            raise UsageError("--report takes --days, --username and --json (not --csv, --failed or --since)")
        _report(days, username, json_out)
        return
    from wosync.actions import history as past

    since_at = parse_since(since) if since else None
    rows = past.runs(common.clock(), limit, failed, since_at, username)
    runs = [run_record(r) for r in rows]
    if json_out:
        common.print_json(runs)
    elif csv_out:
        common.print_csv(runs, list(RUN_KEYS), raw=raw)
    elif not runs:
        typer.echo("No syncs yet. Run `wosync sync-now`, or `wosync demo` to try it without an account.")
    else:
        from wosync import render

        if not render.terminal_wanted(sys.stdout):
            render.write_tsv(*render.history_plain(runs))
            return
        console = common.stdout_console()
        console.print(render.history_table(runs, console.width), crop=True)
        from wosync.fallbacks import history_lines  # the markup moved under these fields

        for line in history_lines(runs):
            console.print(line, style="yellow", markup=False, highlight=False, soft_wrap=True)


@history_app.command("show", context_settings=common.ID_COMMAND_SETTINGS)
def show(
    run_id: int = typer.Argument(..., metavar="ID", parser=common.int_parser("the run id", hint="; see `wosync history`"), help="The run's id (see `wosync history`)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one run as a card: when, how long, the result, the counts and its whole error."""
    from wosync.actions import history as past

    row = past.run(common.clock(), run_id)
    found = run_record(row)
    if json_out:
        common.print_json(found)
        return
    from wosync import render

    # Piped, the error's long lines (URLs, paths) stay whole for the reader to copy.
    common.stdout_console().print(render.run_card(found), soft_wrap=not render.terminal_wanted(sys.stdout))


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
    """Attach `history` (with `show`) to the root app."""
    app.add_typer(history_app, name="history", help="Show the sync history: when, how long, what triggered it, the result and the counts.")
