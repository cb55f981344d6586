"""Notification deadlines in real processes: a target that answers one byte every 2 s can
neither hold `wosync notify test` or `sync-now` past the deadline nor keep a stopping daemon
alive past its 10 s promise (the abandoned send is a daemon thread the exit does not wait for).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support.environment import DataFolder
from support.run import wosync
from support.trickle_receiver import TrickleReceiver
from support.waiting import wait_for
from wosync.errors import ExitCode
from wosync.notify import TARGET_DEADLINE_SECONDS
from wosync.store import Store

# Starting Python and reading the store, on a loaded machine.
MARGIN = 10.0


@pytest.fixture
def trickle():
    with TrickleReceiver() as target:
        yield target


def add_target(env: dict[str, str], url: str) -> None:
    added = wosync("notify", "add", url, env=env, timeout=60)
    assert added.returncode == 0, added.stderr


def test_notify_test_against_a_trickling_target_fails_it_within_the_deadline(data_folder: DataFolder, trickle):
    add_target(data_folder.env, trickle.apprise_url)
    start = time.monotonic()
    result = wosync("notify", "test", env=data_folder.env, timeout=TARGET_DEADLINE_SECONDS + 60)
    took = time.monotonic() - start
    assert trickle.requests == 1
    assert took <= TARGET_DEADLINE_SECONDS + MARGIN, f"`notify test` took {took:.1f} s"
    assert result.returncode == int(ExitCode.SYNC_FAILED)
    assert f"FAILED  1  json://127.0.0.1:{trickle.port}/: no complete answer within" in result.stderr
    assert "Traceback" not in result.stderr


# --- with the simulated site and real Chromium ---------------------------------------------


@pytest.mark.browser
def test_sync_now_returns_once_the_notification_deadline_passed(site_env, data_folder, trickle):
    add_target(site_env, trickle.apprise_url)
    start = time.monotonic()
    result = wosync("sync-now", env=site_env, timeout=180)
    took = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    assert trickle.requests == 1
    with Store(data_folder.home / "wosync.db") as store:
        run = store.latest_run()
    assert "no complete answer within" in run["notification_error"]
    # The sync itself, the deadline and a margin: not Apprise's 60 s, nor forever.
    assert took <= run["duration_seconds"] + TARGET_DEADLINE_SECONDS + 2 * MARGIN, f"sync-now took {took:.1f} s"


@pytest.mark.browser
@pytest.mark.parametrize("when", ["while-sending", "after-the-deadline"])
def test_a_daemon_that_sent_to_a_trickling_target_exits_within_10_s_of_sigterm(
        site_env, data_folder, trickle, tmp_path: Path, when):
    add_target(site_env, trickle.apprise_url)
    assert wosync("schedule", "create", "--interval", "0.25", env=site_env, timeout=60).returncode == 0
    log_path = tmp_path / "daemon.log"
    with open(log_path, "w") as log:
        daemon = subprocess.Popen([sys.executable, "-m", "wosync", "daemon"], env=site_env,
                                  stdout=subprocess.DEVNULL, stderr=log)
    try:
        with Store(data_folder.home / "wosync.db") as store:
            wait_for(lambda: trickle.requests >= 1, 120, "the daemon's sync to send its digest")
            if when == "after-the-deadline":
                wait_for(lambda: (store.latest_run() or {}).get("notification_error"), TARGET_DEADLINE_SECONDS + 30,
                         "the digest to be given up and recorded")
                time.sleep(1)  # the worker thread ends; the abandoned send keeps trickling
        daemon.send_signal(signal.SIGTERM)
        start = time.monotonic()
        status = daemon.wait(timeout=30)
        took = time.monotonic() - start
    finally:
        if daemon.poll() is None:
            daemon.kill()
            daemon.wait()
    text = log_path.read_text()
    assert took <= 10, f"the daemon took {took:.1f} s to exit after SIGTERM"
    assert status == 0, text
    assert "stopped" in text and "Traceback" not in text
