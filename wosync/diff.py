"""Pure field-level comparison of stored and scraped work orders.

Given what the store holds and what a scrape read, `compare` says which orders are new,
which changed (and how, field by field: {field: [old, new]}), which came back after being
completed, and which are missing from the scrape. NULL-correct: a field going to or from
empty is a change; None and "" are both "empty" so a site's blank is not reported twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from wosync.fields import BACKFILLED_FIELDS, COMPARED_FIELDS

# Reads every compared field of a record at once, as a tuple (one C call instead of a loop).
_compared_values = itemgetter(*COMPARED_FIELDS)

FieldDiff = dict[str, list[Any]]


@dataclass
class OrderDiff:
    """The outcome of comparing one scrape against the store."""

    new: list[str] = field(default_factory=list)
    updated: dict[str, FieldDiff] = field(default_factory=dict)
    reopened: dict[str, FieldDiff] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unchanged: int = 0
    # Orders whose only difference is a backfilled field filled in (stored, not reported).
    refreshed: list[str] = field(default_factory=list)


def _normalise(value: Any) -> Any:
    """Treat "" and [] like None, so an empty field equals a missing one."""
    if value == "" or value == []:
        return None
    return value


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> FieldDiff:
    """Given a stored and a scraped record of one order, return {field: [old, new]} of what differs."""
    changes: FieldDiff = {}
    for name in COMPARED_FIELDS:
        before, after = _normalise(old.get(name)), _normalise(new.get(name))
        if before != after and not (before is None and name in BACKFILLED_FIELDS):
            changes[name] = [before, after]
    return changes


def _same_values(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Given two records, return True when every compared field holds an equal value in both."""
    try:
        return _compared_values(old) == _compared_values(new)
    except KeyError:  # a record without some field: let field_changes treat it as empty
        return False


def _backfills(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Given a stored and a scraped record, return True when the scrape fills in a backfilled
    field the store does not have yet (see fields.BACKFILLED_FIELDS)."""
    return any(_normalise(old.get(name)) is None and _normalise(new.get(name)) is not None
               for name in BACKFILLED_FIELDS)


def compare(stored: dict[str, dict[str, Any]], scraped: list[dict[str, Any]]) -> OrderDiff:
    """Given stored orders {number: record} and scraped records, return their OrderDiff.

    `missing` lists active stored orders that the scrape did not read, sorted; whether they
    may be marked completed is the caller's decision (completeness, the mass-removal guard).
    """
    result = OrderDiff()
    seen: set[str] = set()
    for order in scraped:
        number = order["number"]
        if number in seen:
            continue
        seen.add(number)
        before = stored.get(number)
        if before is None:
            result.new.append(number)
            continue
        # Most orders do not change between syncs: when every compared value is equal as it
        # is, no normalised value can differ, so the field-by-field walk is only for the rest.
        changes = {} if _same_values(before, order) else field_changes(before, order)
        if before.get("completed_at"):
            result.reopened[number] = changes
        elif changes:
            result.updated[number] = changes
        elif _backfills(before, order):
            result.refreshed.append(number)
        else:
            result.unchanged += 1
    result.missing = sorted(
        number for number, record in stored.items() if not record.get("completed_at") and number not in seen
    )
    return result


# The layout-drift guard, so a changed site cannot silently empty the stored orders: a field
# filled on most stored orders that comes back empty on (nearly) every scraped row means the
# markup moved, not the data.
FIELD_LOSS_MIN_ORDERS = 5  # fewer orders than this cannot tell markup from data
FIELD_LOSS_MOST = 0.5  # "filled on most stored orders"
FIELD_LOSS_NEARLY_ALL = 0.95  # "empty on (nearly) every scraped row"


def lost_fields(stored: dict[str, dict[str, Any]], scraped: list[dict[str, Any]]) -> list[str]:
    """Given stored orders {number: record} and scraped records, return the compared fields
    that were filled on most of the active stored orders this scrape read again and came back
    empty on nearly all of those, and on nearly every scraped row (sorted; [] when none).

    Only orders read again count, so new orders and completed ones do not dilute the figure;
    with fewer than FIELD_LOSS_MIN_ORDERS of them nothing is judged.
    """
    again = [(stored[o["number"]], o) for o in scraped
             if o["number"] in stored and not stored[o["number"]].get("completed_at")]
    if len(again) < FIELD_LOSS_MIN_ORDERS:
        return []
    lost = []
    for name in COMPARED_FIELDS:
        filled_before = [new for old, new in again if _normalise(old.get(name)) is not None]
        if len(filled_before) < max(FIELD_LOSS_MIN_ORDERS, FIELD_LOSS_MOST * len(again)):
            continue
        emptied = sum(1 for new in filled_before if _normalise(new.get(name)) is None)
        empty_now = sum(1 for o in scraped if _normalise(o.get(name)) is None)
        if emptied >= FIELD_LOSS_NEARLY_ALL * len(filled_before) \
                and empty_now >= FIELD_LOSS_NEARLY_ALL * len(scraped):
            lost.append(name)
    return sorted(lost)
