"""A sync's live progress: the bar of `wosync sync-now`, `wosync watch` and `wosync demo`."""

from __future__ import annotations

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


class SyncProgressView:
    """A live progress display on stderr for `wosync sync-now` and `wosync demo`.

    On a terminal: a Rich Live bar redrawn as records arrive. Elsewhere: one plain line per
    phase change (or nothing when quiet), so logs and pipes stay readable.
    """

    def __init__(self, console, quiet: bool = False, clock=None):
        from wosync.clock import system_clock

        self.console = console
        self.quiet = quiet
        self.clock = clock or system_clock
        self.live = None
        self._last_line = None

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
        line = f"{clean(record['phase'])} {record['percentage']}%: {clean(record['message'])}"
        if line != self._last_line:
            self._last_line = line
            self.console.print(line, markup=False, highlight=False)

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)
            self.live = None
