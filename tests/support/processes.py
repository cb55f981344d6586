"""Which processes run, for tests that check no browser or driver outlives its work.

Built on the product's own scanner, `wosync.workfossa.watchdog.live_processes` ({pid: parent
pid} of every process not yet exited), so tests and the watchdog see processes the same way.
Everything here reads /proc and tolerates a process ending while it is read.

    processes_with_home(home)     # {pid: name} of processes started with WOSYNC_HOME=home
    browsers_with_home(home)      # the same, only those whose command line names Chromium
    descendants(pid)              # {pid: parent} of the live processes below pid
    start_time(pid)               # to tell a process from a later one given the same pid
"""

from __future__ import annotations

import os
from pathlib import Path

from wosync.workfossa.watchdog import chromium_processes, live_processes

__all__ = [
    "browsers_with_home", "chromium_processes", "command_line", "descendants", "environment",
    "live_processes", "name", "processes_with_home", "rss_megabytes", "start_time",
]


def _read(pid: int, entry: str) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/{entry}").read_bytes()
    except OSError:  # gone meanwhile, or not ours to read
        return None


def command_line(pid: int) -> bytes | None:
    """Given a pid, return its NUL-separated command line (b"" for a zombie), or None when gone."""
    return _read(pid, "cmdline")


def environment(pid: int) -> list[bytes] | None:
    """Given a pid, return its environment as b"NAME=value" entries, or None when unreadable."""
    raw = _read(pid, "environ")
    return None if raw is None else raw.split(b"\0")


def name(pid: int) -> str | None:
    """Given a pid, return its short name (comm), or None when gone."""
    raw = _read(pid, "comm")
    return None if raw is None else raw.decode(errors="replace").strip()


def processes_with_home(home: Path, exclude: tuple[int, ...] = ()) -> dict[int, str]:
    """Given a data folder, return {pid: name} of the live processes (this one and `exclude`
    left out) with WOSYNC_HOME=home in their environment: a wosync process, its Playwright
    driver and its browser all inherit it."""
    marker = f"WOSYNC_HOME={home}".encode()
    found = {}
    for pid in live_processes():
        if pid == os.getpid() or pid in exclude:
            continue
        variables = environment(pid)
        if variables is not None and marker in variables and (comm := name(pid)) is not None:
            found[pid] = comm
    return found


def browsers_with_home(home: Path) -> dict[int, str]:
    """Given a data folder, return {pid: name} of the Chromium processes among processes_with_home."""
    return {pid: comm for pid, comm in processes_with_home(home).items()
            if b"chrom" in (command_line(pid) or b"").lower()}


def descendants(root: int) -> dict[int, int]:
    """Given a pid, return {pid: parent pid} of its live descendants."""
    parents = live_processes()
    found = {}
    for pid in parents:
        node = parents[pid]
        while node in parents and node != root:
            node = parents[node]
        if node == root:
            found[pid] = parents[pid]
    return found


def start_time(pid: int) -> str | None:
    """Given a pid, return its start time (clock ticks after boot, as text), or None when it is
    gone or a zombie."""
    raw = _read(pid, "stat")
    if raw is None:
        return None
    text = raw.decode(errors="replace")
    fields = text[text.rindex(")") + 2:].split()  # after "pid (name) "
    return None if fields[0] == "Z" else fields[19]


def rss_megabytes(pid: int) -> float | None:
    """Given a pid, return its resident memory in MiB, or None when it is gone."""
    raw = _read(pid, "status")
    for line in (raw or b"").decode().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None
