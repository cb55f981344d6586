"""A helper process that holds a wosync database locked, as another program (a second wosync,
an sqlite3 shell left open in a transaction) would.

`hold(path, seconds, mode)` starts `python -c` with sqlite3: it begins the transaction
(`BEGIN EXCLUSIVE` with SQLite's exclusive locking mode, which shuts out readers too, or
`BEGIN IMMEDIATE`, which shuts out writers only), creates a table so the lock is a real write lock, says
"held" on stdout and keeps it `seconds` seconds (then rolls back and exits). It returns once
the lock is held; `release()` ends it early.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_SCRIPT = """
import sqlite3, sys, time
path, seconds, mode = sys.argv[1], float(sys.argv[2]), sys.argv[3]
conn = sqlite3.connect(path, timeout=60, isolation_level=None)
if mode == "EXCLUSIVE":
    # In WAL mode BEGIN EXCLUSIVE alone still lets readers in; this is what shuts them out too.
    conn.execute("PRAGMA locking_mode = EXCLUSIVE")
conn.execute("BEGIN " + mode)
conn.execute("CREATE TABLE IF NOT EXISTS holder_probe (x INTEGER)")
print("held", flush=True)
time.sleep(seconds)
conn.execute("ROLLBACK")
"""


class DatabaseHolder:
    """A running helper process that holds the database's write lock (see the module text)."""

    def __init__(self, path: Path, seconds: float, mode: str = "EXCLUSIVE"):
        if mode not in ("EXCLUSIVE", "IMMEDIATE"):
            raise ValueError(mode)
        self.process = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(path), str(seconds), mode],
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        if line != "held":
            self.release()
            raise RuntimeError(f"the holder did not take the lock (said {line!r})")

    @property
    def pid(self) -> int:
        return self.process.pid

    def release(self) -> None:
        """End the holder now (its lock goes with it)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()

    def __enter__(self) -> "DatabaseHolder":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def hold(path: Path, seconds: float, mode: str = "EXCLUSIVE") -> DatabaseHolder:
    """Given a database path, how long and the mode, start a holder; return it once it holds."""
    return DatabaseHolder(path, seconds, mode)
