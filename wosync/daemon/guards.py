"""What keeps the daemon's loop standing: signals, the data folder, a busy database, the clock.

LoopGuards is a part of wosync.daemon.loop.Daemon (it uses the Daemon's store, clock, scheduler
and flags): each method is one check the loop makes on every turn, or a wrapper of its jobs.

- signals arrive as notes (wosync.daemon.wakeup) and are acted on here, in ordinary code;
- the database file the daemon opened must stay at its path: deleted or replaced (the data
  folder removed), the daemon stops with exit 1 rather than make an empty store;
- another process holding the database past the busy timeout is logged and waited out, never
  a crash (wosync.busy); the loop's own waits are short, so a lock never holds a stop;
- a jump of the wall clock (against the monotonic one) re-plans every schedule from now.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from typing import Any, Callable

import schedule

from wosync import busy, schedule_rules
from wosync.daemon.wakeup import Waker
from wosync.schedule_rules import when_text

log = logging.getLogger("wosync.daemon")

# A database held by another process is logged at most this often while it stays busy.
BUSY_LOG_SECONDS = 60.0
# The loop's own connection waits at most this long for a busy database. Its jobs all tolerate
# one (they try again at their next turn), while a main thread inside the full busy wait (60 s)
# could not act on SIGTERM within the 10 s a stop may take. The worker opens its own connection
# with the full wait, so a run's saves still wait out a lock.
LOOP_BUSY_WAIT_SECONDS = 0.5


def format_duration(seconds: float) -> str:
    """Given seconds (may be negative), return "+2 h 05 min", "-1 h 00 min" or "+42 s"."""
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(int(round(seconds)))
    if seconds < 60:
        return f"{sign}{seconds} s"
    hours, minutes = divmod(seconds // 60, 60)
    return f"{sign}{hours} h {minutes:02d} min" if hours else f"{sign}{minutes} min"


def file_identity(path) -> tuple[int, int] | None:
    """Given a path, return its file's (device, inode), or None when there is no file."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class LoopGuards:
    """The Daemon's checks and job wrappers (see the module text); not used on its own."""

    def _handle_signals(self) -> None:
        """Act on the signals noted since the previous turn: SIGHUP reloads, any other stops."""
        if self.signals is None:
            return
        for signum in self.signals.take():
            if signum == signal.SIGHUP:
                self._reload_requested = True
            else:
                self.request_stop(signal.Signals(signum).name)

    @property
    def wakeup_pipe(self) -> Waker:
        """The pipe the loop sleeps on (the process's signals write to it)."""
        return self._wake

    def close(self) -> None:
        """Give back the wake-up pipe (after run() and after the signals are restored)."""
        self._wake.close()

    def _store_gone(self) -> bool:
        """Return True (stopping the loop, with `lost` set and logged) when the database file
        the daemon opened is no longer at its path: the data folder or the file was deleted or
        replaced. Nothing is written then, and no new store is made: that is the user's call."""
        if self.lost is not None:
            return True
        if self._store_identity is None or file_identity(self.store.path) == self._store_identity:
            return False
        folder = self.store.path.parent
        what = "the data folder" if not folder.is_dir() else "the database file"
        self.lost = (f"{what} disappeared under the running daemon ({self.store.path} is gone or was "
                     "replaced); not creating an empty one: restore it (`wosync restore FILE`) or start "
                     "the daemon again")
        log.error("%s", self.lost)
        self.request_stop(f"{what} is gone")
        return True

    def _tolerating_busy(self, job: Callable[[], Any]) -> Any:
        """Run a job; when another process holds the database, note it and try again later
        (a job at its own interval; the `due` job after one poll interval, not at once)."""
        try:
            return job()
        except Exception as exc:
            if not busy.is_busy(exc):
                raise
            self._note_busy(exc)
            if job == self._start_due:
                self.scheduler.every(self.poll_seconds).seconds.do(self._tolerating_busy, self._start_due).tag("due")
                return schedule.CancelJob
            return None

    def _bound_loop_waits(self) -> None:
        """Make the loop's own connection wait at most LOOP_BUSY_WAIT_SECONDS for a busy database."""
        self.store.conn.execute(f"PRAGMA busy_timeout = {int(self._loop_wait() * 1000)}")

    @staticmethod
    def _loop_wait() -> float:
        """Return the seconds the loop's connection waits: LOOP_BUSY_WAIT_SECONDS, or less when
        $WOSYNC_BUSY_TIMEOUT says less."""
        return min(busy.busy_timeout(), LOOP_BUSY_WAIT_SECONDS)

    def _write_while_stopping(self, what: str, write: Callable[[], Any]) -> bool:
        """Given what a shutdown write records and the write, do it; when another process holds
        the database, log that it is left undone and return False (True when written). A stop
        must not wait for the lock: the next start marks a run left `running` interrupted."""
        try:
            write()
        except Exception as exc:
            if not busy.is_busy(exc):
                raise
            log.warning("the database is busy (another process holds it): %s not recorded; the next start "
                        "does it", what)
            return False
        return True

    def _note_busy(self, exc: BaseException) -> None:
        """Log (at most once a minute) that the database is held by another process."""
        now = time.monotonic()
        if now - self._busy_logged_at >= BUSY_LOG_SECONDS:
            self._busy_logged_at = now
            log.warning("%s; the daemon carries on and tries again",
                        busy.busy_error(self.store.path, self._loop_wait()).message)

    def _check_clock(self) -> None:
        """When the wall clock jumped since the previous turn (either way), plan every enabled
        schedule's next run again from now (schedule_rules.on_clock_jump) and rebuild the jobs."""
        if not self._clock_jumped():
            return
        now = self.clock()
        for row in self.store.list_schedules(enabled_only=True):
            changes = schedule_rules.on_clock_jump(row, now)
            if changes:
                self.store.update_schedule(row["id"], now, **changes)
                log.info("schedule %d: next run planned again for %s", row["id"], when_text(changes["next_run"], now))
        self._install_jobs(quiet=True)

    def _clock_jumped(self) -> bool:
        """Return True (and log it) when the wall clock jumped since the previous turn."""
        # Local wall time, because that is what the `schedule` library's jobs are kept in.
        wall = self.clock()
        offset = wall.astimezone().utcoffset()
        reading = (self.monotonic(), wall.timestamp() + (offset.total_seconds() if offset else 0.0))
        previous, self._clock_reading = self._clock_reading, reading
        if previous is None:
            return False
        jump = schedule_rules.clock_jump(reading[0] - previous[0], reading[1] - previous[1])
        if jump is None:
            return False
        log.info("the clock moved %s (suspend and resume, or a clock or time-zone change): "
                 "rescheduling; anything missed runs once now", format_duration(jump))
        return True
