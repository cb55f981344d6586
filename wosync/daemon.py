"""`wosync daemon`: the schedule loop that runs all day, under systemd or in a terminal.

The decisions are pure functions of the stored schedules and a clock (``due_schedules``,
``plan_after_run``, ``clock_jump``, ``status_line``), built on wosync.schedules; the store's
``next_run`` column is the single source of truth, so a restarted daemon keeps the cadence and a
CLI change is just a changed row.

The loop itself is a ``schedule.Scheduler`` with a few jobs:

- ``poll`` every 2 s: notice CLI changes (the schedules fingerprint) and refresh the STATUS line
  while a sync runs; SIGHUP does the same at once;
- ``due``: one one-shot job at the earliest ``next_run``, rebuilt whenever the plan changes;
  it starts the most overdue schedule;
- ``heartbeat`` every 30 s: the daemon row in the store (for `wosync status` / `doctor`);
- ``watchdog`` at half of $WATCHDOG_USEC when systemd asks for one.

Between jobs the main thread sleeps on an Event until the next job is due (so idle costs one
cheap SQLite read every 2 s). Syncs run in ONE worker thread at a time: the main thread stays
free to answer signals, ping the watchdog and report progress, and a SIGTERM sets the cancel
event the scraper checks, so the run ends `interrupted` with its browser closed.

The `schedule` library keeps naive local times, so a jump of the wall clock (suspend and resume,
a clock or time-zone change) would make its jobs run late or early; the loop compares the wall
clock with the monotonic clock on every turn and rebuilds its jobs when they disagree. Anything
missed in the meantime is due and runs once: next_regular_run never schedules one run per
missed interval.
"""

from __future__ import annotations

import logging
import os
import random
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Callable, Iterable

import schedule

from wosync import config, schedules
from wosync.accounts import resolve_account
from wosync.clock import Clock, from_iso, system_clock
from wosync.errors import AlreadyRunning, DatabaseDamaged, UsageError, WosyncError
from wosync.locks import FileLock
from wosync.logs import setup_logging
from wosync.sdnotify import Notifier
from wosync.store import Store
from wosync.sync import SyncOptions, run_sync, summary_line

log = logging.getLogger("wosync.daemon")

# How often the store is checked for CLI changes: DESIGN.md promises they arrive within 5 s.
POLL_SECONDS = 2.0
# How often the daemon row in the store is refreshed even when nothing changes.
HEARTBEAT_SECONDS = 30.0
# SIGTERM must end the process within 10 s. The scraper checks the cancel event between page
# steps, but a page load in flight can block it longer; after this grace the daemon records the
# run interrupted itself and exits (Playwright's driver then closes the browser).
STOP_GRACE_SECONDS = 7.0
# The wall clock may drift from the monotonic one by this much between two turns of the loop
# before it counts as a jump (a turn lasts at most POLL_SECONDS).
CLOCK_JUMP_TOLERANCE_SECONDS = 5.0
# Testing knob: when set, a successful run repeats after this many seconds instead of the
# schedule's interval (whose minimum, 15 minutes, is too long for a test of many runs).
TEST_INTERVAL_ENV = "WOSYNC_TEST_INTERVAL_SECONDS"
# How often the daemon looks whether today's backup is made (once per local day, while no sync
# runs; wosync.backup keeps the last 7); after a failed one it waits longer before trying again.
BACKUP_CHECK_SECONDS = 600.0
BACKUP_RETRY_SECONDS = 3600.0


# --- pure decisions ------------------------------------------------------------------------


def unplanned_schedules(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Given schedules rows, return the enabled ones with no next run (they need a first_run)."""
    return [row for row in rows if row["enabled"] and not row["next_run"]]


def due_schedules(rows: Iterable[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """Given schedules rows and the current instant, return the enabled ones whose next run has
    come, the most overdue first (then by id), so no schedule can starve the others."""
    due = [row for row in rows if row["enabled"] and schedules.is_due(from_iso(row["next_run"]), now)]
    return sorted(due, key=lambda row: (row["next_run"], row["id"]))


def earliest_next_run(rows: Iterable[dict[str, Any]]) -> datetime | None:
    """Given schedules rows, return the earliest next run among the enabled ones (None: none)."""
    moments = [from_iso(row["next_run"]) for row in rows if row["enabled"] and row["next_run"]]
    return min(moments) if moments else None


def plan_after_run(
    rule: schedules.ScheduleRule,
    run: dict[str, Any],
    consecutive_failures: int,
    now: datetime,
    jitter: float,
    stopping: bool = False,
    test_interval: timedelta | None = None,
) -> datetime:
    """Given a schedule's rule, its finished run, its failure count after that run, the current
    instant and a jitter in [0, 1), return the schedule's next run.

    - success: the next regular run (last start + interval, moved into the window; one
      catch-up if that is already past);
    - interrupted because the daemon is stopping: due at once (inside the window), so the
      next start of the daemon runs it again, once;
    - any other result: a retry after 1, 2, 4 ... minutes (capped at the interval), except
      when the credentials were rejected or are missing: then not before the next regular run.
    """
    started = from_iso(run.get("started_at")) or now
    if run["status"] == "success":
        if test_interval is not None:
            return max(started + test_interval, now)
        return schedules.next_regular_run(rule, started, now)
    if run["status"] == "interrupted" and stopping:
        return schedules.first_run(rule, now)
    credentials = (run.get("error_kind") or "").startswith("credentials")
    return schedules.next_retry(
        rule, now, max(consecutive_failures, 1), jitter, credentials_rejected=credentials, last_start=started,
    )


def clock_jump(monotonic_elapsed: float, wall_elapsed: float,
               tolerance: float = CLOCK_JUMP_TOLERANCE_SECONDS) -> float | None:
    """Given the seconds that passed on the monotonic clock and on the wall clock between two
    readings, return how far the wall clock jumped (positive: forward, e.g. after a suspend,
    whose time the monotonic clock does not count), or None when they agree within tolerance."""
    jump = wall_elapsed - monotonic_elapsed
    return jump if abs(jump) > tolerance else None


def when_text(moment: datetime, now: datetime, zone: tzinfo | None = None) -> str:
    """Given an instant, return it in local time: "14:30" today, else "2026-11-30 14:30"."""
    local, local_now = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == local_now.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def status_line(syncing: dict[str, Any] | None, next_run: datetime | None, now: datetime,
                zone: tzinfo | None = None) -> str:
    """Given the progress row of the running sync (or None), the earliest next run (or None) and
    the current instant, return the one-line status: "syncing 45% (scraping)",
    "idle; next sync 14:30" or "idle; no schedule enabled"."""
    if syncing is not None:
        phase = syncing.get("phase") or "starting"
        return f"syncing {int(syncing.get('percentage') or 0)}% ({phase})"
    if next_run is None:
        return "idle; no schedule enabled"
    return f"idle; next sync {when_text(next_run, now, zone)}"


def format_duration(seconds: float) -> str:
    """Given seconds (may be negative), return "+2 h 05 min", "-1 h 00 min" or "+42 s"."""
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(int(round(seconds)))
    if seconds < 60:
        return f"{sign}{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{sign}{hours} h {minutes:02d} min" if hours else f"{sign}{minutes} min"


def interval_override_from_env(environ: dict[str, str] | None = None) -> timedelta | None:
    """Return the testing knob $WOSYNC_TEST_INTERVAL_SECONDS as a timedelta (None when unset)."""
    text = (os.environ if environ is None else environ).get(TEST_INTERVAL_ENV)
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < 86400:
        raise UsageError(f"{TEST_INTERVAL_ENV} must be a number of seconds above 0, got {text!r}")
    return timedelta(seconds=seconds)


# --- one schedule's run ----------------------------------------------------------------------


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
    return summary if run["status"] in ("failed", "interrupted") else f"{run['status']}: {summary}"


def _describe_next(moment: datetime | None, now: datetime) -> str:
    return when_text(moment, now) if moment else "none (paused)"


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
        # No run row can exist without an account: count the failure on the schedule, and wait
        # for the next regular run (as for rejected credentials: the user has to act).
        failures = row["consecutive_failures"] + 1
        next_run = schedules.next_retry(schedules.rule_from_row(row), now, failures, random_fraction(), credentials_rejected=True)
        store.update_schedule(schedule_id, now, consecutive_failures=failures, next_run=next_run)
        log.error("%s: cannot sync: %s; next try %s", label, exc.message, when_text(next_run, now))
        return RunOutcome(schedule_id, "not_run", None, next_run)

    trigger = "retry" if row["consecutive_failures"] else "scheduled"
    label = f"schedule {schedule_id} ({account.username})"
    log.info("%s: sync started (%s)", label, trigger if trigger == "scheduled"
             else f"retry after {row['consecutive_failures']} failure(s)")
    try:
        run = sync(store, account, clock, SyncOptions(trigger=trigger, schedule_id=schedule_id), cancel=cancel)
    except AlreadyRunning as exc:
        # Another process (a `wosync sync-now`) is syncing this account: try again soon, without
        # counting a failure.
        now = clock()
        next_run = schedules.next_retry(schedules.rule_from_row(row), now, 1, random_fraction())
        store.update_schedule(schedule_id, now, next_run=next_run)
        log.warning("%s: skipped: %s; trying again at %s", label, exc.message, when_text(next_run, now))
        return RunOutcome(schedule_id, "skipped", None, next_run)
    except DatabaseDamaged:
        raise  # not one more write into a damaged file: the daemon stops (see Daemon._work)
    except Exception as exc:  # the sync could not even record a run (storage, lock folder...)
        now = clock()
        message = exc.message if isinstance(exc, WosyncError) else f"unexpected {type(exc).__name__}: {exc}"
        failures = row["consecutive_failures"] + 1
        next_run = schedules.next_retry(schedules.rule_from_row(row), now, failures, random_fraction())
        store.update_schedule(schedule_id, now, consecutive_failures=failures, next_run=next_run)
        log.error("%s: sync failed before it started: %s; next try %s", label, message, when_text(next_run, now))
        return RunOutcome(schedule_id, "failed", None, next_run)

    now = clock()
    if cancel is not None and cancel.is_set() and run["status"] == "failed":
        # Ctrl-C in a terminal reaches Playwright's driver too (it shares our process group) and
        # it closes the browser, so the scrape can fail with a browser error before it sees the
        # cancel event. We asked it to stop: that is an interruption, not a failure to retry.
        run = store.finish_run(run["id"], now, status="interrupted", error_kind="interrupted",
                               error_message=f"the sync was cancelled ({run['error_message']})")
    try:
        current = store.get_schedule(schedule_id)
    except UsageError:
        log.info("%s: %s (the schedule was deleted meanwhile)", label, _result_text(run))
        return RunOutcome(schedule_id, run["status"], run["id"], None)
    next_run = None
    if current["enabled"]:
        # The rule is read again: the user may have changed it while the sync ran.
        next_run = plan_after_run(schedules.rule_from_row(current), run, current["consecutive_failures"], now,
                                  random_fraction(), stopping(), test_interval)
        store.update_schedule(schedule_id, now, next_run=next_run)
    level = logging.INFO if run["status"] in ("success", "interrupted") else logging.WARNING
    log.log(level, "%s: %s; next run %s", label, _result_text(run), _describe_next(next_run, now))
    if run["status"] == "success" and current.get("calendar_path"):
        # `schedule --calendar FILE`: the feed follows every successful sync (never fails it).
        from wosync.calendar import rewrite_for_schedule

        rewrite_for_schedule(store, current, account.username, now, log)
    return RunOutcome(schedule_id, run["status"], run["id"], next_run)


# --- the loop --------------------------------------------------------------------------------


class Daemon:
    """The long-running schedule loop. Given a clock, a Notifier and how to open the store,
    `run()` serves until `request_stop()` (the SIGTERM/SIGINT handler) is called."""

    def __init__(
        self,
        clock: Clock = system_clock,
        notifier: Notifier | None = None,
        store_factory: Callable[[], Store] = Store,
        sync: Callable[..., dict[str, Any]] = run_sync,
        test_interval: timedelta | None = None,
        poll_seconds: float = POLL_SECONDS,
    ):
        self.clock = clock
        self.notifier = notifier or Notifier(environ={})
        self.store_factory = store_factory
        self.sync = sync
        self.test_interval = test_interval
        self.poll_seconds = poll_seconds
        self.scheduler = schedule.Scheduler()
        self.store: Store | None = None
        self.started_at: datetime | None = None
        self._stop = threading.Event()
        self._cancel = threading.Event()  # given to the running sync: the scraper checks it
        self._wake = threading.Event()  # set by signals and by the worker when it finishes
        self._reload_requested = False
        self._stop_reason = ""
        self._worker: threading.Thread | None = None
        self._rows: list[dict[str, Any]] = []
        self._fingerprint: str | None = None
        self._plan_summary: tuple = ()
        self._status = "starting"
        self._clock_reading: tuple[float, float] | None = None
        self.damaged: DatabaseDamaged | None = None  # set when a sync found the file damaged
        self.abandoned_worker = False  # set when a sync did not stop within STOP_GRACE_SECONDS
        self._backup_retry_at = 0.0  # monotonic time before which no failed backup is retried

    # -- called from signal handlers (main thread, between bytecodes): set flags only

    def request_stop(self, reason: str) -> None:
        """Ask the loop to stop, cancelling the running sync."""
        self._stop_reason = self._stop_reason or reason
        self._stop.set()
        self._cancel.set()
        self._wake.set()

    def request_reload(self) -> None:
        """Ask the loop to read the schedules again at once (SIGHUP)."""
        self._reload_requested = True
        self._wake.set()

    # -- main

    def run(self) -> None:
        """Serve until stopped: plan, tell systemd READY=1, loop, then shut down cleanly."""
        from wosync.recovery import recover_stale_runs

        self.started_at = self.clock()
        self.store = self.store_factory()
        try:
            self.store.ensure_sound()  # before the first write (recovery, the daemon row)
        except DatabaseDamaged:
            self.store.close()
            self.store = None
            raise
        for run_id in recover_stale_runs(self.store, self.started_at):
            log.info("run %d was left running by a process that is gone: marked interrupted", run_id)
        self.store.set_daemon_state(os.getpid(), "starting", self.started_at, started_at=self.started_at)
        self._install_jobs(quiet=True)
        log.info("wosync daemon started (pid %d, data folder %s); %s",
                 os.getpid(), self.store.path.parent, self._status)
        if self.test_interval is not None:
            log.warning("%s is set: successful runs repeat every %g s (for tests only)",
                        TEST_INTERVAL_ENV, self.test_interval.total_seconds())
        self.notifier.ready(self._status)
        self._daily_backup()  # idle now: no sync has started yet
        try:
            self._loop()
        finally:
            self._shutdown()

    def _loop(self) -> None:
        while not self._stop.is_set():
            if self._clock_jumped():
                self._install_jobs(quiet=True)
            if self._reload_requested:
                self._reload_requested = False
                log.info("SIGHUP: reloading the schedules")
                self._replan(quiet=False, force_log=True)
            self._collect_worker()
            self.scheduler.run_pending()
            idle = self.scheduler.idle_seconds
            timeout = self.poll_seconds if idle is None else min(max(idle, 0.0), self.poll_seconds)
            self._wake.wait(timeout)
            self._wake.clear()

    def _shutdown(self) -> None:
        busy = self._busy()
        self.notifier.stopping("stopping")
        log.info("stopping (%s)%s", self._stop_reason or "error",
                 "; cancelling the running sync" if busy else "")
        self._cancel.set()
        if self._worker is not None:
            self._worker.join(STOP_GRACE_SECONDS)
            if self._worker.is_alive():
                log.warning("the running sync did not stop within %g s; exiting anyway", STOP_GRACE_SECONDS)
                self._abandon_running_runs()
                self.abandoned_worker = True
        self.scheduler.clear()
        if self.store is not None:
            if self.damaged is None:
                self.store.set_daemon_state(None, "stopped", self.clock())
            self.store.close()
        log.info("stopped")

    def _abandon_running_runs(self) -> None:
        """Record this process's unfinished runs as interrupted (the worker could not do it in
        time), clear their progress, and make their schedules due for the next start."""
        now = self.clock()
        for run in self.store.running_runs():
            if run["pid"] != os.getpid():
                continue
            self.store.finish_run(run["id"], now, status="interrupted", error_kind="interrupted",
                                  error_message=f"the daemon stopped ({self._stop_reason}) during the sync")
            self.store.clear_progress(run["account"])
            try:
                row = self.store.get_schedule(run["schedule_id"]) if run["schedule_id"] else None
            except UsageError:
                row = None
            if row and row["enabled"]:
                self.store.update_schedule(row["id"], now, next_run=schedules.first_run(schedules.rule_from_row(row), now))
            log.info("schedule %s (%s): interrupted (the daemon stopped during the sync); it runs again "
                     "at the next start", run["schedule_id"], run["account"])

    # -- jobs

    def _install_jobs(self, quiet: bool) -> None:
        """(Re)build every job from the current time: at start and after a clock jump."""
        self.scheduler.clear()
        self.scheduler.every(self.poll_seconds).seconds.do(self._poll).tag("poll")
        self.scheduler.every(HEARTBEAT_SECONDS).seconds.do(self._heartbeat).tag("heartbeat")
        self.scheduler.every(BACKUP_CHECK_SECONDS).seconds.do(self._daily_backup).tag("backup")
        if self.notifier.watchdog_seconds:
            self.notifier.watchdog()
            self.scheduler.every(self.notifier.watchdog_seconds).seconds.do(self.notifier.watchdog).tag("watchdog")
        self._replan(quiet=quiet)

    def _schedule_due_job(self) -> None:
        """Replace the one-shot `due` job by one at the earliest next run (none while syncing)."""
        self.scheduler.clear("due")
        if self._busy() or self._stop.is_set():
            return
        earliest = earliest_next_run(self._rows)
        if earliest is None:
            return
        # schedule needs a positive interval; a few milliseconds means "at the next turn".
        delay = max((earliest - self.clock()).total_seconds(), 0.005)
        self.scheduler.every(delay).seconds.do(self._start_due).tag("due")

    def _poll(self) -> None:
        """Notice CLI changes (reload) and refresh the status line while a sync runs."""
        if self.store.schedules_fingerprint() != self._fingerprint:
            self._replan(quiet=False)
        elif self._busy():
            self._refresh_status()

    def _heartbeat(self) -> None:
        self.store.set_daemon_state(os.getpid(), self._status, self.clock())

    def _daily_backup(self) -> None:
        """The `backup` job: unless a sync runs, make today's backup beside the database if it
        is not made yet, keeping the last 7 (wosync.backup.daily_backup). A failed backup is
        logged and retried an hour later; it never stops the daemon."""
        if self._busy() or self._stop.is_set() or time.monotonic() < self._backup_retry_at:
            return
        from wosync.backup import DAILY_KEEP, daily_backup

        try:
            made = daily_backup(self.store, self.clock())
        except Exception as exc:
            self._backup_retry_at = time.monotonic() + BACKUP_RETRY_SECONDS
            log.warning("the daily backup failed: %s; trying again in an hour",
                        exc.message if isinstance(exc, WosyncError) else f"{type(exc).__name__}: {exc}")
            return
        if made is not None:
            log.info("daily backup written: %s (the last %d are kept)", made, DAILY_KEEP)

    def _start_due(self):
        """The `due` job: start the most overdue schedule in the worker thread."""
        if self._busy() or self._stop.is_set():
            return schedule.CancelJob
        rows = self.store.list_schedules(enabled_only=True)
        due = due_schedules(rows, self.clock())
        if not due:  # woken early, or the schedule changed: plan again
            self._rows = rows
            self._schedule_due_job()
            return schedule.CancelJob
        schedule_id = due[0]["id"]
        self._worker = threading.Thread(target=self._work, args=(schedule_id,),
                                        name=f"sync-schedule-{schedule_id}", daemon=True)
        self._worker.start()
        self.scheduler.clear("due")
        self._refresh_status()
        return schedule.CancelJob

    def _work(self, schedule_id: int) -> None:
        """The worker thread: one schedule's sync, with its own store connection."""
        try:
            store = self.store_factory()
            try:
                run_schedule(store, schedule_id, self.clock, cancel=self._cancel,
                             stopping=self._stop.is_set, sync=self.sync, test_interval=self.test_interval)
            finally:
                store.close()
        except DatabaseDamaged as exc:
            # Every later sync would find it too: stop (exit 2) and let the user restore a backup.
            self.damaged = exc
            self.request_stop("the database is damaged")
        except Exception as exc:  # keep the loop alive; type and message only, never locals
            log.error("schedule %d: %s: %s", schedule_id, type(exc).__name__, exc)
        finally:
            self._wake.set()

    def _collect_worker(self) -> None:
        """When the worker has finished, plan again (another schedule may be due at once)."""
        if self._worker is not None and not self._worker.is_alive():
            self._worker.join()
            self._worker = None
            self._replan(quiet=True)

    def _busy(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    # -- planning and status

    def _replan(self, quiet: bool, force_log: bool = False) -> None:
        """Read the enabled schedules, give unplanned ones a first run, and rebuild the due job.

        ``quiet`` after the daemon's own changes; otherwise a changed plan is logged.
        """
        now = self.clock()
        rows = self.store.list_schedules(enabled_only=True)
        for row in unplanned_schedules(rows):
            first = schedules.first_run(schedules.rule_from_row(row), now)
            row.update(self.store.update_schedule(row["id"], now, next_run=first))
            log.info("schedule %d had no next run: planned for %s", row["id"], when_text(first, now))
        self._rows = rows
        self._fingerprint = self.store.schedules_fingerprint()
        summary = tuple((r["id"], r["next_run"], r["interval_hours"], r["active_start_hour"],
                         r["active_end_hour"], r["timezone"]) for r in rows)
        if force_log or (not quiet and summary != self._plan_summary):
            earliest = earliest_next_run(rows)
            log.info("schedules reloaded: %d enabled; next sync %s", len(rows),
                     when_text(earliest, now) if earliest else "none")
        self._plan_summary = summary
        self._schedule_due_job()
        self._refresh_status()

    def _refresh_status(self) -> None:
        """Compute the status line; on a change tell systemd and record it in the store."""
        syncing = None
        if self._busy():
            mine = [row for row in self.store.get_progress()
                    if row.get("pid") == os.getpid() and row.get("status") == "in_progress"]
            syncing = mine[0] if mine else {"phase": "starting", "percentage": 0}
        now = self.clock()
        text = status_line(syncing, earliest_next_run(self._rows), now)
        if text != self._status:
            self._status = text
            self.notifier.status(text)
            self.store.set_daemon_state(os.getpid(), text, now)

    def _clock_jumped(self) -> bool:
        """Return True (and log it) when the wall clock jumped since the previous turn."""
        # Local wall time, because that is what the `schedule` library's jobs are kept in.
        reading = (time.monotonic(), time.time() + time.localtime().tm_gmtoff)
        previous, self._clock_reading = self._clock_reading, reading
        if previous is None:
            return False
        jump = clock_jump(reading[0] - previous[0], reading[1] - previous[1])
        if jump is None:
            return False
        log.info("the clock moved %s (suspend and resume, or a clock or time-zone change): "
                 "rescheduling; anything missed runs once now", format_duration(jump))
        return True


# --- the process -------------------------------------------------------------------------------


def serve(log_file: Path | None = None, verbose: bool = False) -> int:
    """Run the daemon in the foreground until SIGTERM or SIGINT; return the exit status (0).

    Raises AlreadyRunning (exit 4, naming its pid) when another daemon uses this data folder.
    """
    setup_logging(log_file, verbose)
    notifier = Notifier()  # reads and then hides NOTIFY_SOCKET from child processes
    test_interval = interval_override_from_env()
    lock = FileLock(config.locks_dir() / "daemon.lock", "the wosync daemon")
    lock.acquire(system_clock())
    daemon = Daemon(notifier=notifier, test_interval=test_interval)
    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, lambda *_: daemon.request_stop("SIGTERM")),
        signal.SIGINT: signal.signal(signal.SIGINT, lambda *_: daemon.request_stop("SIGINT")),
        signal.SIGHUP: signal.signal(signal.SIGHUP, lambda *_: daemon.request_reload()),
    }
    try:
        daemon.run()
        if daemon.damaged is not None:
            log.error("the daemon stopped: %s", daemon.damaged.message)
            return int(daemon.damaged.exit_code)
    except WosyncError as exc:
        log.error("the daemon stopped: %s", exc.message)
        return int(exc.exit_code)
    except Exception as exc:  # a bug or a broken database: exit non-zero so systemd restarts us
        log.error("the daemon stopped: unexpected %s: %s", type(exc).__name__, exc)
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        lock.release()
        notifier.close()
        if daemon.abandoned_worker:
            # The worker is stuck in a page load. Everything is recorded and the lock is free, but
            # a normal interpreter exit would wait on the browser driver's threads and pipes (more
            # than 3 s on a loaded machine, past systemd's and the README's 10 s): leave now. The
            # driver sees its pipe close and takes the browser down with it.
            logging.shutdown()
            os._exit(int(daemon.damaged.exit_code) if daemon.damaged else 0)
    return 0
