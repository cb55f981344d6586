"""A sync's live progress: the bar of `wosync sync-now`, `wosync watch` and `wosync demo`."""

from __future__ import annotations

import re
from typing import Any

from wosync.clock import from_iso
from wosync.render.style import duration_text, safe
from wosync.text import clean, ellipsis


def elapsed_text(started_at: str | None, now) -> str:
    """Given a stored start time and now, return "1 min 05 s" style elapsed time."""
    started = from_iso(started_at)
    if started is None:
        return "-"
    return duration_text(max(0.0, (now - started).total_seconds()))


PHASE_LABEL = {
    "initializing": "Starting", "logging_in": "Logging in", "scraping": "Scraping", "saving": "Saving",
    "equipment": "Equipment", "completed": "Completed", "failed": "Failed",
}


def progress_panel(state: dict[str, Any], now, account: str | None = None):
    """Given a visible progress record, return a Rich renderable: bar, phase, found, message, elapsed."""
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    percentage = int(state.get("percentage") or 0)
    phase = PHASE_LABEL.get(state.get("phase") or "", clean(state.get("phase")) or "idle")
    style = {"failed": "red", "completed": "green"}.get(state.get("status"), "blue")
    bar = ProgressBar(total=100, completed=percentage, width=50, complete_style=style, finished_style=style)
    header = Table.grid(padding=(0, 1))
    header.add_row(Text(f"{phase:<10}", style=f"bold {style}"), Text(f"{percentage:>3}%", style="bold"), bar)
    details = Text.assemble(
        ("found ", "dim"), (str(state.get("work_orders_found") or 0), "bold"),
        ("   elapsed ", "dim"), elapsed_text(state.get("started_at"), now),
        ("   run ", "dim"), str(state.get("run_id") or "-"),
        (f"   {clean(account)}" if account else "", "dim"),
    )
    return Group(header, details, safe(ellipsis(clean(state.get("message")), 300), "italic"))


def result_line(label: str, style: str, text: str):
    """Given a label ("Run 12 success:"), its colour and a run's summary, return them as one Text."""
    from rich.text import Text

    return Text.assemble((clean(label), style), " ", clean(text))


# Piped or logged, equipment progress is told at most every this share of the locations or
# this many seconds: 25 lines for 25 locations say nothing the first and last do not.
EQUIPMENT_STEP_SHARE, EQUIPMENT_STEP_SECONDS = 0.10, 5.0

_PAGE = re.compile(r"page (\d+)(?: of (\d+))?")
_COUNT = re.compile(r"(\d+) of (\d+)")
_SAVING = re.compile(r"(\d+) work orders")


def plain_phase_line(record: dict[str, Any]) -> str | None:
    """Given an in-progress record, return its line for a log or a pipe in a person's words
    ("Logging in", "Reading the work list: page 2 of 3", "Saving 250 work orders",
    "Reading equipment: location 3 of 25"), or None for a record that tells nothing new."""
    phase, message = record.get("phase"), clean(record.get("message"))
    if phase == "initializing":
        return "Starting"
    if phase == "logging_in":
        return "Logging in"
    if phase == "scraping":
        found = _PAGE.search(message)
        if found is None:
            return "Reading the work list"
        page, pages = found.groups()
        return f"Reading the work list: page {page}" + (f" of {pages}" if pages else "")
    if phase == "saving":
        found = _SAVING.search(message)
        return f"Saving {found.group(1)} work orders" if found else "Saving"
    if phase == "equipment":
        found = _COUNT.search(message)
        return f"Reading equipment: location {found.group(1)} of {found.group(2)}" if found else "Reading equipment"
    return clean(PHASE_LABEL.get(phase or "", phase)) or None


class SyncProgressView:
    """A live progress display on stderr for `wosync sync-now` and `wosync demo`.

    On a terminal: a Rich Live bar redrawn as records arrive. Elsewhere: one plain line per
    phase change in a person's words, equipment at most every 10 % of its locations or 5 s
    (or nothing when quiet), so logs and pipes stay readable.
    """

    def __init__(self, console, quiet: bool = False, clock=None, monotonic=None):
        import time

        from wosync.clock import system_clock

        self.console = console
        self.quiet = quiet
        self.clock = clock or system_clock
        self.monotonic = monotonic or time.monotonic
        self.live = None
        self._last_line = None
        self._equipment_told: tuple[int, float] | None = None  # (location, monotonic time) last told

    def __enter__(self) -> "SyncProgressView":
        if not self.quiet and self.console.is_terminal:
            from rich.live import Live
            from rich.text import Text

            self.live = Live(Text("Starting..."), console=self.console, refresh_per_second=8, transient=True)
            self.live.__enter__()
        return self

    def __call__(self, record: dict[str, Any]) -> None:
        """Show one progress record."""
        if self.quiet:
            return
        if self.live is not None:
            self.live.update(progress_panel(record, self.clock()))
            return
        if record["status"] != "in_progress":
            return  # the caller prints the run's result itself
        line = plain_phase_line(record)
        if line is None or line == self._last_line or not self._equipment_due(record):
            return
        self._last_line = line
        # Written whole, never wrapped: a log line is read (and grepped) as one.
        self.console.file.write(line + "\n")
        self.console.file.flush()

    def _equipment_due(self, record: dict[str, Any]) -> bool:
        """Given a record, return whether to tell it: always outside the equipment phase; in
        it, the first and last location and then every 10 % of them or 5 s."""
        if record.get("phase") != "equipment":
            return True
        found = _COUNT.search(clean(record.get("message")))
        if found is None:
            return True
        index, count = int(found.group(1)), int(found.group(2))
        now = self.monotonic()
        told = self._equipment_told
        if (told is None or index == count or index < told[0]
                or index - told[0] >= max(1, count * EQUIPMENT_STEP_SHARE) or now - told[1] >= EQUIPMENT_STEP_SECONDS):
            self._equipment_told = (index, now)
            return True
        return False

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)
            self.live = None
