"""`wosync status`: each schedule's state, and the one line a status bar shows.

`status --line` runs every few seconds from a status bar: it reads the database through
wosync.status_read (sqlite3, read-only) and draws with wosync.status; the store, and the
stale-run recovery that may write, are imported only when that reader cannot answer (no
Typer, no Rich either way).
"""

from __future__ import annotations

import os
import time
from datetime import datetime

TYPE_CHECKING = False  # typing is not imported at run time (a status bar starts this module)
if TYPE_CHECKING:
    from typing import Any, Callable

    from wosync.clock import Clock

# How often `status --line --follow` reads the store: a status bar shows a change within 2 s,
# and a poll (a few small queries) costs about a millisecond of CPU.
FOLLOW_SECONDS = 2.0
# A poll reads the store only when the database files changed or the daemon died, and at least
# this often (times in the line: a next run that passed, a heartbeat that went stale). Idle,
# that keeps a status bar's follower near a process that only sleeps (tests/benchmarks/bench_follow_idle.py).
FOLLOW_REREAD_SECONDS = 30.0


def report(now: datetime) -> dict[str, Any]:
    """Given the time, return the status report of the data folder (wosync.status.status_report:
    the schedules, accounts, the running sync and the daemon)."""
    from wosync.status import status_report

    found = _read(now, status_report, line=False)
    if found is not None:
        return found
    from wosync.actions import stale_runs

    with stale_runs.open_store(now, reading=True) as store:
        return status_report(store, now)


def line(now: datetime, fmt: str) -> str:
    """Given the time and a line format (text | waybar | json; UsageError for another, before
    the store is opened), return the status-bar line of the data folder, newline included."""
    from wosync.status import check_line_format, format_line, status_line

    fmt = check_line_format(fmt)
    try:  # a status bar must get its line at once: a busy database gives a "busy" line instead
        state = _read(now, status_line, line=True)
        if state is None:  # the reader cannot answer: the store, as every other command opens it
            from wosync import busy
            from wosync.actions import stale_runs

            with busy.wait_at_most(busy.STATUS_LINE_WAIT), stale_runs.open_store(now, reading=True) as store:
                state = status_line(store, now)
    except Exception as exc:
        from wosync import busy, config

        if not busy.is_busy(exc):
            raise
        state = busy.busy_line_state(exc, config.data_home() / config.DB_FILE_NAME)
    return format_line(state, fmt)


def _data_folder() -> str:
    """Return the data folder as an absolute path, the one config.data_home() names: $WOSYNC_HOME,
    else the platform's user data folder. The usual Linux cases are worked out here, as
    platformdirs works them out (a test holds the two equal); any other asks config, which
    imports platformdirs (several times the cost of the rest of a status bar's line)."""
    import sys

    home = os.environ.get("WOSYNC_HOME")
    if home:
        return os.path.abspath(os.path.expanduser(home))
    xdg, user_home = os.environ.get("XDG_DATA_HOME", ""), os.environ.get("HOME", "")
    if sys.platform == "linux" and "ANDROID_DATA" not in os.environ:
        if os.path.isabs(xdg):
            return os.path.abspath(os.path.join(xdg, "wosync"))
        if not xdg and os.path.isabs(user_home):
            return os.path.abspath(os.path.join(user_home, ".local", "share", "wosync"))
    from wosync import config

    return os.path.abspath(config.data_home())


def _read(now: datetime, read: Callable[[Any, datetime], dict[str, Any]], line: bool) -> dict[str, Any] | None:
    """Given the time and what to read (status_line, status_report), return it read through
    wosync.status_read, or None when the store must answer: the reader cannot open this
    database, or a run marked running lost its process (the store's recovery marks it
    interrupted, a write).

    For the `line`, a database busy while it is opened is DatabaseBusy, as the store's opening
    gives it (and busy while read, SQLite's error, as the store's reads give it); elsewhere a
    busy database is left to the store, which waits its full bound and names the holder.
    """
    import sqlite3

    from wosync import status_read

    try:
        reader = status_read.open_reader(_data_folder())
    except status_read.StoreNeeded:
        return None
    except sqlite3.Error as exc:  # open_reader lets only "busy" through
        if not line:
            return None
        from wosync import busy, config

        with busy.wait_at_most(busy.STATUS_LINE_WAIT):
            raise busy.busy_error(config.data_home() / config.DB_FILE_NAME) from exc
    with reader:
        try:
            running = reader.running_runs()
            if running:
                from wosync.recovery import run_is_orphaned

                if any(run_is_orphaned(run) for run in running):
                    return None
            return read(reader, now)
        except sqlite3.Error as exc:
            from wosync import busy

            if line and busy.is_busy(exc):
                raise
            return None  # anything else: the store meets it again and reports it as it always has


def _database_files() -> tuple[int, ...] | None:
    """Return what changes when anything writes the database: its device and inode (a restore
    or a first sync replaces or creates it, and a follower then opens the new file), size and
    modification time and those of its -wal file (a write in WAL mode goes there first), or
    None while there is no database. Two stat calls: a few microseconds."""
    from wosync import config

    path = config.existing_db_path()
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    try:
        wal = os.stat(f"{path}-wal")
        wal_state = (wal.st_ino, wal.st_size, wal.st_mtime_ns)
    except OSError:
        wal_state = (0, -1, 0)
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, *wal_state)


def follow(clock: Clock, fmt: str, write: Callable[[str], None], sleep: Callable[[float], None] = time.sleep,
           interval: float = FOLLOW_SECONDS, polls: int | None = None, watch: bool = False) -> None:
    """Given the clock, a line format, where to write and how to wait, write the status-bar line
    now and again each time it changes, polling every `interval` seconds until stopped (or
    after `polls` polls: tests); UsageError for a bad format, before anything is read. With
    `watch` (the command's way), between polls it sleeps until the database is written or the
    daemon's process ends (wosync.file_watch; at most FOLLOW_REREAD_SECONDS), and at least
    `interval` after a read, so a burst of writes is one read.

    One store stays open for the whole session (waybar, i3blocks and polybar keep the process);
    it is opened again when the database file appears or is replaced.
    """
    from wosync import busy, config
    from wosync.actions import stale_runs
    from wosync.pids import pid_alive
    from wosync.status import check_line_format, format_line, status_line

    fmt = check_line_format(fmt)
    waiter = None
    if watch:
        from wosync.file_watch import ChangeWaiter

        waiter = ChangeWaiter(str(config.data_home()), (config.DB_FILE_NAME, config.DB_FILE_NAME + "-wal"), interval)

    def pause(read: bool) -> None:
        """Wait before the next poll: `interval`, or with the waiter until something changes."""
        if waiter is None:
            sleep(interval)
            return
        if read:
            sleep(interval)  # writes come in bursts (a sync's progress): one read for each burst
        since = abs((clock() - read_at).total_seconds()) if read_at is not None else 0.0
        waiter.wait(max(FOLLOW_REREAD_SECONDS - since, interval), daemon_pid)

    store, identity, previous, count = None, None, None, 0
    # What the last reading saw: the database files, whether the daemon lived, and when.
    seen, read_at, daemon_pid = None, None, None
    try:
        while polls is None or count < polls:
            now = clock()
            files = _database_files()
            current = files[:2] if files is not None else None
            looked = (files, pid_alive(daemon_pid) if daemon_pid else None)
            if (store is not None and current == identity and looked == seen and read_at is not None
                    and abs((now - read_at).total_seconds()) < FOLLOW_REREAD_SECONDS):
                # Nothing wrote the database and the daemon lives as it did: the line is the same
                # (its times are re-read every FOLLOW_REREAD_SECONDS). Idle, a poll is two stat calls.
                count += 1
                if polls is None or count < polls:
                    pause(False)
                continue
            try:
                if store is None or current != identity:
                    if store is not None:
                        store.close()
                        store = None
                    # Its connection waits as briefly as a one-shot line's: the next poll comes soon.
                    with busy.wait_at_most(busy.STATUS_LINE_WAIT):
                        store = stale_runs.open_store(now, reading=True)
                    identity = current
                elif current is not None:
                    stale_runs.recover(store, now)  # a sync killed meanwhile is no longer shown as running
                record = status_line(store, now)
                text = format_line(record, fmt)
                daemon_pid = (record.get("daemon") or {}).get("pid")
                seen, read_at = (files, pid_alive(daemon_pid) if daemon_pid else None), now
            except Exception as exc:
                if not busy.is_busy(exc):
                    raise
                # Another process holds the database a moment: keep the line shown, poll again.
                text = previous if previous is not None else format_line(
                    busy.busy_line_state(exc, config.data_home() / config.DB_FILE_NAME), fmt)
            if text != previous:
                write(text)
                previous = text
            count += 1
            if polls is None or count < polls:
                pause(True)
    finally:
        if store is not None:
            store.close()
        if waiter is not None:
            waiter.close()
