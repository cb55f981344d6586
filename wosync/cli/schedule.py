"""`wosync schedule create|list|update|pause|resume|delete`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from wosync import schedules
from wosync.cli import common
from wosync.errors import UsageError

app = typer.Typer(no_args_is_help=True)

SCHEDULE_JSON_KEYS = (
    "id", "account", "schedule_type", "interval_hours", "active_start_hour", "active_end_hour", "timezone",
    "enabled", "next_run", "last_run", "last_success", "consecutive_failures", "created_at", "updated_at",
    "calendar_path",
)
CALENDAR_HELP = "Rewrite this iCalendar file with the next visits after every successful sync (atomically, mode 0600)."


def _show_change(changed) -> None:
    """Given an actions.schedule.Changed, print the schedule's summary, then its calendar's
    fate: written, or the error (exit 2) when the file could not be written."""
    typer.echo(_summary(changed.row))
    if changed.calendar_error:
        raise UsageError(changed.calendar_error)
    if changed.calendar_written:
        typer.echo(f"Calendar {changed.row['calendar_path']}: written now, and after every successful sync.")
    if changed.calendar_note:
        typer.echo(changed.calendar_note, err=True)


def _parse_id(value: str) -> int:
    """Given the ID argument, return it as an int; UsageError unless it is 1 to 2**63-1 in digits 0-9."""
    return common.whole_number(value, "schedule id", hint="; see `wosync schedule list`")


def _interval_text(text: str) -> str:
    """Given --interval, return it once it is written with ASCII digits (float() alone would
    take "1_0" as 10 and non-ASCII digits too); its range is checked by schedules.parse_interval."""
    try:
        return common.decimal_text(text, "interval")
    except UsageError:
        raise UsageError(
            f"interval must be a number of hours from {schedules.MIN_INTERVAL_HOURS:g} to "
            f"{schedules.MAX_INTERVAL_HOURS:g}, written with the digits 0-9 (like 1 or 0.25), got {text!r}"
        ) from None


def _active_hours_text(text: str | None) -> str | None:
    """Given --active-hours, return it once it is ASCII (the hours' own check would take any digits)."""
    if text is not None and not text.isascii():
        raise UsageError(f"active hours {text!r} must be written with the digits 0-9, like 6-22 (or 22-6 overnight)")
    return text


def _summary(row: dict) -> str:
    state = "enabled" if row["enabled"] else "paused"
    from wosync.clock import local_text
    from wosync.text import hours_text

    return (
        f"Schedule {row['id']}: every {hours_text(row['interval_hours'])}, {schedules.describe_window(schedules.rule_from_row(row))}, "
        f"{state}; next run {local_text(row['next_run'])}"
    )


@app.command("create")
def create(
    interval: str = typer.Option(str(schedules.DEFAULT_INTERVAL_HOURS), "--interval", help="Hours between syncs, 0.25 to 24."),
    active_hours: Optional[str] = typer.Option(None, "--active-hours", help="Sync only between these local hours, START-END (e.g. 6-22, or 22-6 overnight)."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="IANA time zone of the active hours (default: this machine's)."),
    paused: bool = typer.Option(False, "--paused", help="Create it paused; `wosync schedule resume ID` starts it."),
    username: Optional[str] = typer.Option(None, "--username", help="The account it syncs (default: the only one)."),
    calendar: Optional[str] = typer.Option(None, "--calendar", metavar="FILE", help=CALENDAR_HELP),
    force: bool = typer.Option(False, "--force", help="Create it even when the account already has a schedule."),
) -> None:
    """Create a schedule that syncs work orders every INTERVAL hours."""
    from wosync.actions import schedule

    changed = schedule.create(common.clock(), _interval_text(interval), _active_hours_text(active_hours), timezone,
                              paused, username, calendar, force=force)
    _show_change(changed)
    if not changed.has_account:
        typer.echo("No account yet: run `wosync login` so the schedule can sync.", err=True)


@app.command("list")
def list_(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the schedules."""
    from wosync.actions import schedule

    rows = schedule.list_schedules(common.clock())
    if json_out:
        common.print_json([{k: r[k] for k in SCHEDULE_JSON_KEYS} for r in rows])
        return
    if not rows:
        typer.echo("No schedules. Create one with `wosync schedule create --interval 1`.")
        return
    from wosync import render

    if not render.terminal_wanted(sys.stdout):  # piped: tab-separated rows with a header
        from wosync.render.plain_listings import schedules_plain

        render.write_tsv(*schedules_plain(rows))
        return
    common.stdout_console().print(render.schedules_table(rows))


@app.command("update", context_settings=common.ID_COMMAND_SETTINGS)
def update(
    schedule_id: str = typer.Argument(..., metavar="ID"),
    interval: Optional[str] = typer.Option(None, "--interval", help="Hours between syncs, 0.25 to 24."),
    active_hours: Optional[str] = typer.Option(None, "--active-hours", help="START-END local hours, or 'always' for 24/7."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="IANA time zone of the active hours."),
    calendar: Optional[str] = typer.Option(None, "--calendar", metavar="FILE", help=CALENDAR_HELP),
    no_calendar: bool = typer.Option(False, "--no-calendar", help="Stop rewriting the calendar file (the file stays)."),
) -> None:
    """Change a schedule's interval, active hours, time zone or calendar file."""
    sid = _parse_id(schedule_id)
    if calendar is not None and no_calendar:
        raise UsageError("choose one of --calendar FILE and --no-calendar")
    rule_changes = interval is not None or active_hours is not None or timezone is not None
    if not rule_changes and calendar is None and not no_calendar:
        raise UsageError("nothing to change; give --interval, --active-hours, --timezone or --calendar")
    from wosync.actions import schedule

    changed = schedule.update(common.clock(), sid, None if interval is None else _interval_text(interval),
                              _active_hours_text(active_hours), timezone, calendar, no_calendar)
    _show_change(changed)
    if not rule_changes and no_calendar:
        typer.echo(f"Schedule {sid} no longer writes a calendar.")


@app.command("pause", context_settings=common.ID_COMMAND_SETTINGS)
def pause(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Pause a schedule: no syncs until it is resumed."""
    sid = _parse_id(schedule_id)
    from wosync.actions import schedule

    row = schedule.pause(common.clock(), sid)
    typer.echo(f"Schedule {row['id']} paused.")


@app.command("resume", context_settings=common.ID_COMMAND_SETTINGS)
def resume(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Resume a paused schedule: it runs as soon as the daemon sees it (inside its active hours)."""
    sid = _parse_id(schedule_id)
    from wosync.actions import schedule

    typer.echo(_summary(schedule.resume(common.clock(), sid)))


@app.command("delete", context_settings=common.ID_COMMAND_SETTINGS)
def delete(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Delete a schedule (its history stays)."""
    sid = _parse_id(schedule_id)
    from wosync.actions import schedule

    schedule.delete(common.clock(), sid)
    typer.echo(f"Schedule {sid} deleted.")
