"""One due schedule's turn in the daemon: sync its account once, then store its next run.

Every decision is a rule of wosync.schedule_rules; this module reads the rows, calls the sync,
writes what the rules return, and logs it.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from wosync import busy, schedule_rules, schedules
from wosync.accounts import resolve_account
from wosync.clock import Clock
from wosync.errors import AlreadyRunning, DatabaseDamaged, UsageError, WosyncError
from wosync.model import RunStatus, Trigger
from wosync.schedule_rules import when_text
from wosync.store import Store
from wosync.sync import SyncOptions, run_sync, summary_line
from wosync.text import plural

log = logging.getLogger("wosync.daemon")


@dataclass(frozen=True)
class RunOutcome:
    """What became of one due schedule: the run's status (or why there was none) and its next run."""

    schedule_id: int
    status: str  # a run status, or "skipped" (account busy elsewhere) / "not_run" (no account)
    run_id: int | None
    next_run: datetime | None


def _result_text(run: dict[str, Any]) -> str:
    """Return "success: 250 work orders: ..." or "failed in 2.1 s: <why>" for a log line."""
    summary = summary_line(run)
    return summary if run["status"] in (RunStatus.FAILED, RunStatus.INTERRUPTED) else f"{run['status']}: {summary}"


def _describe_next(moment: datetime | None, now: datetime) -> str:
    return when_text(moment, now) if moment else "none (paused)"


# The failures a browser closed under a running scrape (by a stop) shows as: only these are
# read as the stop's doing when a stop was asked for by the time the sync returned.
STOP_EXPLAINS = frozenset({"browser_failed", "unexpected"})


def run_schedule(
    store: Store,
    schedule_id: int,
    clock: Clock,
    *,
    cancel: threading.Event | None = None,
    stopping: Callable[[], bool] = lambda: False,
    sync: Callable[..., dict[str, Any]] = run_sync,
    random_fraction: Callable[[], float] = random.random,
    test_interval: timedelta | None = None,
) -> RunOutcome | None:
    """Given the store, a due schedule's id and a clock, sync its account once and store its next run.

    Returns None when the schedule was deleted or paused meanwhile. Never raises for a problem
    of this one account (missing credentials, another process syncing it, a failed sync): that
    is logged and planned for, so a failing account never stops the others.
    """
    try:
        row = store.get_schedule(schedule_id)
    except UsageError:
        return None
    if not row["enabled"]:
        return None
    label = f"schedule {schedule_id}"
    now = clock()
    try:
        account = resolve_account(store, now, row["account"])
    except WosyncError as exc:
        changes = schedule_rules.after_missing_account(row, now, random_fraction())
        store.update_schedule(schedule_id, now, **changes)
        log.error("%s: cannot sync: %s; next try %s", label, exc.message, when_text(changes["next_run"], now))
        return RunOutcome(schedule_id, "not_run", None, changes["next_run"])

    trigger = Trigger.RETRY if row["consecutive_failures"] else Trigger.SCHEDULED
    label = f"schedule {schedule_id} ({account.username})"
    log.info("%s: sync started (%s)", label, trigger if trigger == Trigger.SCHEDULED
             else f"retry after {plural(row['consecutive_failures'], 'failure')}")
    try:
        run = sync(store, account, clock, SyncOptions(trigger=trigger, schedule_id=schedule_id), cancel=cancel)
    except AlreadyRunning as exc:
        now = clock()
        changes = schedule_rules.after_skip(row, now, random_fraction())
        store.update_schedule(schedule_id, now, **changes)
        log.warning("%s: skipped: %s; trying again at %s", label, exc.message, when_text(changes["next_run"], now))
        return RunOutcome(schedule_id, "skipped", None, changes["next_run"])
    except DatabaseDamaged:
        raise  # not one more write into a damaged file: the daemon stops (see Daemon._work)
    except Exception as exc:  # the sync could not even record a run (storage, lock folder...)
        now = clock()
        message = exc.message if isinstance(exc, WosyncError) else f"unexpected {type(exc).__name__}: {exc}"
        changes = schedule_rules.after_failed_start(row, now, random_fraction())
        if busy.is_busy(exc):  # held by another process: its retry may not be writable either
            log.error("%s: sync failed: %s; trying again later", label, busy.busy_error(store.path).message
                      if not isinstance(exc, busy.DatabaseBusy) else message)
            try:
                store.update_schedule(schedule_id, now, **changes)
            except Exception as again:
                if not busy.is_busy(again):
                    raise
            return RunOutcome(schedule_id, RunStatus.FAILED, None, changes["next_run"])
        store.update_schedule(schedule_id, now, **changes)
        log.error("%s: sync failed before it started: %s; next try %s", label, message,
                  when_text(changes["next_run"], now))
        return RunOutcome(schedule_id, RunStatus.FAILED, None, changes["next_run"])

    now = clock()
    if (cancel is not None and cancel.is_set() and run["status"] == RunStatus.FAILED
            and run.get("error_kind") in STOP_EXPLAINS):
        # Ctrl-C in a terminal reaches Playwright's driver too (it shares our process group) and
        # it closes the browser, so the scrape can fail with a browser error before it sees the
        # cancel event. We asked it to stop: that is an interruption, not a failure to retry.
        # A failure of another kind (the site's HTTP 500, a changed page) came before the stop
        # (say, while its alert was being sent) and stays the failure it is.
        run = store.finish_run(run["id"], now, status=RunStatus.INTERRUPTED, error_kind="interrupted",
                               error_message=f"the sync was cancelled ({run['error_message']})")
    try:
        current = store.get_schedule(schedule_id)
    except UsageError:
        log.info("%s: %s (the schedule was deleted meanwhile)", label, _result_text(run))
        return RunOutcome(schedule_id, run["status"], run["id"], None)
    next_run = None
    if current["enabled"]:
        # The rule is read again: the user may have changed it while the sync ran.
        next_run = schedule_rules.plan_after_run(schedules.rule_from_row(current), run, current["consecutive_failures"],
                                                 now, random_fraction(), stopping(), test_interval)
        store.update_schedule(schedule_id, now, next_run=next_run)
    level = logging.INFO if run["status"] in (RunStatus.SUCCESS, RunStatus.INTERRUPTED) else logging.WARNING
    log.log(level, "%s: %s; next run %s", label, _result_text(run), _describe_next(next_run, now))
    if run["status"] == RunStatus.SUCCESS and current.get("calendar_path"):
        # `schedule --calendar FILE`: the feed follows every successful sync (never fails it).
        from wosync.calendar import rewrite_for_schedule

        rewrite_for_schedule(store, current, account.username, now, log)
    return RunOutcome(schedule_id, run["status"], run["id"], next_run)
