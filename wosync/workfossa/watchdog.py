"""Stop a page that no longer answers, so that a scrape fails instead of waiting forever.

Playwright gives its actions (click, goto, fill) a timeout, but not page.evaluate nor
page.content: when the page's own script keeps its main thread busy (a script stuck in a loop),
such a call never returns, and a daemon would sync no more until restarted. The watchdog
watches those calls from a thread of its own and, when one outlasts its limit, kills the page's
renderer processes: Chromium then reports the page crashed, the call raises, and the session
goes on to its error handling and closes the browser as usual. Linux only (it reads /proc),
as wosync is.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path

# How often the thread looks at the clock; a hang is cut at most this much past its limit.
CHECK_SECONDS = 0.25


def live_processes() -> dict[int, int]:
    """Return {pid: parent pid} of every process that has not exited (zombies left out)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()  # after "pid (name) "
        if fields[0] != "Z":
            parents[int(entry)] = int(fields[1])
    return parents


def chromium_processes(root: int) -> dict[int, bytes]:
    """Given a process id, return {pid: command line} of its live descendants whose command
    line names Chromium."""
    parents = live_processes()
    found = {}
    for pid in parents:
        node = parents[pid]
        while node in parents and node != root:
            node = parents[node]
        if node != root:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"chrom" in cmdline.lower():
            found[pid] = cmdline
    return found


class PageWatchdog:
    """Given the limit in seconds of one call into the page, kill the renderers of the browser
    it is told to watch (watch_browser) when a call guarded by `call` outlasts it.

    `fired` is then what that call was waiting for (else None). Use one per browser session;
    `stop` ends its thread.
    """

    def __init__(self, limit_seconds: float):
        self.limit_seconds = limit_seconds
        self.fired: str | None = None
        self._browser_pid: int | None = None
        self._deadline: float | None = None
        self._what = ""
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wosync-page-watchdog",
                                        daemon=True)
        self._thread.start()

    def watch_browser(self, started_before: set[int]) -> None:
        """Given the Chromium processes of this process that ran before the launch, find the
        browser just launched (the new process that is not a helper: no --type=)."""
        for pid, cmdline in chromium_processes(os.getpid()).items():
            if pid not in started_before and b"--type=" not in cmdline:
                self._browser_pid = pid
                return

    @contextmanager
    def call(self, what: str):
        """Guard one call into the page, `what` naming what it waits for."""
        self._what = what
        self._deadline = time.monotonic() + self.limit_seconds
        try:
            yield
        finally:
            self._deadline = None

    def stop(self) -> None:
        """End the watchdog's thread."""
        self._stopping.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stopping.wait(CHECK_SECONDS):
            deadline = self._deadline
            if deadline is not None and time.monotonic() > deadline:
                self._deadline = None
                self.fired = self._what
                self._kill_renderers()

    def _kill_renderers(self) -> None:
        """Kill the watched browser's renderer processes (the browser itself lives on, so it
        closes as usual)."""
        if self._browser_pid is None:
            return
        for pid, cmdline in chromium_processes(self._browser_pid).items():
            if b"--type=renderer" in cmdline:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass  # gone already
