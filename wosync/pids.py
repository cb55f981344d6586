"""Whether a process is alive, by its pid: the one question wosync asks of other processes
without holding a lock (wosync.locks re-exports it).

Imports only `os`, so that `wosync status --line` (is the daemon alive?) stays light.
"""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """Return True when a process with this pid exists (zombies count as gone)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().split(b") ", 1)[1][:1] != b"Z"
    except (OSError, IndexError):
        return True
