"""Sleep until a folder's files change or a process ends, for `status --line --follow`.

A status bar keeps one follower for its whole session. Waking every 2 s to look costs more CPU
than everything else it does while nothing happens (each wake runs cold Python); Linux can
instead wake it when a file of the data folder is written (inotify) or the daemon's process
exits (a pidfd). `ChangeWaiter.wait(seconds, pid)` returns at the first of: a write to one of
the named files, the exit of `pid`, or `seconds`. Where inotify or pidfd_open is missing (another
system, an old kernel) it simply sleeps `seconds`' share of a poll interval, as before.
Standard library only (ctypes for inotify, which Python does not wrap).
"""

from __future__ import annotations

import os
import select
import time

# inotify(7) event bits: a file written, closed after writing, created, moved in or removed.
_IN_MODIFY, _IN_CLOSE_WRITE, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x2, 0x8, 0x80, 0x100, 0x200
_WATCHED_EVENTS = _IN_MODIFY | _IN_CLOSE_WRITE | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE


def _inotify_folder(folder: str) -> int | None:
    """Given a folder, return an inotify descriptor watching writes to the files in it, or None
    when this system has no inotify (or the folder cannot be watched)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, AttributeError):
        return None
    if fd < 0:
        return None
    if libc.inotify_add_watch(fd, os.fsencode(folder), _WATCHED_EVENTS) < 0:
        os.close(fd)
        return None
    return fd


class ChangeWaiter:
    """Waits for a write to some files of one folder, or for a process to end (see module)."""

    def __init__(self, folder: str, names: tuple[str, ...], fallback_seconds: float) -> None:
        """Given the folder, the names of the files whose writes count, and how long to sleep
        instead when the folder cannot be watched, start watching (if the folder exists)."""
        self._folder, self._names = folder, {os.fsencode(name) for name in names}
        self._fallback = fallback_seconds
        self._fd = _inotify_folder(folder) if os.path.isdir(folder) else None
        self._pid, self._pidfd = None, None

    def wait(self, seconds: float, pid: int | None = None) -> None:
        """Given the longest wait and a process to watch (None: none), return when one of the
        files was written, the process ended, or `seconds` passed (unwatched: after the
        fallback sleep, at most `seconds`)."""
        if self._fd is None:
            time.sleep(min(self._fallback, seconds))
            # The folder may have appeared meanwhile: watched from now on (what was written
            # before this, the poll after this sleep sees).
            self._fd = _inotify_folder(self._folder) if os.path.isdir(self._folder) else None
            return
        watched = [self._fd, *self._process_fd(pid)]
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select(watched, [], [], left)
            if not ready:
                return
            if self._pidfd is not None and self._pidfd in ready:
                return  # the process ended
            if self._written():
                return

    def _process_fd(self, pid: int | None) -> list[int]:
        """Given a pid (or None), return [a pidfd of it] (kept while the pid stays the same), or []."""
        if pid != self._pid:
            self._close_pidfd()
            self._pid = pid
            if pid:
                try:
                    self._pidfd = os.pidfd_open(pid)
                except (OSError, AttributeError):  # gone already, or no pidfd here: looked at per poll
                    self._pidfd = None
        return [self._pidfd] if self._pidfd is not None else []

    def _written(self) -> bool:
        """Read the pending inotify events; return whether one names a watched file."""
        try:
            data = os.read(self._fd, 65536)
        except BlockingIOError:
            return False
        offset, found = 0, False
        while offset + 16 <= len(data):
            # struct inotify_event: int wd; uint32 mask, cookie, len; char name[len]
            length = int.from_bytes(data[offset + 12:offset + 16], "little")
            name = data[offset + 16:offset + 16 + length].rstrip(b"\0")
            found = found or name in self._names
            offset += 16 + length
        return found

    def _close_pidfd(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None

    def close(self) -> None:
        """Stop watching."""
        self._close_pidfd()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
