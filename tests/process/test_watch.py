"""`wosync watch` in a real terminal (tmux): it shows the running sync's percentage and phase live."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from wosync.sim import SimulatedWorkFossa
from support.run import wosync

USERNAME = "tech@example.com"
PASSWORD = "correct-horse-42"

pytestmark = pytest.mark.browser


def screen(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def wait_for_screen(session: str, pattern: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(session)
        if re.search(pattern, text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"the screen never showed {pattern!r}; it shows:\n{text}")


@pytest.fixture
def tmux_session():
    assert shutil.which("tmux"), "tmux is needed for the terminal tests: bash scripts/install.sh --test installs it"
    name = f"wosync-test-{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_watch_shows_percentage_and_phase_of_a_running_sync_then_its_result(data_folder, tmux_session):
    home = data_folder.home
    with SimulatedWorkFossa(count=250, seed=4, username=USERNAME, password=PASSWORD) as sim:
        # The equipment step reads one location (the default, 25, adds 10 s): watch is shown the
        # whole sync, every phase, as before.
        env = dict(data_folder.env, WOSYNC_BASE_URL=sim.base_url, WOSYNC_USERNAME=USERNAME,
                   WOSYNC_PASSWORD=PASSWORD, TERM="xterm-256color", WOSYNC_EQUIPMENT_PER_RUN="1")
        sim.faults.slow_ms = 1200
        sync = subprocess.Popen([sys.executable, "-m", "wosync", "sync-now", "--quiet"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            # Start watch once the sync has begun: the watcher shows what runs now.
            deadline = time.monotonic() + 30
            while not (home / "wosync.db").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            command = f"{sys.executable} -m wosync watch; echo WATCH-EXIT=$?; sleep 60"
            subprocess.run(["tmux", "new-session", "-d", "-s", tmux_session, "-x", "100", "-y", "20",
                            "env", *[f"{k}={v}" for k, v in env.items() if k.startswith(("WOSYNC_HOME", "TERM"))],
                            "bash", "-c", command], check=True)
            seen = wait_for_screen(tmux_session, r"Scraping\s+\d+%", 60)
            assert re.search(r"found \d+", seen)
            assert "Scraping work orders page" in seen
            final = wait_for_screen(tmux_session, r"WATCH-EXIT=\d+", 90)
            assert re.search(r"Run \d+ success: 250 work orders", final), final
            assert "WATCH-EXIT=0" in final
            assert sync.wait(timeout=60) == 0, sync.stderr.read()
        finally:
            if sync.poll() is None:
                sync.kill()


def test_watch_without_a_running_sync_says_so_and_exits(data_folder):
    result = wosync("watch", env=data_folder.env, timeout=30)
    assert result.returncode == 0
    assert "No sync is running" in result.stdout
