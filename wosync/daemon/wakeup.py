"""How the daemon's main thread sleeps and is woken: a self-pipe, and signals noted in a dict.

A signal handler written in Python is itself interrupted by the next signal between two of its
bytecodes, so a burst of signals (hundreds of thousands of SIGHUPs) nests handler calls until
the interpreter raises RecursionError; one that takes a lock (threading.Event.set) can even
deadlock on itself. The daemon's handlers are therefore no Python code at all: the handler is
the C method ``dict.__setitem__`` of `Signals.pending` (it records "this signal came"), and
``signal.set_wakeup_fd`` makes the interpreter's C-level handler write a byte to the pipe the
loop sleeps on. The loop then reads the dict at its next turn, in ordinary code.
"""

from __future__ import annotations

import os
import select
import signal
from typing import Any


class Waker:
    """A self-pipe: `set()` (from any thread) ends the current or next `wait(timeout)`.

    Offers set / wait / clear like threading.Event, so the loop reads the same either way.
    """

    def __init__(self) -> None:
        self._read_fd, self._write_fd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)

    def fileno(self) -> int:
        """Return the pipe's write end (what signal.set_wakeup_fd writes a byte to)."""
        return self._write_fd

    def set(self) -> None:
        """Wake the sleeper (a full pipe already will: nothing more to write)."""
        try:
            os.write(self._write_fd, b"\0")
        except (BlockingIOError, OSError):
            pass

    def wait(self, timeout: float | None) -> bool:
        """Sleep until woken or `timeout` seconds passed; return True when woken."""
        try:
            ready, _, _ = select.select([self._read_fd], [], [], timeout)
        except InterruptedError:  # a signal; Python retries select itself, this is a guard
            return True
        return bool(ready)

    def clear(self) -> None:
        """Drain the pipe, so the next wait sleeps again."""
        try:
            while os.read(self._read_fd, 4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def close(self) -> None:
        """Close both ends (safe to call twice)."""
        for fd in (self._read_fd, self._write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self._read_fd = self._write_fd = -1


class Signals:
    """Given a Waker, install C-level handlers for some signals that only note them and wake
    the loop; `take()` returns (and forgets) the ones that came; `restore()` undoes it all."""

    def __init__(self, waker: Waker, signums: tuple[int, ...]):
        # signum -> the interrupted frame; the loop pops it at once, so no frame is kept long.
        self.pending: dict[int, Any] = {}
        self._previous = {signum: signal.signal(signum, self.pending.__setitem__) for signum in signums}
        self._previous_wakeup_fd = signal.set_wakeup_fd(waker.fileno(), warn_on_full_buffer=False)

    def take(self) -> list[int]:
        """Return the signals noted since the last call, each once, oldest first."""
        came = []
        for signum in list(self.pending):
            self.pending.pop(signum, None)
            came.append(signum)
        return came

    def restore(self) -> None:
        """Put back the handlers and the wakeup fd found at install."""
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        signal.set_wakeup_fd(self._previous_wakeup_fd)
