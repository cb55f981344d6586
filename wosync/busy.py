"""A database held by another process: how long wosync waits for it, and what it says then.

SQLite answers "database is locked" when another connection holds the lock it needs past the
busy timeout. wosync waits a bounded, stated time for it: $WOSYNC_BUSY_TIMEOUT seconds
(default 60), or less where a command must answer quickly (`wait_at_most`: `status --line`
waits half a second, doctor two). After that the error is DatabaseBusy, which says that another
process holds the database and names its pid when the system or wosync's lock files tell it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from wosync.errors import ExitCode, UsageError, WosyncError

BUSY_TIMEOUT_ENV = "WOSYNC_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT = 60.0
MAX_BUSY_TIMEOUT = 3600.0
# SQLite's primary result codes for "locked by another connection".
_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED

_limit = threading.local()  # the wait_at_most bound of this thread, if any


class DatabaseBusy(WosyncError):
    """Another process held the database past the busy timeout (exit 1: try again later)."""

    exit_code = ExitCode.SYNC_FAILED
    kind = "database_busy"

    def __init__(self, path: Path | str, waited: float, holders: str = ""):
        self.path, self.waited, self.holders = Path(path), waited, holders
        super().__init__(
            f"the database {path} is busy: another process holds it{holders} and did not free it within "
            f"{waited:g} s; try again when it is done ({BUSY_TIMEOUT_ENV} sets how long wosync waits, "
            f"default {DEFAULT_BUSY_TIMEOUT:g} s)"
        )


def busy_timeout() -> float:
    """Return the seconds a connection waits for a busy database: the `wait_at_most` bound of
    this thread, else $WOSYNC_BUSY_TIMEOUT, else 60. UsageError for a value that is not a
    number of seconds above 0 and at most an hour."""
    bound = getattr(_limit, "seconds", None)
    text = os.environ.get(BUSY_TIMEOUT_ENV)
    seconds = DEFAULT_BUSY_TIMEOUT
    if text:
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 0 < seconds <= MAX_BUSY_TIMEOUT:
            raise UsageError(f"{BUSY_TIMEOUT_ENV} must be a number of seconds above 0 and at most "
                             f"{MAX_BUSY_TIMEOUT:g}, got {text!r}")
    return min(seconds, bound) if bound is not None else seconds


def busy_timeout_ms() -> int:
    """Return busy_timeout() in whole milliseconds (for PRAGMA busy_timeout)."""
    return max(1, int(busy_timeout() * 1000))


@contextmanager
def wait_at_most(seconds: float) -> Iterator[None]:
    """Within the block, connections this thread opens wait at most `seconds` for a busy database."""
    previous = getattr(_limit, "seconds", None)
    _limit.seconds = seconds if previous is None else min(previous, seconds)
    try:
        yield
    finally:
        _limit.seconds = previous


@contextmanager
def connection_waits(conn: sqlite3.Connection, seconds: float) -> Iterator[None]:
    """Within the block, the open connection `conn` waits at most `seconds` for a busy database
    (for writes that may be skipped, such as progress); its own timeout comes back afterwards."""
    before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
    try:
        yield
    finally:
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(before)}")
        except sqlite3.Error:
            pass


def is_busy(exc: BaseException) -> bool:
    """Return True when `exc` is SQLite's "database is locked" (another connection holds it)."""
    if isinstance(exc, DatabaseBusy):
        return True
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _BUSY_CODES
    text = str(exc)
    return "database is locked" in text or "database table is locked" in text


def holders_text(db_path: Path) -> str:
    """Given the database path, return " (pid 4242: the wosync daemon)" or " (pid 4242)"
    naming the processes that hold it, or "" when nothing tells."""
    from wosync import config
    from wosync.locks import lock_file_holders, sqlite_lock_holders

    me = os.getpid()
    files = [db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")]
    pids = sqlite_lock_holders(files, exclude_pid=me)
    try:
        known = dict(lock_file_holders(config.data_home() / "locks", exclude_pid=me))
    except OSError:
        known = {}
    if not pids:
        pids = list(known)
    if not pids:
        return ""
    named = [f"pid {pid}: {known[pid]}" if pid in known else f"pid {pid}" for pid in pids[:3]]
    return f" ({', '.join(named)})"


def busy_error(db_path: Path, waited: float | None = None) -> DatabaseBusy:
    """Given the database path (and the seconds waited: default busy_timeout()), return the
    DatabaseBusy to raise now, naming its holders."""
    return DatabaseBusy(db_path, busy_timeout() if waited is None else waited, holders_text(db_path))


def doctor_text(exc: BaseException, db_path: Path, waited: float) -> str:
    """Given a busy error doctor met, the database path and the seconds it waited, return its line:
    "database busy (held by another process, pid 4242): ..." rather than a permissions hint."""
    found = exc if isinstance(exc, DatabaseBusy) else busy_error(db_path, waited)
    holders = found.holders.strip(" ()")
    return (f"database busy (held by another process{', ' + holders if holders else ''}): {found.path} was "
            f"not freed within {found.waited:g} s; run doctor again once that process is done")


# `wosync status --line` answers a status bar every few seconds: it waits this long at most.
STATUS_LINE_WAIT = 0.3
# doctor reports a busy database rather than waiting the full timeout.
DOCTOR_WAIT = 2.0


def busy_line_state(exc: BaseException, db_path: Path) -> dict:
    """Given the busy error met and the database path, return the status-bar state that says
    so (the keys of wosync.status.status_line; state "busy"), for `status --line`."""
    detail = exc.message if isinstance(exc, DatabaseBusy) else busy_error(db_path).message
    return {"state": "busy", "text": "… wosync: database busy (held by another process)", "tooltip": detail,
            "percentage": 0, "orders": None, "next_run": None, "syncing": None, "last_run": None, "daemon": None}


# --- a run's outcome that could not be written ----------------------------------------------


def outcome_note_path(db_path: Path, run_id: int) -> Path:
    """Given the database path and a run id, return where that run's unwritten outcome is kept."""
    return db_path.parent / f"{db_path.name}-run-{int(run_id)}.outcome.json"


def note_outcome(db_path: Path, run_id: int, finished_at: str, fields: dict) -> Path | None:
    """Given the database path, a run id, when it finished (ISO text) and its final columns
    (status, error_kind, error_message, items_processed), keep them in a private file beside
    the database, for when the database was too busy to take them; return the file (None when
    it could not be written either). wosync.recovery applies it when it finds the run orphaned,
    so the run reads `failed` with its reason instead of "killed"."""
    import json

    path = outcome_note_path(db_path, run_id)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"finished_at": finished_at, **fields}, handle)
    except OSError:
        return None
    return path


def take_outcome(db_path: Path, run_id: int) -> dict | None:
    """Given the database path and a run id, return its noted outcome ({finished_at, status,
    error_kind, error_message, items_processed}) or None; the note is left for `forget_outcome`."""
    import json

    try:
        found = json.loads(outcome_note_path(db_path, run_id).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("status") else None


def forget_outcome(db_path: Path, run_id: int) -> None:
    """Remove a run's outcome note once the database holds it."""
    try:
        outcome_note_path(db_path, run_id).unlink()
    except OSError:
        pass
