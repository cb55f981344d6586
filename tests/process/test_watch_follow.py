"""`wosync watch --follow` in a real terminal (tmux) over two syncs: the bar is live while a
sync runs and cleared when it ends; the scrollback keeps one result line per run and no
frozen bar."""

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
BAR = "━"  # Rich's progress bar is drawn with it

pytestmark = pytest.mark.browser


def screen(tmux: list[str], session: str) -> str:
    return subprocess.run([*tmux, "capture-pane", "-p", "-S", "-200", "-t", session],
                          capture_output=True, text=True).stdout


def wait_for_screen(tmux: list[str], session: str, pattern: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(tmux, session)
        if re.search(pattern, text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"the screen never showed {pattern!r}; it shows:\n{text}")


def test_watch_follow_leaves_one_line_per_run_and_no_bar(data_folder):
    assert shutil.which("tmux"), "tmux is needed for the terminal tests: bash scripts/install.sh --test installs it"
    session = f"wosync-follow-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", session]
    with SimulatedWorkFossa(count=60, seed=5, username=USERNAME, password=PASSWORD) as sim:
        # The equipment step reads one location a sync (the default, 25, adds 10 s to the test).
        env = dict(data_folder.env, WOSYNC_BASE_URL=sim.base_url, WOSYNC_USERNAME=USERNAME,
                   WOSYNC_PASSWORD=PASSWORD, TERM="xterm-256color", WOSYNC_EQUIPMENT_PER_RUN="1")
        sim.faults.slow_ms = 400  # each sync runs long enough to be seen running
        assert wosync("history", "--json", env=env).returncode == 0  # the data folder exists
        command = f"{sys.executable} -m wosync watch --follow"
        subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                        "env", *[f"{k}={v}" for k, v in env.items() if k.startswith(("WOSYNC_HOME", "TERM"))],
                        "bash", "-c", command], check=True)
        try:
            wait_for_screen(tmux, session, r"Waiting for a sync", 30)
            for number in (1, 2):
                sync = subprocess.Popen([sys.executable, "-m", "wosync", "sync-now", "--quiet"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                try:
                    wait_for_screen(tmux, session, BAR, 60)  # the live bar, while it runs
                    assert sync.wait(timeout=120) == 0, sync.stderr.read()
                finally:
                    if sync.poll() is None:
                        sync.kill()
                wait_for_screen(tmux, session, rf"Run {number} success", 30)
            time.sleep(1)  # a few redraws after the second run's end
            lines = [line.rstrip() for line in screen(tmux, session).splitlines() if line.strip()]
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True)
    text = "\n".join(lines)
    assert not any(BAR in line for line in lines), text
    assert not any(re.search(r"found \d+ +elapsed", line) for line in lines), text
    assert [line.split(":")[0] for line in lines if line.startswith("Run ")] == ["Run 1 success", "Run 2 success"], text
    assert sum("Waiting for a sync" in line for line in lines) == 1, text
    # What is left: the waiting line, one line per run, the live idle line.
    assert len(lines) <= 4, text
