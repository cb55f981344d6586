"""`wosync schedule create|list|update|pause|resume|delete`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from wosync import schedules
from wosync.cli import common
from wosync.clock import from_iso
from wosync.errors import UsageError

app = typer.Typer(no_args_is_help=True)

SCHEDULE_JSON_KEYS = (
    "id", "account", "schedule_type", "interval_hours", "active_start_hour", "active_end_hour", "timezone",
    "enabled", "next_run", "last_run", "last_success", "consecutive_failures", "created_at", "updated_at",
    "calendar_path",
)
CALENDAR_HELP = "Rewrite this iCalendar file with the next visits after every successful sync (atomically, mode 0600)."


def _calendar_path(path: Optional[Path]) -> Optional[str]:
    """Given --calendar FILE (or None), return it absolute once its folder can take it (UsageError otherwise)."""
    if path is None:
        return None
    from wosync.calendar import check_output_path

    return str(check_output_path(path))


def _write_calendar_now(store, row: dict, account: Optional[str]) -> None:
    """Given a schedule row with a calendar_path, write that feed at once from the stored orders,
    so a calendar app can subscribe before the first sync."""
    from wosync.calendar import feed_for, write_atomically

    try:
        write_atomically(Path(row["calendar_path"]), feed_for(store, account, common.clock(), row["timezone"]))
    except OSError as exc:
        raise UsageError(f"cannot write the calendar {row['calendar_path']}: {exc.strerror or exc}") from None
    typer.echo(f"Calendar {row['calendar_path']}: written now, and after every successful sync.")


def _only_account(store) -> Optional[str]:
    """Return the username of the one recorded account (a schedule without an account syncs it), or None."""
    account = common.resolve_account(store, None, required=False)
    return account.username if account else None


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

    return (
        f"Schedule {row['id']}: every {row['interval_hours']:g} h, {schedules.describe_window(schedules.rule_from_row(row))}, "
        f"{state}; next run {local_text(row['next_run'])}"
    )


@app.command("create")
def create(
    interval: str = typer.Option(str(schedules.DEFAULT_INTERVAL_HOURS), "--interval", help="Hours between syncs, 0.25 to 24."),
    active_hours: Optional[str] = typer.Option(None, "--active-hours", help="Sync only between these local hours, START-END (e.g. 6-22, or 22-6 overnight)."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="IANA time zone of the active hours (default: this machine's)."),
    paused: bool = typer.Option(False, "--paused", help="Create it paused; `wosync schedule resume ID` starts it."),
    username: Optional[str] = typer.Option(None, "--username", help="The account it syncs (default: the only one)."),
    calendar: Optional[Path] = typer.Option(None, "--calendar", metavar="FILE", help=CALENDAR_HELP),
) -> None:
    """Create a schedule that syncs work orders every INTERVAL hours."""
    rule = schedules.make_rule(_interval_text(interval), _active_hours_text(active_hours), timezone)
    calendar_path = _calendar_path(calendar)  # before anything is stored
    with common.open_store() as store:
        account = common.resolve_account(store, username, required=False)
        now = common.clock()
        next_run = None if paused else schedules.first_run(rule, now)
        row = store.create_schedule(
            account.username if account else None, rule.interval_hours, rule.active_start_hour,
            rule.active_end_hour, rule.timezone, not paused, next_run, now,
        )
        typer.echo(_summary(row))
        if calendar_path:
            row = store.update_schedule(row["id"], now, calendar_path=calendar_path)
            _write_calendar_now(store, row, account.username if account else None)
        if account is None:
            typer.echo("No account yet: run `wosync login` so the schedule can sync.", err=True)


@app.command("list")
def list_(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the schedules."""
    with common.open_store() as store:
        rows = store.list_schedules()
    if json_out:
        common.print_json([{k: r[k] for k in SCHEDULE_JSON_KEYS} for r in rows])
        return
    if not rows:
        typer.echo("No schedules. Create one with `wosync schedule create --interval 1`.")
        return
    from wosync import render

    common.stdout_console().print(render.schedules_table(rows))


@app.command("update", context_settings=common.ID_COMMAND_SETTINGS)
def update(
    schedule_id: str = typer.Argument(..., metavar="ID"),
    interval: Optional[str] = typer.Option(None, "--interval", help="Hours between syncs, 0.25 to 24."),
    active_hours: Optional[str] = typer.Option(None, "--active-hours", help="START-END local hours, or 'always' for 24/7."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="IANA time zone of the active hours."),
    calendar: Optional[Path] = typer.Option(None, "--calendar", metavar="FILE", help=CALENDAR_HELP),
    no_calendar: bool = typer.Option(False, "--no-calendar", help="Stop rewriting the calendar file (the file stays)."),
) -> None:
    """Change a schedule's interval, active hours, time zone or calendar file."""
    sid = _parse_id(schedule_id)
    if calendar is not None and no_calendar:
        raise UsageError("choose one of --calendar FILE and --no-calendar")
    calendar_path = _calendar_path(calendar)
    if interval is None and active_hours is None and timezone is None:
        if calendar_path is None and not no_calendar:
            raise UsageError("nothing to change; give --interval, --active-hours, --timezone or --calendar")
        # Only the calendar changes: the plan (next run) stays as it is.
        with common.open_store() as store:
            row = store.update_schedule(sid, common.clock(), calendar_path=calendar_path)
            typer.echo(_summary(row))
            if calendar_path:
                _write_calendar_now(store, row, row["account"] or _only_account(store))
            else:
                typer.echo(f"Schedule {sid} no longer writes a calendar.")
        return
    with common.open_store() as store:
        row = store.get_schedule(sid)
        fields: dict = {}
        if interval is not None:
            fields["interval_hours"] = schedules.parse_interval(_interval_text(interval))
        if active_hours is not None:
            _active_hours_text(active_hours)
            if active_hours.strip().lower() in ("always", "off", "none", "24/7"):
                fields["active_start_hour"] = fields["active_end_hour"] = None
            else:
                fields["active_start_hour"], fields["active_end_hour"] = schedules.parse_active_hours(active_hours)
        if timezone is not None:
            fields["timezone"] = schedules.validate_timezone(timezone)
        merged = {**row, **fields}
        rule = schedules.rule_from_row(merged)
        now = common.clock()
        if row["enabled"]:
            # The new rule decides the next run: from the last start if there was one, else now.
            last = from_iso(row["last_run"])
            fields["next_run"] = schedules.next_regular_run(rule, last, now) if last else schedules.first_run(rule, now)
        if calendar_path or no_calendar:
            fields["calendar_path"] = calendar_path
        row = store.update_schedule(sid, now, **fields)
        typer.echo(_summary(row))
        if calendar_path:
            _write_calendar_now(store, row, row["account"] or _only_account(store))


@app.command("pause", context_settings=common.ID_COMMAND_SETTINGS)
def pause(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Pause a schedule: no syncs until it is resumed."""
    sid = _parse_id(schedule_id)
    with common.open_store() as store:
        row = store.update_schedule(sid, common.clock(), enabled=0, next_run=None)
        typer.echo(f"Schedule {row['id']} paused.")


@app.command("resume", context_settings=common.ID_COMMAND_SETTINGS)
def resume(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Resume a paused schedule: it runs as soon as the daemon sees it (inside its active hours)."""
    sid = _parse_id(schedule_id)
    with common.open_store() as store:
        now = common.clock()
        row = store.get_schedule(sid)
        row = store.update_schedule(sid, now, enabled=1, next_run=schedules.first_run(schedules.rule_from_row(row), now))
        typer.echo(_summary(row))


@app.command("delete", context_settings=common.ID_COMMAND_SETTINGS)
def delete(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Delete a schedule (its history stays)."""
    sid = _parse_id(schedule_id)
    with common.open_store() as store:
        store.delete_schedule(sid)
    typer.echo(f"Schedule {sid} deleted.")
