"""Pure: what a run's changes mean for the technician's schedule.

Given a run's change rows (kind new | updated | completed | removed | reopened, or a location's
dispenser_* rows; fields {name: [old, new]}), `classify` gives each row one schedule kind:

- visit_added     a new (or reopened) order with a next visit, or a next visit going from none to a day
- visit_removed   an order completed or removed (reassigned, cancelled), or its next visit going to none
- rescheduled     the next visit moved from one day to another
- swapped         two orders of the run exchanging their days (each names the other)
- replaced        a visit removed and a visit added on the same day for the same customer
                  (store chain): one order took the other's place (each names the other)
- details         anything else (other fields, dispensers, a new order without a visit)

and marks it urgent when it touches today or tomorrow (the old or the new day), or when it
lands on a day that already has visits: active orders whose visit that day is not itself a
change of this run. The store's state is read by the caller: each row carries the order's
stored next visit and completion, and the visits per day are given, so this module only decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping, Sequence

from wosync.text import clean

# The order the kinds are shown in: what moved first, what only changed last.
KINDS: tuple[str, ...] = ("rescheduled", "swapped", "replaced", "visit_added", "visit_removed", "details")
KIND_TITLES = {
    "rescheduled": "Rescheduled", "swapped": "Swapped", "replaced": "Replaced",
    "visit_added": "Visits added", "visit_removed": "Visits removed", "details": "Other changes",
}
# Kinds whose entry puts a visit on a day (so a busy day matters).
_LANDING = frozenset({"visit_added", "rescheduled", "swapped", "replaced"})


@dataclass(slots=True)
class ScheduleChange:
    """One change row seen as a schedule change.

    old_date/new_date: the visit day before and after (None: no visit on that side); for an
    entry that did not move both are the order's stored next visit. partner: the other order
    of a swap or a replacement. reasons: why it is urgent ("today", "tomorrow", "busy day:
    3 visits already"), empty when it is not.
    """

    number: str
    change: str  # the row's own kind: new, updated, completed, reopened, dispenser_...
    kind: str
    customer: str | None
    store_number: str | None
    city: str | None
    old_date: str | None
    new_date: str | None
    dispensers: int | None
    partner: str | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def urgent(self) -> bool:
        """True when there is a reason to look at it now."""
        return bool(self.reasons)

    def record(self) -> dict[str, Any]:
        """Return the keys `changes --json` adds to the row's entry."""
        return {"schedule_kind": self.kind, "urgent": self.urgent, "urgent_reasons": list(self.reasons),
                "city": self.city, "old_date": self.old_date, "new_date": self.new_date,
                "dispensers": self.dispensers, "partner": self.partner}


def _dates(row: Mapping[str, Any]) -> tuple[str | None, str | None, str]:
    """Given one change row, return (old day, new day, first kind) before pairing."""
    kind = row.get("kind")
    stored = row.get("next_visit_date") or None
    fields = row.get("fields") or {}
    if kind == "new":
        return None, stored, "visit_added" if stored else "details"
    if kind in ("completed", "removed"):
        return stored, None, "visit_removed"
    if kind in ("updated", "reopened") and "next_visit_date" in fields:
        before, after = (fields["next_visit_date"] + [None, None])[:2]
        before, after = before or None, after or None
        if kind == "reopened":
            before = None  # the order was gone: whatever day it had, the visit comes back
        if before and after:
            return before, after, "rescheduled"
        if after:
            return None, after, "visit_added"
        if before:
            return before, None, "visit_removed"
        return None, None, "details"
    if kind == "reopened" and stored:
        return None, stored, "visit_added"
    return stored, stored, "details"


def _location_id(row: Mapping[str, Any]) -> Any:
    """Given a change row, return the location its dispensers are counted at (an order's
    location_id, or the id in a location row's "L-<id>" number)."""
    if row.get("location_id") is not None:
        return row["location_id"]
    number = str(row.get("number") or "")
    return int(number[2:]) if number.startswith("L-") and number[2:].isdigit() else None


def _customer_key(entry: ScheduleChange) -> str:
    """Given an entry, return its customer as compared for a replacement (the store chain)."""
    return clean(entry.customer).casefold()


def _pair_swaps(entries: list[ScheduleChange]) -> None:
    """Mark pairs of rescheduled entries that exchange their days (A: d1 -> d2, B: d2 -> d1)."""
    waiting: dict[tuple[str, str], list[int]] = {}
    for index, entry in enumerate(entries):
        if entry.kind != "rescheduled":
            continue
        matches = waiting.get((entry.new_date, entry.old_date))
        if matches:
            other = entries[matches.pop(0)]
            for one, two in ((entry, other), (other, entry)):
                one.kind, one.partner = "swapped", two.number
        else:
            waiting.setdefault((entry.old_date, entry.new_date), []).append(index)


def _pair_replacements(entries: list[ScheduleChange]) -> None:
    """Mark a removed visit and an added visit on the same day for the same customer as a
    replacement, pairing them in the run's order."""
    removed: dict[tuple[str, str], list[ScheduleChange]] = {}
    for entry in entries:
        if entry.kind == "visit_removed" and entry.old_date and _customer_key(entry):
            removed.setdefault((entry.old_date, _customer_key(entry)), []).append(entry)
    if not removed:
        return
    for entry in entries:
        if entry.kind != "visit_added":
            continue
        matches = removed.get((entry.new_date, _customer_key(entry)))
        if matches:
            other = matches.pop(0)
            for one, two in ((entry, other), (other, entry)):
                one.kind, one.partner = "replaced", two.number


def _landed_now(entries: Sequence[ScheduleChange], rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Given the entries and their rows, return {ISO day: entries of this run that put a
    visit there and are counted there in the store now}."""
    landed: dict[str, int] = {}
    for entry, row in zip(entries, rows):
        if _counted_on(entry, row):
            landed[entry.new_date] = landed.get(entry.new_date, 0) + 1
    return landed


def _counted_on(entry: ScheduleChange, row: Mapping[str, Any]) -> bool:
    """Given an entry and its row, return True when the entry put a visit on a day and the
    store's visits per day count its order on that day now."""
    return (entry.kind in _LANDING and bool(entry.new_date) and entry.new_date != entry.old_date
            and not row.get("completed_at") and row.get("next_visit_date") == entry.new_date)


def _urgency(entry: ScheduleChange, near: dict[str, str], visit_counts: Mapping[str, int],
             landed: Mapping[str, int]) -> list[str]:
    """Given an entry, {ISO day: "today" | "tomorrow"}, the active visits per day and the
    visits this run put on each day, return why the entry is urgent (empty: it is not)."""
    reasons = []
    for day in dict.fromkeys(d for d in (entry.old_date, entry.new_date) if d):
        if day in near:
            reasons.append(near[day])
    day = entry.new_date
    if day and day != entry.old_date and entry.kind in _LANDING:
        # Visits already there: the day's count now, less the visits this run put there (the
        # entry itself among them), so a first sync does not find every day busy.
        already = visit_counts.get(day, 0) - landed.get(day, 0)
        if already > 0:
            reasons.append(f"busy day: {already} visit{'s' if already != 1 else ''} already")
    return reasons


def classify(rows: Sequence[Mapping[str, Any]], today: date, visit_counts: Mapping[str, int],
             dispenser_counts: Mapping[Any, int]) -> list[ScheduleChange]:
    """Given one run's change rows, today (in the schedule's time zone), the active orders'
    visits per ISO day as stored now and {location_id: stored dispensers}, return one
    ScheduleChange per row, in the rows' order.

    Each row: number, kind, fields, customer, store_number and, read from the store, city,
    location_id, next_visit_date (the order's stored next visit) and completed_at.
    """
    entries = []
    for row in rows:
        old, new, kind = _dates(row)
        location = _location_id(row)
        entries.append(ScheduleChange(
            number=str(row.get("number")), change=str(row.get("kind")), kind=kind,
            customer=row.get("customer"), store_number=row.get("store_number"), city=row.get("city"),
            old_date=old, new_date=new, dispensers=dispenser_counts.get(location) if location is not None else None,
        ))
    _pair_swaps(entries)
    _pair_replacements(entries)
    near = {today.isoformat(): "today", (today + timedelta(days=1)).isoformat(): "tomorrow"}
    landed = _landed_now(entries, rows)
    for entry in entries:
        entry.reasons = _urgency(entry, near, visit_counts, landed)
    return entries


def by_kind(entries: Sequence[ScheduleChange]) -> list[tuple[str, list[ScheduleChange]]]:
    """Given classified entries, return [(kind, entries)] in KINDS order, kinds with none left
    out, urgent entries first within a kind (else in the run's order)."""
    grouped: dict[str, list[ScheduleChange]] = {kind: [] for kind in KINDS}
    for entry in entries:
        grouped.setdefault(entry.kind, []).append(entry)
    return [(kind, sorted(found, key=lambda e: not e.urgent)) for kind, found in grouped.items() if found]
