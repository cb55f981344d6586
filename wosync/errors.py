"""Exit codes and the typed errors that the CLI turns into one `Error: ...` line.

Every error a user can cause or meet carries the exit code of docs/design.md and a message that
names the fix. `kind` is the short machine-readable name stored in `runs.error_kind`.
"""

from __future__ import annotations

import enum
import errno
import os
import sqlite3
from pathlib import Path


class ExitCode(enum.IntEnum):
    """The process exit statuses of docs/design.md's CLI contract."""

    OK = 0
    SYNC_FAILED = 1
    USAGE = 2
    CREDENTIALS = 3
    ALREADY_RUNNING = 4
    PARTIAL = 5
    INTERRUPTED = 130


class WosyncError(Exception):
    """Base of every error wosync reports to a user: a message and an exit code."""

    exit_code: ExitCode = ExitCode.SYNC_FAILED
    kind: str = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(WosyncError):
    """Bad input from the user: an option out of range, an unknown id."""

    exit_code = ExitCode.USAGE
    kind = "usage"


class NotFound(UsageError):
    """An id that names no stored record: `what` (a run, a schedule, a notification target) and
    `ident` are the fact the store knows; `hint` is where the user finds the ids that exist."""

    # The store knows no commands: the command that lists each kind of record is named here.
    HINTS = {
        "run": "see `wosync history`",
        "schedule": "see `wosync schedule list`",
        "notification target": "see `wosync notify list`",
    }

    def __init__(self, what: str, ident: object):
        self.what, self.ident = what, ident
        self.hint = self.HINTS.get(what)
        super().__init__(f"no {what} {ident}" + (f"; {self.hint}" if self.hint else ""))


class StorageError(WosyncError):
    """The data folder or database cannot be used (not writable, corrupt)."""

    exit_code = ExitCode.USAGE
    kind = "storage"


class DatabaseTooNew(StorageError):
    """The database was written by a newer wosync: its schema version is above ours."""

    kind = "database_too_new"

    def __init__(self, path: Path | str, found: int, known: int):
        super().__init__(
            f"the database {path} has schema version {found}, but this wosync knows only up to "
            f"version {known}; upgrade wosync (e.g. `pip install --upgrade wosync`) to use it; "
            "the file was left unchanged"
        )
        self.found, self.known = found, known


class DatabaseDamaged(StorageError):
    """SQLite finds the database damaged (quick_check / integrity_check fails, or "malformed")."""

    kind = "database_damaged"

    def __init__(self, path: Path | str, detail: str):
        super().__init__(
            f"the database {path} is damaged ({detail}); nothing was written to it. Restore a backup "
            f"with `wosync restore FILE` (see the wosync-*.db files beside it), or move it aside "
            "to start afresh"
        )
        self.detail = detail


class DiskFull(WosyncError):
    """A write failed because the file system has no space left (SQLITE_FULL, ENOSPC).

    The database itself is fine: the fix is free space, never deleting or moving the database.
    """

    exit_code = ExitCode.SYNC_FAILED
    kind = "disk_full"

    def __init__(self, folder: Path | str):
        super().__init__(
            f"disk full: the file system holding {folder} has no space left; free some space "
            "there and try again (the database is fine and keeps everything stored before)"
        )
        self.folder = folder


# SQLite's primary result codes for "no space" and for a damaged or foreign file.
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def is_disk_full(exc: BaseException) -> bool:
    """Given an exception, return True when it means "no space left on the device"."""
    if isinstance(exc, DiskFull):
        return True
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF == SQLITE_FULL
        return "database or disk is full" in str(exc)
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    # The browser's driver reports a failed write of a session or screenshot file as text.
    text = str(exc)
    return "ENOSPC" in text or "No space left on device" in text


# Below this much free space a failed write is taken for a full disk: SQLite reports a -shm or
# WAL file that could not grow as a plain "disk I/O error".
NEARLY_FULL_BYTES = 256 * 1024


def no_space_left(folder: Path | str) -> bool:
    """Given a folder, return True when its file system has (next to) no space left for us."""
    try:
        stats = os.statvfs(folder)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < NEARLY_FULL_BYTES or stats.f_favail == 0


def is_disk_full_in(exc: BaseException, folder: Path | str) -> bool:
    """Given an exception and the folder being written, return True when it means a full disk:
    SQLITE_FULL or ENOSPC, or an I/O error while that folder's file system is full."""
    if is_disk_full(exc):
        return True
    io_error = isinstance(exc, OSError) or (
        isinstance(exc, sqlite3.Error) and (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == SQLITE_IOERR)
    return io_error and no_space_left(folder)


def is_damage(exc: BaseException) -> bool:
    """Given an exception, return True when SQLite says the file is damaged or not a database."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def as_storage_error(exc: BaseException, db_path: Path, folder: Path) -> WosyncError | None:
    """Given an exception escaping a command, the database path and the data folder, return
    the typed error it stands for (disk full, a damaged database), or None when it is none of them.

    SQLite reports a full disk or a damaged page at whatever statement meets it; this is the
    one place that turns those into the messages that name the fix.
    """
    if is_disk_full_in(exc, folder):
        filename = getattr(exc, "filename", None)
        return DiskFull(Path(filename).parent if filename else folder)
    if is_damage(exc):
        return DatabaseDamaged(db_path, str(exc))
    return None


class CredentialsError(WosyncError):
    """No password is available, or the keyring cannot be used."""

    exit_code = ExitCode.CREDENTIALS
    kind = "credentials"


class AlreadyRunning(WosyncError):
    """Another process holds the lock (a sync of the same account, or a daemon)."""

    exit_code = ExitCode.ALREADY_RUNNING
    kind = "already_running"


class PartialSync(WosyncError):
    """The scrape read fewer distinct orders than the site's match count."""

    exit_code = ExitCode.PARTIAL
    kind = "partial"


class SyncFailed(WosyncError):
    """A sync failed for a reason not covered by a more specific error."""

    exit_code = ExitCode.SYNC_FAILED
    kind = "failed"


class Interrupted(WosyncError):
    """The run was cancelled (Ctrl-C, SIGTERM)."""

    exit_code = ExitCode.INTERRUPTED
    kind = "interrupted"
