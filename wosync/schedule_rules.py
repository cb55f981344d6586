"""A schedule's life, rule by rule: what changes on its row at each event, as pure functions.

wosync.schedules holds the arithmetic (windows, next regular run, backoff); this module says
which of it applies when, and which columns of the schedules row change:

- created: ``on_create``; paused: ``on_pause``; resumed: ``on_resume``; its rule changed:
  ``on_update``;
- a run finished: ``counters_after_run`` (last_run, last_success, consecutive_failures, written
  with the run) and ``plan_after_run`` (next_run, written by the daemon afterwards);
- no run at all: ``after_skip`` (another process syncs the account), ``after_missing_account``
  (no account to sync), ``after_failed_start`` (the sync could not even record a run);
- the daemon's view of all rows: ``unplanned_schedules``, ``due_schedules``,
  ``earliest_next_run``, ``clock_jump`` (when to plan again from scratch) and ``on_clock_jump``
  (each row's next run planned again after one);
- ``when_text``: one of those instants for people.

Nothing here reads a clock, the store or the environment: rows are plain mappings as the store
returns them (times as UTC ISO text), every instant comes in as a parameter (aware), and every
instant returned is an aware UTC datetime. Jitter, a float in [0, 1), is passed in too.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from wosync import schedules
from wosync.clock import from_iso
# Their home is wosync.instants (light enough for a status bar); re-exported for the daemon and tests.
from wosync.instants import earliest_next_run, when_text  # noqa: F401
from wosync.model import RunStatus

# The wall clock may drift from the monotonic one by this much between two readings before it
# counts as a jump (the daemon reads both at least every few seconds).
CLOCK_JUMP_TOLERANCE_SECONDS = 5.0


# --- creating, pausing, resuming, changing ------------------------------------------------------


def on_create(rule: schedules.ScheduleRule, now: datetime, paused: bool = False) -> datetime | None:
    """Given a new schedule's rule, the current instant and whether it is created paused, return
    its first next run: None when paused, else now inside its window or the window's next opening."""
    return None if paused else schedules.first_run(rule, now)


def on_pause() -> dict[str, Any]:
    """Return the columns a paused schedule gets: disabled, with no next run (the daemon skips it)."""
    return {"enabled": 0, "next_run": None}


def on_resume(row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Given a schedule row and the current instant, return the columns a resumed schedule gets:
    enabled, and due at once inside its window (else at the window's next opening). Its failure
    count stays: a schedule that was failing retries with the backoff it had."""
    return {"enabled": 1, "next_run": schedules.first_run(schedules.rule_from_row(row), now)}


def on_update(row: Mapping[str, Any], changes: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Given a schedule row, the rule columns the user changes (interval_hours, active_*_hour,
    timezone) and the current instant, return the columns to write: the changes and, for an
    enabled schedule, the next run under the new rule.

    That next run counts from the last start when there was one (so a longer interval does not
    run at once, and a run already missed gives one catch-up), else it is a first run. A paused
    schedule keeps no next run: resuming it plans one.
    """
    result = dict(changes)
    if row["enabled"]:
        rule = schedules.rule_from_row({**row, **changes})
        last = from_iso(row["last_run"])
        result["next_run"] = schedules.next_regular_run(rule, last, now) if last else schedules.first_run(rule, now)
    return result


# --- after a run, or a run that could not happen ------------------------------------------------


def counters_after_run(consecutive_failures: int, started: datetime, succeeded: bool) -> dict[str, Any]:
    """Given a schedule's failure count before a run, the run's start and whether it succeeded,
    return the columns the finished run updates: last_run (its start), last_success (its start,
    on success only) and consecutive_failures (0 on success, else one more; a partial or
    interrupted run counts as a failure)."""
    if succeeded:
        return {"last_run": started, "last_success": started, "consecutive_failures": 0}
    return {"last_run": started, "consecutive_failures": consecutive_failures + 1}


def plan_after_run(
    rule: schedules.ScheduleRule,
    run: Mapping[str, Any],
    consecutive_failures: int,
    now: datetime,
    jitter: float,
    stopping: bool = False,
    test_interval: timedelta | None = None,
) -> datetime:
    """Given a schedule's rule, its finished run (status, started_at, error_kind), its failure
    count after that run (counters_after_run), the current instant and a jitter in [0, 1),
    return the schedule's next run.

    - success: the next regular run (last start + interval, moved into the window; one
      catch-up if that is already past); ``test_interval`` (a testing knob) replaces the
      interval and the window;
    - interrupted because the daemon is stopping: due at once (inside the window), so the
      next start of the daemon runs it again, once;
    - any other result: a retry after 1, 2, 4 ... minutes (capped at the interval), except
      when the credentials were rejected or are missing: then not before the next regular run.
    """
    started = from_iso(run.get("started_at")) or now
    if run["status"] == RunStatus.SUCCESS:
        if test_interval is not None:
            return max(started + test_interval, now)
        return schedules.next_regular_run(rule, started, now)
    if run["status"] == RunStatus.INTERRUPTED and stopping:
        return schedules.first_run(rule, now)
    credentials = (run.get("error_kind") or "").startswith("credentials")
    return schedules.next_retry(
        rule, now, max(consecutive_failures, 1), jitter, credentials_rejected=credentials, last_start=started,
    )


def after_skip(row: Mapping[str, Any], now: datetime, jitter: float) -> dict[str, Any]:
    """Given a schedule row whose sync was skipped because another process (a `wosync sync-now`)
    is syncing its account, the current instant and a jitter, return the columns to write: a
    retry as after a first failure (about a minute), without counting a failure."""
    return {"next_run": schedules.next_retry(schedules.rule_from_row(row), now, 1, jitter)}


def after_missing_account(row: Mapping[str, Any], now: datetime, jitter: float) -> dict[str, Any]:
    """Given a schedule row whose account cannot be found (none recorded, or it was removed),
    the current instant and a jitter, return the columns to write: one more failure, and the
    next regular run as for rejected credentials (the user has to act; no run row can exist
    without an account, so the failure is counted here)."""
    failures = row["consecutive_failures"] + 1
    next_run = schedules.next_retry(schedules.rule_from_row(row), now, failures, jitter, credentials_rejected=True)
    return {"consecutive_failures": failures, "next_run": next_run}


def after_failed_start(row: Mapping[str, Any], now: datetime, jitter: float) -> dict[str, Any]:
    """Given a schedule row whose sync failed before it could record a run (storage, the lock
    folder...), the current instant and a jitter, return the columns to write: one more failure
    and a retry with the usual backoff."""
    failures = row["consecutive_failures"] + 1
    return {"consecutive_failures": failures,
            "next_run": schedules.next_retry(schedules.rule_from_row(row), now, failures, jitter)}


# --- the daemon's view of all schedules ---------------------------------------------------------


def unplanned_schedules(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Given schedules rows, return the enabled ones with no next run (they need a first run:
    schedules.first_run)."""
    return [row for row in rows if row["enabled"] and not row["next_run"]]


def due_schedules(rows: Iterable[Mapping[str, Any]], now: datetime) -> list[Mapping[str, Any]]:
    """Given schedules rows and the current instant, return the enabled ones whose next run has
    come, the most overdue first (then by id), so no schedule can starve the others."""
    due = [row for row in rows if row["enabled"] and schedules.is_due(from_iso(row["next_run"]), now)]
    return sorted(due, key=lambda row: (row["next_run"], row["id"]))


def clock_jump(monotonic_elapsed: float, wall_elapsed: float,
               tolerance: float = CLOCK_JUMP_TOLERANCE_SECONDS) -> float | None:
    """Given the seconds that passed on the monotonic clock and on the wall clock between two
    readings, return how far the wall clock jumped (positive: forward, e.g. after a suspend,
    whose time the monotonic clock does not count), or None when they agree within tolerance.
    After a jump every next run is planned again from the current instant."""
    jump = wall_elapsed - monotonic_elapsed
    return jump if abs(jump) > tolerance else None


def on_clock_jump(row: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Given a schedule row and the current instant just after the wall clock jumped (either
    way), return the columns to write: its next run planned again from ``now`` ({} for a paused
    schedule, or when the plan stays).

    A last start later than ``now`` (the clock went back past it) counts as ``now``: the next
    regular run is then one interval away, never the jump's length further. A stored next run
    earlier than that plan (a pending retry, or one already due) is kept; a later one is not.
    """
    if not row["enabled"]:
        return {}
    rule = schedules.rule_from_row(row)
    last = from_iso(row["last_run"])
    planned = schedules.next_regular_run(rule, min(last, now), now) if last else schedules.first_run(rule, now)
    stored = from_iso(row["next_run"])
    if stored is not None and stored <= planned:
        return {}
    return {"next_run": planned}
