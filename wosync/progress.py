"""The live progress record of a sync and the mapping from phases to percentages.

A sync writes these records to the store; `wosync watch`, `wosync status` and the daemon's
STATUS= line read them from another process. Pure functions: time comes in as a parameter.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from wosync.clock import from_iso, to_iso

TYPE_CHECKING = False  # typing is not imported at run time: a status bar reads progress every few seconds
if TYPE_CHECKING:
    from typing import Any

# The bar follows the expected time of each phase, not the order of the phases: a first sync
# spends most of its time reading the Equipment tabs, and a bar that put them in 90-99 % sat
# above 90 % for two thirds of the run. Expected seconds, from the simulated site (login 3-4 s,
# 100 list rows 0.25 s, a location 0.4 s) with the list and the locations slower on the real
# site, where each is a page load with its scripts:
LOGIN_SECONDS = 5.0  # starting Chromium, the login form, the work list's first answer: ~10-15 %
ROW_SECONDS = 0.02  # the work list, by rows read (100 rows about 2 s)
SAVING_SECONDS = 0.5  # one transaction, however many orders: a short step
LOCATION_SECONDS = 1.0  # one location's page and its Equipment tab
# Rows assumed before the site's match count is known (the first page brings it).
DEFAULT_ROWS = 100
# The bar starts here once the run exists and stops short of 100 until the run is saved.
FIRST_PERCENT, LAST_PERCENT = 1, 99

PHASE_PERCENT = {"initializing": FIRST_PERCENT, "completed": 100}
# How long readers keep showing a finished run before they call the account idle.
FINISHED_VISIBLE_FOR = timedelta(seconds=10)


class ProgressPlan:
    """The percentage of each moment of a sync, from the expected seconds of its phases.

    Given what is known (the site's match count once the first page is read, the number of
    locations whose equipment is expected to be read), each phase owns a share of 1..99 as
    large as its expected time. Numbers learnt later move the shares; the sync's tracker
    never shows a smaller percentage than it has shown, so the bar never goes back.
    """

    def __init__(self, locations: int = 0, matches: int | None = None):
        self.locations = max(0, locations)
        self.matches = matches

    def _seconds(self) -> list[tuple[str, float]]:
        rows = self.matches if self.matches else DEFAULT_ROWS
        # No more locations than orders: a guess made before the count was known is cut.
        locations = min(self.locations, self.matches) if self.matches else self.locations
        return [("logging_in", LOGIN_SECONDS), ("scraping", ROW_SECONDS * rows),
                ("saving", SAVING_SECONDS), ("equipment", LOCATION_SECONDS * locations)]

    def span(self, phase: str) -> tuple[float, float]:
        """Given a phase (logging_in, scraping, saving, equipment), return its (start, end) percentage."""
        parts = self._seconds()
        total = sum(seconds for _, seconds in parts) or 1.0
        start = float(FIRST_PERCENT)
        for name, seconds in parts:
            end = start + (LAST_PERCENT - FIRST_PERCENT) * seconds / total
            if name == phase:
                return start, end
            start = end
        return float(LAST_PERCENT), float(LAST_PERCENT)

    def at(self, phase: str, share: float = 0.0) -> int:
        """Given a phase and how much of it is done (0..1), return the percentage."""
        start, end = self.span(phase)
        return int(start + (end - start) * min(max(share, 0.0), 1.0))

    def scraping(self, rows_read: int, matches: int | None) -> int:
        """Given the rows read and the site's match count (None: not shown), return the percentage."""
        if matches:
            self.matches = matches
        return self.at("scraping", rows_read / matches if matches else 0.0)

    def equipment(self, index: int, count: int) -> int:
        """Given the location being read (1-based) and how many are read now, return the
        percentage: the equipment phase's own share split evenly between them."""
        self.locations = max(0, count)  # the real number now: the share is sized by it
        start, _ = self.span("equipment")
        if count <= 0:
            return int(start)
        return int(start + (LAST_PERCENT - start) * (index - 1) / count)


def scraping_percentage(rows_read: int, matches: int | None) -> int:
    """Given rows read and the site's match count, return the percentage of a sync that reads
    no equipment (ProgressPlan().scraping)."""
    return ProgressPlan().scraping(rows_read, matches)


def expected_locations(read_before: int, due_now: int, limit: int | None) -> int:
    """Given how many locations' equipment was ever read for the account, how many of its
    stored locations are due now and the per-run limit (None: every due one), return how
    many locations the sync is expected to read: on a first sync (nothing read before) the
    limit, the orders' count cutting it later; else the due ones, up to the limit."""
    if read_before == 0:
        return limit if limit is not None else DEFAULT_ROWS
    return due_now if limit is None else min(due_now, limit)


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
