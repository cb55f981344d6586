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

from wosync.fields import COMPARED_FIELDS

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
        if before != after:
            changes[name] = [before, after]
    return changes


def _same_values(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Given two records, return True when every compared field holds an equal value in both."""
    try:
        return _compared_values(old) == _compared_values(new)
    except KeyError:  # a record without some field: let field_changes treat it as empty
        return False


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
        else:
            result.unchanged += 1
    result.missing = sorted(
        number for number, record in stored.items() if not record.get("completed_at") and number not in seen
    )
    return result
