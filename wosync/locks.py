"""Lock files held by a process: one per account (a sync) and one per data folder (the daemon).

The lock is an flock on a file, so the OS releases it when the holder dies, even by kill -9.
The file also records the holder's pid and start time, so the loser can name them.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import datetime
from pathlib import Path

from wosync.clock import from_iso, to_iso
from wosync.config import file_safe
from wosync.errors import AlreadyRunning
from wosync.pids import pid_alive  # noqa: F401  (its home is wosync.pids; callers import it from here too)


class FileLock:
    """Given a lock file path and what it guards, take and release an exclusive flock."""

    def __init__(self, path: Path, what: str = "a sync"):
        self.path = path
        self.what = what
        self._fd: int | None = None

    def holder(self) -> dict | None:
        """Return {"pid", "started_at"} recorded by the current holder, or None when free."""
        if not self.is_held():
            return None
        try:
            return json.loads(self.path.read_text() or "{}") or None
        except (OSError, ValueError):
            return None

    def is_held(self) -> bool:
        """Return True when some process (this one included) holds the lock."""
        if self._fd is not None:
            return True
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            # A shared probe does not block writers for long and fails while anyone holds it exclusively.
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def acquire(self, now: datetime) -> None:
        """Take the lock or raise AlreadyRunning naming the holder's pid and start time."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(self._busy_message()) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started_at": to_iso(now)}).encode())
        self._fd = fd

    def _busy_message(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            info = {}
        pid = info.get("pid", "?")
        started = from_iso(info.get("started_at"))
        when = f", started {started.astimezone().strftime('%H:%M')}" if started else ""
        return f"{self.what} is already running (pid {pid}{when})"

    def release(self) -> None:
        """Release the lock (the file stays, empty of meaning until the next holder)."""
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "FileLock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def account_lock_path(locks_dir: Path, username: str) -> Path:
    """Return the lock file path of an account (its name made safe for a file name)."""
    return locks_dir / f"sync-{file_safe(username)}.lock"


def account_lock_paths(locks_dir: Path) -> list[Path]:
    """Given the locks folder, return the lock file of every account that ever synced, by name
    (held or not): what account_lock_path has made there."""
    return sorted(locks_dir.glob("sync-*.lock"))


def daemon_lock_path(locks_dir: Path) -> Path:
    """Given the locks folder, return the daemon's lock file path (one daemon per data folder)."""
    return locks_dir / "daemon.lock"


def lock_file_holders(locks_dir: Path, exclude_pid: int | None = None) -> list[tuple[int, str]]:
    """Given the locks folder, return (pid, what) for every wosync lock held now by a live
    process other than `exclude_pid`: the daemon, and each account's sync (by account file name)."""
    found = []
    files = [(daemon_lock_path(locks_dir), "the wosync daemon")]
    files += [(path, f"a sync ({path.stem.removeprefix('sync-')})") for path in account_lock_paths(locks_dir)]
    for path, what in files:
        info = FileLock(path, what).holder() or {}
        pid = info.get("pid")
        if isinstance(pid, int) and pid != exclude_pid and pid_alive(pid):
            found.append((pid, what))
    return found


def sqlite_lock_holders(paths: list[Path], exclude_pid: int | None = None) -> list[int]:
    """Given a database's files (the file, its -wal and -shm), return the pids other than
    `exclude_pid` holding a POSIX lock on one of them, as Linux lists in /proc/locks ([] where
    it cannot tell). SQLite locks with such locks, so this names any program, wosync or not."""
    inodes = set()
    for path in paths:
        try:
            inodes.add(os.stat(path).st_ino)
        except OSError:
            continue
    pids: list[int] = []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    for line in lines:
        # "1: POSIX  ADVISORY  WRITE 4242 08:01:1234 0 EOF" (blocked waiters start with "->")
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->" or fields[1] != "POSIX":
            continue
        try:
            pid, inode = int(fields[4]), int(fields[5].rsplit(":", 1)[1])
        except (ValueError, IndexError):
            continue
        if inode in inodes and pid > 0 and pid != exclude_pid and pid not in pids:
            pids.append(pid)
    return pids
