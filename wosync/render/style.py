"""What every view shares: the colours of schedule states and run results, site text as a Rich
Text (never markup), and durations as a person reads them. Rich is imported inside `safe`."""

from __future__ import annotations

from typing import Any

from wosync.text import clean

STATE_STYLE = {"active": "green", "syncing": "blue", "failed": "red", "paused": "grey50", "waiting": "grey50",
               "stopped": "red"}
# Keyed by the RunStatus values (equal to the members): `status` draws without loading wosync.model.
RESULT_STYLE = {"success": "green", "running": "blue", "partial": "yellow", "failed": "red", "interrupted": "grey50"}


def safe(value: Any, style: str = "", multiline: bool = False):
    """Given a value from the site or the store, return a Rich Text of `clean(value)` (never markup)."""
    from rich.text import Text

    return Text(clean(value, multiline), style=style)


def duration_text(seconds: float | None) -> str:
    """Given seconds (or None), return "6.1 s", "1 min 35 s" or "-"."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s"
