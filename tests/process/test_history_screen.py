"""A real failed run (the simulated site stopped: connection refused) as a person sees it:
`wosync history` in a real terminal (tmux) at 80 and 120 columns shows the error's one-line
summary, cut with "…" and never wrapped; `history show ID` and `--json` have the whole error;
`history --report` the summary."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from wosync.sim import SimulatedWorkFossa
from support.environment import REPO
from support.run import wosync
from support.waiting import wait_for

USERNAME = "tech@example.com"
PASSWORD = "correct-horse-42"
SUMMARY = "cannot reach WorkFossa (connection refused)"


@pytest.fixture(scope="module")
def failed_home(tmp_path_factory) -> tuple[Path, dict]:
    """A data folder holding one run that failed because the site was stopped; its environment."""
    from support.environment import DataFolder

    folder = DataFolder(tmp_path_factory.mktemp("history-screen"))
    with SimulatedWorkFossa(count=5, seed=1, username=USERNAME, password=PASSWORD) as sim:
        base_url = sim.base_url
    # The site is stopped now: its port refuses connections.
    env = dict(folder.env, WOSYNC_BASE_URL=base_url, WOSYNC_USERNAME=USERNAME, WOSYNC_PASSWORD=PASSWORD)
    result = wosync("sync-now", env=env, timeout=120)
    assert result.returncode != 0 and "connection refused" in result.stderr, result.stderr
    return folder.home, env


def tmux_screen(home: Path, width: int, command: str) -> list[str]:
    """Run `wosync COMMAND` in a detached tmux window `width` columns wide; return the screen's lines."""
    assert shutil.which("tmux"), "tmux is needed for the terminal tests: bash scripts/install.sh --test installs it"
    session = f"wosync-history-{uuid.uuid4().hex[:8]}"
    shell = (f"env -u COLUMNS -u LINES -u WOSYNC_FORCE_TERMINAL WOSYNC_HOME={home} PYTHONPATH={REPO} "
             f"TERM=xterm-256color {sys.executable} -m wosync {command}; echo SCREEN-DONE; sleep 60")
    # A server of its own (-L): one that the previous test's kill-session is stopping refuses it.
    tmux = ["tmux", "-L", session]
    subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", str(width), "-y", "50", shell], check=True)
    try:
        def screen() -> str:
            return subprocess.run([*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout

        text = wait_for(lambda: (s := screen()) and "SCREEN-DONE" in s and s, 60, "the command to finish")
    finally:
        subprocess.run([*tmux, "kill-server", "-t", session], capture_output=True)
    lines = text.splitlines()
    return lines[:lines.index("SCREEN-DONE")]


@pytest.mark.parametrize("width", [80, 120])
def test_history_shows_the_summary_on_one_line_at_80_and_120_columns(failed_home, width):
    home, _ = failed_home
    lines = tmux_screen(home, width, "history")
    screen = "\n".join(lines)
    assert all(len(line) <= width for line in lines), screen
    assert len(lines) <= 8, screen  # a title, a header (and its rules), the run, its error: not 100 lines
    run_line = next(line for line in lines if " manual " in line)
    assert "failed" in run_line and "fai…" not in run_line, screen
    assert sum(SUMMARY in line for line in lines) == 1, screen
    assert "http://" not in screen and "saved" not in screen and "artefacts" not in screen, screen


def test_history_show_and_json_have_the_whole_error(failed_home):
    home, env = failed_home
    card = tmux_screen(home, 80, "history show 1")
    text = "\n".join(card)
    assert card[0].startswith("Run 1") and SUMMARY in text and "unreachable" in text
    assert "http://127.0.0.1" in text and "ERR_CONNECTION_REFUSED" in text and ".png" in text, text
    [run] = json.loads(wosync("history", "--json", env=env).stdout)
    assert run["error_summary"] == SUMMARY
    assert run["error_message"].startswith(SUMMARY + "\n") and "(saved: " in run["error_message"]
    assert len(run["error_summary"]) <= 100


def test_history_report_shows_the_summary(failed_home):
    home, _ = failed_home
    lines = tmux_screen(home, 80, "history --report")
    screen = "\n".join(lines)
    assert any("unreachable" in line and SUMMARY in line for line in lines), screen
    assert "saved" not in screen and all(len(line) <= 80 for line in lines), screen
