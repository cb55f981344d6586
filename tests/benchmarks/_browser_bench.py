"""What the browser benchmarks share: the simulated site in its own process, runs measured in
wall and CPU time, and the medians with their ratio printed. Not collected by pytest."""

from __future__ import annotations

import contextlib
import resource
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]


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


def cpu_seconds() -> float:
    """Return the CPU seconds of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measured(run) -> Callable:
    """Given a benchmark run returning its wall seconds, return it wrapped to return (wall
    seconds, CPU seconds): the CPU of this process plus its finished children (Playwright's
    driver and the browser it started), which the machine's other load does not inflate the
    way it does wall time."""
    def wrapper(*args) -> tuple[float, float]:
        cpu_before = cpu_seconds()
        wall = run(*args)
        return wall, cpu_seconds() - cpu_before
    return wrapper


def print_ratios(what: str, floor_times: list, ours_times: list, goals: tuple[float, float]) -> None:
    """Given what wosync ran, the (wall, CPU) times of the floor and of wosync, and the goals
    in wall and CPU time, print both medians, every run and the ratios."""
    for label, unit, index in (("wall", "s", 0), ("CPU", "s of CPU", 1)):
        floor = statistics.median(t[index] for t in floor_times)
        ours = statistics.median(t[index] for t in ours_times)
        print(f"  {label}: floor (bare Playwright) median {floor:.2f} {unit}, runs "
              + ", ".join(f"{t[index]:.2f}" for t in floor_times))
        print(f"  {label}: wosync ({what}) median {ours:.2f} {unit}, runs "
              + ", ".join(f"{t[index]:.2f}" for t in ours_times))
        print(f"  {label}: ratio wosync / floor {ours / floor:.2f} (goal <= {goals[index]})")
