"""`wosync schedule create|list|update|pause|resume|delete`."""

from __future__ import annotations

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
)


def _parse_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"schedule id must be a number, got {value!r}; see `wosync schedule list`") from None


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
) -> None:
    """Create a schedule that syncs work orders every INTERVAL hours."""
    rule = schedules.make_rule(interval, active_hours, timezone)
    with common.open_store() as store:
        account = common.resolve_account(store, username, required=False)
        now = common.clock()
        next_run = None if paused else schedules.first_run(rule, now)
        row = store.create_schedule(
            account.username if account else None, rule.interval_hours, rule.active_start_hour,
            rule.active_end_hour, rule.timezone, not paused, next_run, now,
        )
        typer.echo(_summary(row))
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


@app.command("update")
def update(
    schedule_id: str = typer.Argument(..., metavar="ID"),
    interval: Optional[str] = typer.Option(None, "--interval", help="Hours between syncs, 0.25 to 24."),
    active_hours: Optional[str] = typer.Option(None, "--active-hours", help="START-END local hours, or 'always' for 24/7."),
    timezone: Optional[str] = typer.Option(None, "--timezone", help="IANA time zone of the active hours."),
) -> None:
    """Change a schedule's interval, active hours or time zone."""
    sid = _parse_id(schedule_id)
    if interval is None and active_hours is None and timezone is None:
        raise UsageError("nothing to change; give --interval, --active-hours or --timezone")
    with common.open_store() as store:
        row = store.get_schedule(sid)
        fields: dict = {}
        if interval is not None:
            fields["interval_hours"] = schedules.parse_interval(interval)
        if active_hours is not None:
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
        row = store.update_schedule(sid, now, **fields)
        typer.echo(_summary(row))


@app.command("pause")
def pause(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Pause a schedule: no syncs until it is resumed."""
    sid = _parse_id(schedule_id)
    with common.open_store() as store:
        row = store.update_schedule(sid, common.clock(), enabled=0, next_run=None)
        typer.echo(f"Schedule {row['id']} paused.")


@app.command("resume")
def resume(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Resume a paused schedule: it runs as soon as the daemon sees it (inside its active hours)."""
    sid = _parse_id(schedule_id)
    with common.open_store() as store:
        now = common.clock()
        row = store.get_schedule(sid)
        row = store.update_schedule(sid, now, enabled=1, next_run=schedules.first_run(schedules.rule_from_row(row), now))
        typer.echo(_summary(row))


@app.command("delete")
def delete(schedule_id: str = typer.Argument(..., metavar="ID")) -> None:
    """Delete a schedule (its history stays)."""
    sid = _parse_id(schedule_id)
    with common.open_store() as store:
        store.delete_schedule(sid)
    typer.echo(f"Schedule {sid} deleted.")
