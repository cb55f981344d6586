"""wosync.file_watch: a status-bar follower sleeps until the database is written or the
daemon's process ends. Real files in a temporary folder, a real child process; each wait is
given 30 s, so one that returns within a few seconds was woken, not timed out."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from wosync.file_watch import ChangeWaiter

LONG = 30.0


def waited(waiter: ChangeWaiter, action, pid: int | None = None, seconds: float = LONG) -> float:
    """Run `action` 0.3 s into a wait of `seconds`; return how long the wait took."""
    timer = threading.Timer(0.3, action)
    started = time.monotonic()
    timer.start()
    try:
        waiter.wait(seconds, pid)
    finally:
        timer.cancel()
    return time.monotonic() - started


def test_a_write_to_a_watched_file_wakes_it(tmp_path):
    waiter = ChangeWaiter(str(tmp_path), ("wosync.db", "wosync.db-wal"), 2.0)
    try:
        assert waited(waiter, lambda: (tmp_path / "wosync.db-wal").write_bytes(b"frame")) < 10
    finally:
        waiter.close()


def test_other_files_do_not_wake_it(tmp_path):
    waiter = ChangeWaiter(str(tmp_path), ("wosync.db", "wosync.db-wal"), 2.0)
    try:
        took = waited(waiter, lambda: (tmp_path / "wosync.db-shm").write_bytes(b"x"), seconds=2.0)
        assert took >= 1.9  # slept its whole time
    finally:
        waiter.close()


def test_the_end_of_the_watched_process_wakes_it(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    waiter = ChangeWaiter(str(tmp_path), ("wosync.db",), 2.0)
    try:
        assert waited(waiter, child.kill, pid=child.pid) < 10
    finally:
        child.kill()
        child.wait()
        waiter.close()


def test_a_folder_that_does_not_exist_yet_is_polled_then_watched(tmp_path):
    folder = tmp_path / "home"
    waiter = ChangeWaiter(str(folder), ("wosync.db",), 0.2)
    try:
        assert waited(waiter, lambda: None, seconds=LONG) < 10  # no folder: a short sleep
        folder.mkdir()
        waiter.wait(LONG)  # the folder exists now: a short sleep, then watched
        assert waited(waiter, lambda: (folder / "wosync.db").write_bytes(b"SQLite")) < 10
    finally:
        waiter.close()
