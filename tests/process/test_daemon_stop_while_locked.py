"""A daemon asked to stop while another process holds the database: it is gone within 10 s.

The soak (tests/benchmarks/soak_daemon.py) found a SIGTERM taking 37 s while a helper process
held the write lock during a sync: the daemon's loop was inside SQLite's busy wait (a status
write; up to WOSYNC_BUSY_TIMEOUT, 60 s) and did not act on the signal until the lock was freed.
The loop's own connection now waits only briefly (its jobs try again at their next turn), and
the writes of the stop itself give up on a busy database: the next start marks the run it left
`running` interrupted.

A real `wosync daemon` process with the default busy timeout (60 s), real Chromium against the
simulated site on loopback; the helper (support/database_holder.py) holds the lock 40 s.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wosync.store import Store
from support.database_holder import hold
from support.run import wosync
from support.waiting import wait_for

pytestmark = pytest.mark.browser

STOP_LIMIT = 10.0


@pytest.fixture
def env(site_env: dict[str, str]) -> dict[str, str]:
    found = dict(site_env)
    found.pop("WOSYNC_BUSY_TIMEOUT", None)  # the default, 60 s: longer than the lock
    return found


def _start(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen([sys.executable, "-m", "wosync", "daemon"], env=env,
                                stdout=subprocess.DEVNULL, stderr=log)


def _stop(daemon: subprocess.Popen) -> tuple[int | None, float]:
    """SIGTERM the daemon; return (its exit status, or None when it outlived 30 s; the seconds taken)."""
    started = time.monotonic()
    daemon.send_signal(signal.SIGTERM)
    try:
        status = daemon.wait(30)
    except subprocess.TimeoutExpired:
        status = None
    return status, time.monotonic() - started


def test_sigterm_mid_sync_while_another_process_holds_the_lock_stops_within_10_s(
        env, sim, wosync_home: Path, tmp_path: Path):
    assert wosync("schedule", "create", "--interval", "0.25", env=env, timeout=60).returncode == 0
    db = wosync_home / "wosync.db"
    sim.faults.slow_ms = 3000  # a sync of several seconds: the lock comes in the middle of it
    list_requests = sim.list_requests
    daemon = _start(env, tmp_path / "daemon-0.log")
    again = None
    try:
        wait_for(lambda: sim.list_requests > list_requests, 60, "the browser to ask for the work list")
        with hold(db, 40, "IMMEDIATE"):
            time.sleep(4.5)  # past two polls (every 2 s), whose status writes meet the lock
            status, took = _stop(daemon)
        sim.faults.slow_ms = 0
        text = (tmp_path / "daemon-0.log").read_text()
        assert took < STOP_LIMIT, f"the stop took {took:.1f} s:\n{text}"
        assert status == 0, text
        assert "Traceback" not in text and "unexpected" not in text, text

        # The lock is free: the next start records the run the stop could not write interrupted.
        again = _start(env, tmp_path / "daemon-1.log")
        with Store(db) as store:
            wait_for(lambda: (store.get_daemon_state() or {}).get("pid") == again.pid, 60,
                     "the second daemon to record its start")
            first = store.list_runs()[-1]
            assert first["status"] == "interrupted", first
            assert [r for r in store.running_runs() if r["pid"] == daemon.pid] == []
        assert _stop(again)[0] == 0
    finally:
        sim.faults.slow_ms = 0
        for process in (daemon, again):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(10)
