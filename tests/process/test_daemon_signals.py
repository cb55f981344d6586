"""A real `wosync daemon` process under signals and with its data folder taken away.

No schedule and no browser: what is checked is the process itself. Its handlers only note a
signal (wosync.daemon.wakeup), so a burst of 200,000 SIGHUPs (from four senders at once) leaves it serving, and SIGTERM
afterwards still ends it with 0. A data folder deleted under it stops it with exit 1 and a
logged reason, and no empty database appears in its place.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from support.environment import DataFolder
from support.waiting import wait_for

SIGNALS_IN_BURST = 200_000  # what made the old handlers nest into RecursionError


SENDERS = 4


def burst(pid: int, count: int) -> None:
    """Send `count` SIGHUPs to `pid` from SENDERS processes at once (each an os.kill loop), so
    they arrive faster than one sender could make them."""
    code = f"import os, signal\nfor _ in range({count // SENDERS}): os.kill({pid}, signal.SIGHUP)"
    senders = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(SENDERS)]
    for sender in senders:
        assert sender.wait(timeout=120) == 0


class Daemon:
    """A `wosync daemon` child process whose log (stderr) goes to a file."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "wosync", "daemon"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=self._log)

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_started(self) -> None:
        wait_for(lambda: "wosync daemon started" in self.log() or self.process.poll() is not None, 30,
                 "the daemon to start")
        assert self.process.poll() is None, self.log()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()


@pytest.fixture
def daemon(data_folder: DataFolder, tmp_path: Path):
    started = Daemon(dict(data_folder.env, PYTHONUNBUFFERED="1"), tmp_path / "daemon.log")
    yield started
    started.close()


def test_a_burst_of_200000_sighups_leaves_the_daemon_serving_and_sigterm_still_stops_it(daemon):
    daemon.wait_started()

    burst(daemon.process.pid, SIGNALS_IN_BURST)

    wait_for(lambda: "SIGHUP: reloading the schedules" in daemon.log(), 10, "a reload after the burst")
    assert daemon.process.poll() is None, daemon.log()
    daemon.process.send_signal(signal.SIGTERM)
    assert daemon.process.wait(timeout=10) == 0, daemon.log()
    log = daemon.log()
    assert "RecursionError" not in log and "unexpected" not in log, log
    assert log.rstrip().endswith("stopped")


def test_the_data_folder_deleted_under_the_daemon_stops_it_with_exit_1_and_no_new_database(daemon, wosync_home):
    daemon.wait_started()
    assert (wosync_home / "wosync.db").exists()

    shutil.rmtree(wosync_home)

    assert daemon.process.wait(timeout=15) == 1, daemon.log()
    assert "the data folder disappeared under the running daemon" in daemon.log()
    assert not (wosync_home / "wosync.db").exists(), "an empty database was made in its place"


def test_the_database_file_deleted_under_the_daemon_stops_it_too(daemon, wosync_home):
    daemon.wait_started()
    db = wosync_home / "wosync.db"
    for path in wosync_home.glob("wosync.db*"):
        path.unlink()

    assert daemon.process.wait(timeout=15) == 1, daemon.log()
    assert "the database file disappeared under the running daemon" in daemon.log()
    assert not db.exists()
