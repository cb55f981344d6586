"""What the browser benchmarks share: the simulated site in its own process, runs measured in
wall and CPU time, and the medians with their ratio printed. Not collected by pytest."""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from anywhere

from wosync.workfossa.watchdog import live_processes  # noqa: E402


@contextlib.contextmanager
def simulated_site(*options: str):
    """Given `python -m wosync.sim` options, run the simulated site in its own process (as a
    real site is: its work must not share this process's interpreter with the scraper);
    yield its base URL."""
    server = subprocess.Popen([sys.executable, "-m", "wosync.sim", *options],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        yield server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(timeout=10)


def adopt_orphans() -> None:
    """Make this process the reaper of its orphaned descendants (Linux, PR_SET_CHILD_SUBREAPER).

    Chromium's zygote processes outlive the browser process that started them; orphaned, they
    went to init, and with them the CPU time of every renderer they had reaped: the largest
    part of the browser's work was never counted here (until 2026-12-02). Adopted, they are
    reaped by reap_orphans and their time reaches RUSAGE_CHILDREN."""
    PR_SET_CHILD_SUBREAPER = 36
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def _live_children() -> list[int]:
    """Return the pids of this process's children that have not exited yet."""
    me = os.getpid()
    return [pid for pid, parent in live_processes().items() if parent == me]


def reap_orphans(keep: set[int], timeout: float = 10.0) -> None:
    """Wait until the adopted descendants have exited (all children but the pids in `keep`,
    the simulated site), reaping each; give up after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                break
        if not set(_live_children()) - keep or time.monotonic() > deadline:
            return
        time.sleep(0.02)


def cpu_seconds() -> float:
    """Return the CPU seconds of this process and its reaped descendants."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured(run) -> Callable:
    """Given a benchmark run returning its wall seconds, return it wrapped to return (wall
    seconds, CPU seconds, CPU seconds as counted before 2026-12-02): the CPU of this process
    plus every process of Playwright's driver and the browser it started (renderers
    included: see adopt_orphans), which the machine's other load does not inflate the way it
    does wall time. The third figure leaves out what only the adopted orphans bring (the
    renderers), for comparison with earlier figures."""
    def wrapper(*args) -> tuple[float, float, float]:
        keep = set(_live_children())  # the simulated site
        cpu_before = cpu_seconds()
        wall = run(*args)
        cpu_partial = cpu_seconds() - cpu_before
        reap_orphans(keep)
        return wall, cpu_seconds() - cpu_before, cpu_partial
    return wrapper


def print_ratios(what: str, floor_times: list, ours_times: list, goals: tuple[float, float]) -> None:
    """Given what wosync ran, the (wall, CPU, CPU without renderers) times of the floor and
    of wosync, and the goals in wall and CPU time, print both medians, every run and the
    ratios."""
    rows = (("wall", "s", 0, goals[0]), ("CPU", "s of CPU", 1, goals[1]),
            ("CPU without the renderers (as counted before 2026-12-02)", "s of CPU", 2, None))
    for label, unit, index, goal in rows:
        floor = statistics.median(t[index] for t in floor_times)
        ours = statistics.median(t[index] for t in ours_times)
        print(f"  {label}: floor (bare Playwright) median {floor:.2f} {unit}, runs "
              + ", ".join(f"{t[index]:.2f}" for t in floor_times))
        print(f"  {label}: wosync ({what}) median {ours:.2f} {unit}, runs "
              + ", ".join(f"{t[index]:.2f}" for t in ours_times))
        judged = f"goal <= {goal}" if goal is not None else "for comparison only"
        print(f"  {label}: ratio wosync / floor {ours / floor:.2f} ({judged})")
