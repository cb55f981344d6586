"""`wosync week [--from DATE] [--days N] [--json | --csv]`: the coming days' visits by day, with
the parts to bring and the dispensers to calibrate."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from typing import Any, Optional

import typer

from wosync.cli import common
from wosync.errors import UsageError

# One CSV line per stop.
CSV_COLUMNS = ("date", "time_window", "number", "store_number", "customer", "city", "location_id",
               "dispensers", "calibrate", "items")
MAX_DAYS = 366


def parse_day(text: str) -> date:
    """Given --from's text, return the day; UsageError for anything but YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise UsageError(f"--from takes a date like 2026-12-07, got {text!r}") from None


def csv_rows(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Given the plan, return one CSV row per stop, its items on one line."""
    from wosync.week import items_line

    return [{**{key: stop.get(key) for key in CSV_COLUMNS}, "items": items_line(stop["items"])}
            for day in plan["days"] for stop in day["stops"]]


def week(
    first: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="The first day (YYYY-MM-DD); default: today in the schedule's time zone."),
    days: int = typer.Option(7, "--days", metavar="N", parser=common.int_parser("--days", maximum=MAX_DAYS), help=f"How many days (1-{MAX_DAYS})."),
    username: Optional[str] = typer.Option(None, "--username", metavar="EMAIL", parser=common.parse_username, help="Only this account's visits (default: every account's)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: days with their stops and parts, the totals."),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV: one line per stop."),
) -> None:
    """Show the coming week's visits by day, the parts to bring and the dispensers to calibrate."""
    common.reject_both(json_out, csv_out)
    start = parse_day(first) if first is not None else None
    if start is not None:
        try:
            start + timedelta(days=days)
        except OverflowError:
            raise UsageError("--from and --days go past the last date a calendar holds") from None
    from wosync.actions.week import week as gather

    plan = gather(common.clock(), start, days, username)
    if json_out:
        common.print_json(plan)
        return
    if csv_out:
        common.print_csv(csv_rows(plan), list(CSV_COLUMNS))
        return
    from wosync.render.plain import terminal_wanted
    from wosync.render.week import week_view

    piped = not terminal_wanted(sys.stdout)
    if piped and plan["visits"]:  # piped: one tab-separated row per stop
        from wosync.render.plain import write_tsv
        from wosync.render.plain_listings import week_plain

        write_tsv(*week_plain(plan))
        return
    if not piped:
        console = common.stdout_console()
        console.print(week_view(plan, console.width), crop=True, no_wrap=True)
    if not plan["visits"]:
        typer.echo("No visits stored for these days. Run `wosync sync-now` (or `wosync demo`), or try --days 14.")


def register(app: typer.Typer) -> None:
    """Attach `week` to the root app."""
    app.command("week")(week)
