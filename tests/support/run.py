"""Run `wosync` (or any Python) in its own process, as a user would, and never hang.

    from support.run import wosync
    result = wosync("status", "--json", env=data_folder.env)
    assert result.returncode == 0, result.stderr

Each command runs in a new session (its own process group, no controlling terminal) with its
output captured as text and stdin given: empty by default, so nothing waits on a terminal, or
None for /dev/null (a script run from cron or ssh without -t). When `timeout` seconds
pass, the whole group (the command, its Playwright driver, its browser) is killed and
subprocess.TimeoutExpired is raised with the output so far.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Sequence

from support.environment import REPO

DEFAULT_TIMEOUT = 120.0


def run(command: Sequence[str], *, env: Mapping[str, str], stdin: str | None = "",
        timeout: float = DEFAULT_TIMEOUT, cwd: Path | None = REPO) -> subprocess.CompletedProcess:
    """Given a command line (the installed `wosync` script, say), run it; return the
    CompletedProcess (text stdout and stderr)."""
    command = [str(part) for part in command]
    process = subprocess.Popen(command, env=dict(env), cwd=cwd,
                               stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        try:
            stdout, stderr = process.communicate(timeout=10)
        except subprocess.TimeoutExpired:  # a grandchild outside the group holds the pipes
            stdout, stderr = "", ""
        raise subprocess.TimeoutExpired(command, timeout, output=stdout, stderr=stderr) from None
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def run_python(args: Sequence[str], *, env: Mapping[str, str], stdin: str | None = "",
               timeout: float = DEFAULT_TIMEOUT, cwd: Path | None = REPO) -> subprocess.CompletedProcess:
    """Given interpreter arguments (["-c", code] or ["-m", "wosync", ...]), run them with this
    test run's Python; return the CompletedProcess."""
    return run([sys.executable, *args], env=env, stdin=stdin, timeout=timeout, cwd=cwd)


def wosync(*args: str, env: Mapping[str, str], stdin: str | None = "", timeout: float = DEFAULT_TIMEOUT,
           python_flags: Sequence[str] = ()) -> subprocess.CompletedProcess:
    """Given `wosync` arguments and the environment (a DataFolder's `env`), run `python -m wosync
    ARGS` (after `python_flags`, e.g. ("-X", "importtime")); return the CompletedProcess."""
    return run_python([*python_flags, "-m", "wosync", *args], env=env, stdin=stdin, timeout=timeout)


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the process and every process of its group (it leads its own session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.kill()
