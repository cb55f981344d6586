"""Schedules: create, list, update, pause, resume, delete.

The rules (the first run, the next run after a change, what pausing and resuming write) are
wosync.schedule_rules and wosync.schedules; this module applies them to the stored rows. A
schedule with a calendar file gets that file written at once, so a calendar app can subscribe
before the first sync; a file that cannot be written is reported after the schedule is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wosync import accounts, schedule_rules, schedules
from wosync.actions import stale_runs
from wosync.errors import UsageError


@dataclass(frozen=True)
class Changed:
    """A schedule after a create or update: its stored row, and what happened to its calendar."""

    row: dict[str, Any]
    # Its calendar file was written now (it had one, or got one, and the write worked).
    calendar_written: bool = False
    # Why its calendar file could not be written (the schedule itself is stored), or None.
    calendar_error: str | None = None
    # What the feed written says of the visits it skipped (a date no calendar holds), or None.
    calendar_note: str | None = None
    # create only: False when no account is recorded yet, so the schedule cannot sync.
    has_account: bool = True


def calendar_path(path: Path | None) -> str | None:
    """Given --calendar FILE (or None), return it absolute once it can be written (UsageError
    otherwise: see wosync.safe_paths.output_target); None for None. A link is stored as the
    link, so every rewrite goes where it points then."""
    if path is None:
        return None
    from wosync.calendar import check_output_path

    check_output_path(path)
    return str(Path(path).expanduser().absolute())


def _write_calendar(store, row: dict[str, Any], account: str | None, now: datetime) -> tuple[str | None, str | None]:
    """Given a schedule row with a calendar_path and the account whose visits it holds, write
    the feed from the stored orders; return (None, or the error text when it cannot be written;
    what the feed says of the visits it skipped, or None)."""
    from wosync.calendar import check_output_path, skipped_text, stored_feed, write_atomically

    try:
        feed = stored_feed(store, account, now, row["timezone"])
        # Checked at every write: a link is followed to where it points now.
        write_atomically(check_output_path(row["calendar_path"]), feed.data)
    except UsageError as exc:
        return exc.message, None
    except OSError as exc:
        return f"cannot write the calendar {row['calendar_path']}: {exc.strerror or exc}", None
    return None, skipped_text(feed.skipped)


def _calendar_result(store, row: dict[str, Any], account: str | None, now: datetime, **extra: Any) -> Changed:
    """Given a stored row that names a calendar file, write it; return the Changed record."""
    error, note = _write_calendar(store, row, account, now)
    return Changed(row, calendar_written=error is None, calendar_error=error, calendar_note=note, **extra)


def _only_account(store, now: datetime) -> str | None:
    """Return the username of the one recorded account (a schedule without an account syncs it), or None."""
    account = accounts.resolve_account(store, now, None, False)
    return account.username if account else None


def _same_account(store, now: datetime, name: str | None) -> list[dict[str, Any]]:
    """Given the store and an account (None: the only one, or none yet), return the schedules
    that already sync it (a schedule without an account syncs the only one)."""
    known = store.list_accounts()
    default = known[0].username if len(known) == 1 else None
    return [row for row in store.list_schedules() if (row["account"] or default) == (name or default)]


def create(now: datetime, interval: str, active_hours: str | None = None, timezone: str | None = None,
           paused: bool = False, username: str | None = None, calendar: Path | None = None,
           force: bool = False) -> Changed:
    """Given the time, the interval in hours (text), optional active hours ("6-22"), time zone,
    paused flag, account, calendar file and whether to add a second schedule for one account,
    check them all (UsageError before anything is stored), then store the schedule with its
    first run; return what changed.

    An account that already has a schedule gets another only with `force`: two schedules of
    one account mostly mean a `create` run twice (each would sync it on its own interval).
    """
    rule = schedules.make_rule(interval, active_hours, timezone)
    path = calendar_path(calendar)
    with stale_runs.open_store(now) as store:
        account = accounts.resolve_account(store, now, username, False)
        name = account.username if account else None
        existing = [] if force else _same_account(store, now, name)
        if existing:
            ids = ", ".join(str(row["id"]) for row in existing)
            who = name or "the account"
            raise UsageError(
                f"{who} already has schedule {ids}; change it with `wosync schedule update {existing[0]['id']}`, "
                "or add --force to create a second one (both then sync it)")
        row = store.create_schedule(
            name, rule.interval_hours, rule.active_start_hour, rule.active_end_hour, rule.timezone,
            not paused, schedule_rules.on_create(rule, now, paused), now,
        )
        if not path:
            return Changed(row, has_account=account is not None)
        row = store.update_schedule(row["id"], now, calendar_path=path)
        return _calendar_result(store, row, name, now, has_account=account is not None)


def list_schedules(now: datetime) -> list[dict[str, Any]]:
    """Given the time, return every schedule row, in id order."""
    with stale_runs.open_store(now, reading=True) as store:
        return store.list_schedules()


def update(now: datetime, schedule_id: int, interval: str | None = None, active_hours: str | None = None,
           timezone: str | None = None, calendar: Path | None = None, no_calendar: bool = False) -> Changed:
    """Given the time, a schedule id and what to change (interval text, active hours or
    "always", time zone, a calendar file or no_calendar), store the change; return what changed.

    A change of the rule plans the next run anew (schedule_rules.on_update); a change of the
    calendar file alone leaves the plan as it is. NotFound for an unknown id, UsageError for a
    value the rules refuse (nothing is stored then).
    """
    path = calendar_path(calendar)
    with stale_runs.open_store(now) as store:
        if interval is None and active_hours is None and timezone is None:
            row = store.update_schedule(schedule_id, now, calendar_path=path)
            if not path:
                return Changed(row)
            return _calendar_result(store, row, row["account"] or _only_account(store, now), now)
        row = store.get_schedule(schedule_id)
        fields: dict[str, Any] = {}
        if interval is not None:
            fields["interval_hours"] = schedules.parse_interval(interval)
        if active_hours is not None:
            fields["active_start_hour"], fields["active_end_hour"] = schedules.parse_window(active_hours)
        if timezone is not None:
            fields["timezone"] = schedules.validate_timezone(timezone)
        fields = schedule_rules.on_update(row, fields, now)
        if path or no_calendar:
            fields["calendar_path"] = path
        row = store.update_schedule(schedule_id, now, **fields)
        if not path:
            return Changed(row)
        return _calendar_result(store, row, row["account"] or _only_account(store, now), now)


def pause(now: datetime, schedule_id: int) -> dict[str, Any]:
    """Given the time and a schedule id, pause it (no syncs, no next run); return its row."""
    with stale_runs.open_store(now) as store:
        return store.update_schedule(schedule_id, now, **schedule_rules.on_pause())


def resume(now: datetime, schedule_id: int) -> dict[str, Any]:
    """Given the time and a schedule id, resume it (due at once inside its active hours, else
    at their next opening); return its row."""
    with stale_runs.open_store(now) as store:
        row = store.get_schedule(schedule_id)
        return store.update_schedule(schedule_id, now, **schedule_rules.on_resume(row, now))


def delete(now: datetime, schedule_id: int) -> None:
    """Given the time and a schedule id, delete the schedule (its runs stay in the history);
    return None. NotFound for an unknown id."""
    with stale_runs.open_store(now) as store:
        store.delete_schedule(schedule_id)
