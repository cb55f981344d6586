"""The daemon's loop: class Daemon, a ``schedule.Scheduler`` with a few jobs.

- ``poll`` every 2 s: notice CLI changes (the schedules fingerprint) and refresh the STATUS line
  while a sync runs; SIGHUP does the same at once;
- ``due``: one one-shot job at the earliest ``next_run``, rebuilt whenever the plan changes;
  it starts the most overdue schedule (wosync.daemon.schedule_run.run_schedule);
- ``heartbeat`` every 30 s: the daemon row in the store (for `wosync status` / `doctor`);
- ``backup`` every 10 min: today's backup, once a day, while no sync runs;
- ``watchdog`` at half of $WATCHDOG_USEC when systemd asks for one.

Every decision about a schedule is a rule of wosync.schedule_rules; this module applies them.
Between jobs the main thread sleeps on an Event until the next job is due (so idle costs one
cheap SQLite read every 2 s). Syncs run in ONE worker thread at a time: the main thread stays
free to answer signals, ping the watchdog and report progress, and a SIGTERM sets the cancel
event the scraper checks, so the run ends `interrupted` with its browser closed.

The `schedule` library keeps naive local times, so a jump of the wall clock (suspend and resume,
a clock or time-zone change) would make its jobs run late or early; the loop compares the wall
clock with the monotonic clock on every turn (schedule_rules.clock_jump); when they disagree it
plans every schedule's next run again from now (schedule_rules.on_clock_jump: after the clock
went back a day, one interval away, not a day and an interval) and rebuilds its jobs. Anything
missed in the meantime is due and runs once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from datetime import datetime, timedelta, tzinfo
from typing import Any, Callable

import schedule

from wosync import busy, schedule_rules, schedules
from wosync.clock import Clock, system_clock
from wosync.daemon.schedule_run import run_schedule
from wosync.daemon.guards import BUSY_LOG_SECONDS, LoopGuards, file_identity, format_duration
from wosync.daemon.side_jobs import BACKUP_CHECK_SECONDS, BACKUP_RETRY_SECONDS, DIGEST_CHECK_SECONDS, SideJobs
from wosync.daemon.wakeup import Signals, Waker
from wosync.errors import DatabaseDamaged, UsageError, WosyncError
from wosync.model import RunStatus
from wosync.schedule_rules import when_text
from wosync.sdnotify import Notifier
from wosync.store import Store
from wosync.sync import run_sync

log = logging.getLogger("wosync.daemon")

# How often the store is checked for CLI changes: docs/design.md promises they arrive within 5 s.
POLL_SECONDS = 2.0
# How often the daemon row in the store is refreshed even when nothing changes.
HEARTBEAT_SECONDS = 30.0
# SIGTERM must end the process within 10 s. The scraper checks the cancel event between page
# steps, but a page load in flight can block it longer; after this grace the daemon records the
# run interrupted itself and exits (Playwright's driver then closes the browser).
STOP_GRACE_SECONDS = 7.0
# Testing knob: when set, a successful run repeats after this many seconds instead of the
# schedule's interval (whose minimum, 15 minutes, is too long for a test of many runs).
TEST_INTERVAL_ENV = "WOSYNC_TEST_INTERVAL_SECONDS"


# --- what the daemon says ------------------------------------------------------------------


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


# --- the loop --------------------------------------------------------------------------------


class Daemon(SideJobs, LoopGuards):
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
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self.clock = clock
        self.notifier = notifier or Notifier(environ={})
        self.store_factory = store_factory
        self.sync = sync
        self.test_interval = test_interval
        self.poll_seconds = poll_seconds
        self.monotonic = monotonic  # with `clock`, what tells a jump of the wall clock
        self.scheduler = schedule.Scheduler()
        self.store: Store | None = None
        self.started_at: datetime | None = None
        self._stop = threading.Event()
        self._cancel = threading.Event()  # given to the running sync: the scraper checks it
        self._wake = Waker()  # set by signals (its C-level wakeup fd) and by the worker when it finishes
        self.signals: Signals | None = None  # the process's signals, noted for the loop (serve installs them)
        self._reload_requested = False
        self._stop_reason = ""
        self._worker: threading.Thread | None = None
        self._rows: list[dict[str, Any]] = []
        self._fingerprint: str | None = None
        self._plan_summary: tuple = ()
        self._plan_rules: tuple | None = None  # the enabled schedules' rules, without next runs
        self._status = "starting"
        self._clock_reading: tuple[float, float] | None = None
        self.damaged: DatabaseDamaged | None = None  # set when a sync found the file damaged
        self.lost: str | None = None  # set when the data folder or the database file disappeared
        self._store_identity: tuple[int, int] | None = None  # (device, inode) of the file opened
        self.abandoned_worker = False  # set when a sync did not stop within STOP_GRACE_SECONDS
        self._backup_retry_at = 0.0  # monotonic time before which no failed backup is retried
        self._busy_logged_at = -BUSY_LOG_SECONDS  # monotonic time of the last "database busy" line

    # -- called from any thread (and, through `signals`, for the process's signals)

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
        self._store_identity = file_identity(self.store.path)
        self.store.set_daemon_state(os.getpid(), "starting", self.started_at, started_at=self.started_at)
        self._install_jobs(quiet=True)
        log.info("wosync daemon started (pid %d, data folder %s); %s",
                 os.getpid(), self.store.path.parent, self._status)
        if self.test_interval is not None:
            log.warning("%s is set: successful runs repeat every %g s (for tests only)",
                        TEST_INTERVAL_ENV, self.test_interval.total_seconds())
        self.notifier.ready(self._status)
        self._daily_backup()  # idle now: no sync has started yet
        self._bound_loop_waits()
        try:
            self._loop()
        finally:
            self._shutdown()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._handle_signals()
            if self._stop.is_set():
                break
            if self._store_gone():
                break
            try:
                self._check_clock()
                if self._reload_requested:
                    self._reload_requested = False
                    log.info("SIGHUP: reloading the schedules")
                    self._replan(quiet=False, force_log=True)
                self._collect_worker()
                self.scheduler.run_pending()
            except Exception as exc:  # another process holds the database: wait, do not crash
                if not busy.is_busy(exc):
                    raise
                self._note_busy(exc)
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
        written = True  # False once a write met a busy database: the rest is not tried
        if self._worker is not None:
            self._worker.join(STOP_GRACE_SECONDS)
            if self._worker.is_alive():
                log.warning("the running sync did not stop within %g s; exiting anyway", STOP_GRACE_SECONDS)
                if self.lost is None:
                    written = self._write_while_stopping("the interrupted run", self._abandon_running_runs)
                self.abandoned_worker = True
        self.scheduler.clear()
        if self.store is not None:
            if self.damaged is None and self.lost is None and written:
                self._write_while_stopping("the daemon's stop", lambda: self.store.set_daemon_state(
                    None, "stopped", self.clock()))
            self.store.close()
        log.info("stopped")

    def _abandon_running_runs(self) -> None:
        """Record this process's unfinished runs as interrupted (the worker could not do it in
        time), clear their progress, and make their schedules due for the next start."""
        now = self.clock()
        for run in self.store.running_runs():
            if run["pid"] != os.getpid():
                continue
            finished = self.store.finish_run(run["id"], now, status=RunStatus.INTERRUPTED, error_kind="interrupted",
                                             error_message=f"the daemon stopped ({self._stop_reason}) during the sync")
            self.store.clear_progress(run["account"])
            try:
                row = self.store.get_schedule(run["schedule_id"]) if run["schedule_id"] else None
            except UsageError:
                row = None
            if row and row["enabled"]:
                next_run = schedule_rules.plan_after_run(schedules.rule_from_row(row), finished, row["consecutive_failures"],
                                                         now, 0.0, stopping=True)
                self.store.update_schedule(row["id"], now, next_run=next_run)
            log.info("schedule %s (%s): interrupted (the daemon stopped during the sync); it runs again "
                     "at the next start", run["schedule_id"], run["account"])

    # -- jobs

    def _install_jobs(self, quiet: bool) -> None:
        """(Re)build every job from the current time: at start and after a clock jump."""
        self.scheduler.clear()
        self.scheduler.every(self.poll_seconds).seconds.do(self._tolerating_busy, self._poll).tag("poll")
        self.scheduler.every(HEARTBEAT_SECONDS).seconds.do(self._tolerating_busy, self._heartbeat).tag("heartbeat")
        self.scheduler.every(BACKUP_CHECK_SECONDS).seconds.do(self._tolerating_busy, self._daily_backup).tag("backup")
        self.scheduler.every(DIGEST_CHECK_SECONDS).seconds.do(self._tolerating_busy, self._due_digests).tag("digests")
        if self.notifier.watchdog_seconds:
            self.notifier.watchdog()
            self.scheduler.every(self.notifier.watchdog_seconds).seconds.do(self.notifier.watchdog).tag("watchdog")
        self._replan(quiet=quiet)

    def _schedule_due_job(self) -> None:
        """Replace the one-shot `due` job by one at the earliest next run (none while syncing)."""
        self.scheduler.clear("due")
        if self._busy() or self._stop.is_set():
            return
        earliest = schedule_rules.earliest_next_run(self._rows)
        if earliest is None:
            return
        # schedule needs a positive interval; a few milliseconds means "at the next turn".
        delay = max((earliest - self.clock()).total_seconds(), 0.005)
        self.scheduler.every(delay).seconds.do(self._tolerating_busy, self._start_due).tag("due")

    def _poll(self) -> None:
        """Notice CLI changes (reload) and refresh the status line while a sync runs."""
        if self.store.schedules_fingerprint() != self._fingerprint:
            self._replan(quiet=False)
        elif self._busy():
            self._refresh_status()

    def _heartbeat(self) -> None:
        self.store.set_daemon_state(os.getpid(), self._status, self.clock())

    def _start_due(self):
        """The `due` job: start the most overdue schedule in the worker thread."""
        if self._busy() or self._stop.is_set():
            return schedule.CancelJob
        rows = self.store.list_schedules(enabled_only=True)
        due = schedule_rules.due_schedules(rows, self.clock())
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
            if self._store_identity is not None and file_identity(self.store.path) != self._store_identity:
                return  # opening it would make an empty database: the loop stops instead
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
            self._fingerprint = None  # should this re-plan meet a busy database, the next poll plans
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
        for row in schedule_rules.unplanned_schedules(rows):
            first = schedules.first_run(schedules.rule_from_row(row), now)
            row.update(self.store.update_schedule(row["id"], now, next_run=first))
            log.info("schedule %d had no next run: planned for %s", row["id"], when_text(first, now))
        self._rows = rows
        self._fingerprint = self.store.schedules_fingerprint()
        rules = tuple((r["id"], r["interval_hours"], r["active_start_hour"], r["active_end_hour"],
                       r["timezone"]) for r in rows)
        summary = tuple((r["id"], r["next_run"]) for r in rows) + rules
        # Quiet re-plans follow the daemon's own next-run writes; a change of the rules themselves
        # (a pause that landed just as a sync ended) is the user's and is logged even then.
        rules_changed = self._plan_rules is not None and rules != self._plan_rules
        if force_log or rules_changed or (not quiet and summary != self._plan_summary):
            earliest = schedule_rules.earliest_next_run(rows)
            log.info("schedules reloaded: %d enabled; next sync %s", len(rows),
                     when_text(earliest, now) if earliest else "none")
        self._plan_summary = summary
        self._plan_rules = rules
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
        text = status_line(syncing, schedule_rules.earliest_next_run(self._rows), now)
        if text != self._status:
            self._status = text
            self.notifier.status(text)
            self.store.set_daemon_state(os.getpid(), text, now)
