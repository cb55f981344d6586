"""The live progress record of a sync and the mapping from phases to percentages.

A sync writes these records to the store; `wosync watch`, `wosync status` and the daemon's
STATUS= line read them from another process. Pure functions: time comes in as a parameter.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from wosync.clock import from_iso, to_iso

PHASE_PERCENT = {"initializing": 5, "logging_in": 15, "scraping": 25, "saving": 90, "completed": 100}
SCRAPING_START, SCRAPING_END = 25, 90
# How long readers keep showing a finished run before they call the account idle.
FINISHED_VISIBLE_FOR = timedelta(seconds=10)


def scraping_percentage(rows_read: int, matches: int | None) -> int:
    """Given rows read and the site's match count, return 25 + 65 x rows/matches (25..90)."""
    if not matches:
        return SCRAPING_START
    share = min(rows_read / matches, 1.0)
    return int(SCRAPING_START + (SCRAPING_END - SCRAPING_START) * share)


def record(
    status: str, phase: str, percentage: int, message: str, found: int, run_id: int | None,
    started_at: datetime | None, now: datetime, pid: int | None = None,
) -> dict[str, Any]:
    """Return a progress record with the keys of docs/design.md (plus the writer's pid)."""
    return {
        "status": status,
        "phase": phase,
        "percentage": max(0, min(100, int(percentage))),
        "message": message,
        "work_orders_found": found,
        "run_id": run_id,
        "started_at": to_iso(started_at),
        "updated_at": to_iso(now),
        "pid": pid,
    }


def idle_record(now: datetime) -> dict[str, Any]:
    """Return the record readers show when nothing runs."""
    return record("idle", None, 0, "Idle", 0, None, None, now)  # type: ignore[arg-type]


def visible_state(stored: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """Given a stored progress row (or None), return what a reader should show at `now`.

    A finished run (completed or failed) stays visible for 10 seconds, then reads as idle.
    """
    if not stored:
        return idle_record(now)
    state = {k: stored.get(k) for k in ("status", "phase", "percentage", "message", "work_orders_found",
                                        "run_id", "started_at", "updated_at", "pid")}
    if state["status"] in ("completed", "failed"):
        updated = from_iso(state["updated_at"])
        if updated is None or now - updated > FINISHED_VISIBLE_FOR:
            return idle_record(now)
    return state
