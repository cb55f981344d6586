"""A schedule's instants for people: the earliest next run of some schedules, and `when_text`.

Pure functions of their arguments (rows as the store returns them, aware datetimes), importing
only the standard library and wosync.clock: `wosync status --line`, which a status bar starts
every few seconds, writes its times with them without loading the scheduling rules
(wosync.schedule_rules, which re-exports both).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from wosync.clock import from_iso

TYPE_CHECKING = False  # typing is not imported at run time: a status bar starts this module
if TYPE_CHECKING:
    from typing import Any, Iterable, Mapping


def earliest_next_run(rows: Iterable[Mapping[str, Any]]) -> datetime | None:
    """Given schedules rows, return the earliest next run among the enabled ones (None: none)."""
    moments = [from_iso(row["next_run"]) for row in rows if row["enabled"] and row["next_run"]]
    return min(moments) if moments else None


def when_text(moment: datetime, now: datetime, zone: tzinfo | None = None, *, short: bool = False) -> str:
    """Given an instant, the current instant and a zone (None: the machine's), return the instant
    in that local time: "14:30" on the same day; otherwise "2026-11-30 14:30", or with
    ``short`` (a status bar's room) "Tue 14:30" within a week and "2026-12-03" beyond."""
    local, today = moment.astimezone(zone), now.astimezone(zone)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if not short:
        return local.strftime("%Y-%m-%d %H:%M")
    if abs((local.date() - today.date()).days) < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%Y-%m-%d")
