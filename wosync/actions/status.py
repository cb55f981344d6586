"""`wosync status`: each schedule's state, and the one line a status bar shows.

`status --line` runs every few seconds from a status bar: this module imports only the
standard library, the store and wosync.status (no Typer, no Rich).
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any, Callable

from wosync.actions import stale_runs
from wosync.clock import Clock

# How often `status --line --follow` reads the store: a status bar shows a change within 2 s,
# and a poll (a few small queries) costs about a millisecond of CPU.
FOLLOW_SECONDS = 2.0


def report(now: datetime) -> dict[str, Any]:
    """Given the time, return the status report of the data folder (wosync.status.status_report:
    the schedules, accounts, the running sync and the daemon)."""
    from wosync.status import status_report

    with stale_runs.open_store(now, reading=True) as store:
        return status_report(store, now)


def line(now: datetime, fmt: str) -> str:
    """Given the time and a line format (text | waybar | json; UsageError for another, before
    the store is opened), return the status-bar line of the data folder, newline included."""
    from wosync.status import check_line_format, format_line, status_line

    from wosync import busy, config

    fmt = check_line_format(fmt)
    try:  # a status bar must get its line at once: a busy database gives a "busy" line instead
        with busy.wait_at_most(busy.STATUS_LINE_WAIT), stale_runs.open_store(now, reading=True) as store:
            state = status_line(store, now)
    except Exception as exc:
        if not busy.is_busy(exc):
            raise
        state = busy.busy_line_state(exc, config.data_home() / config.DB_FILE_NAME)
    return format_line(state, fmt)


def _database_identity() -> tuple[int, int] | None:
    """Return (device, inode) of the database file, or None while there is none: a restore or
    a first sync replaces or creates it, and a follower then opens the new file."""
    from wosync import config

    path = config.existing_db_path()
    if path is None:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def follow(clock: Clock, fmt: str, write: Callable[[str], None], sleep: Callable[[float], None] = time.sleep,
           interval: float = FOLLOW_SECONDS, polls: int | None = None) -> None:
    """Given the clock, a line format, where to write and how to wait, write the status-bar line
    now and again each time it changes, polling every `interval` seconds until stopped (or
    after `polls` polls: tests); UsageError for a bad format, before anything is read.

    One store stays open for the whole session (waybar, i3blocks and polybar keep the process);
    it is opened again when the database file appears or is replaced.
    """
    from wosync import busy, config
    from wosync.status import check_line_format, format_line, status_line

    fmt = check_line_format(fmt)
    store, identity, previous, count = None, None, None, 0
    try:
        while polls is None or count < polls:
            now = clock()
            current = _database_identity()
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
                text = format_line(status_line(store, now), fmt)
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
                sleep(interval)
    finally:
        if store is not None:
            store.close()
