"""`wosync changes`: first what a sync's changes mean for the schedule (a section per kind of
wosync.change_kinds, urgent ones marked), then what it found new, updated, completed or
reopened, field by field."""

from __future__ import annotations

from typing import Any

from wosync.render.fast_table import FastTable
from wosync.text import clean, ellipsis, item_text


def changes_table(changes: list[dict[str, Any]], run_id: int | None):
    """Given change records, return a table of number, kind, customer and the fields old -> new."""
    from rich.table import Table

    table = Table(title=f"Changes of run {run_id}" if run_id else "Changes")
    for column in ("Number", "Change", "Customer", "Store", "Fields (old -> new)"):
        table.add_column(column, overflow="fold")
    style = {"new": "green", "updated": "yellow", "completed": "grey50", "removed": "magenta", "reopened": "cyan",
             "dispenser_added": "green", "dispenser_updated": "yellow", "dispenser_removed": "grey50"}
    rows = []
    # Kinds, customers and store numbers repeat across thousands of changes: each cleaned once.
    shown: dict[tuple[str, Any], str] = {}

    def once(part: str, value: Any, make) -> str:
        key = (part, value)
        if key not in shown:
            shown[key] = make(value)
        return shown[key]

    for change in changes:
        if change["kind"] in ("dispenser_added", "dispenser_removed"):
            # {"3/4": [None, "Regular, Plus - Gilbarco NL3, S/N ..."]}: the dispenser, on one side.
            fields = "\n".join(f"{clean(k)}: {_short(v[1] if v[0] is None else v[0], 120)}"
                               for k, v in change["fields"].items())
        else:
            fields = "\n".join(f"{clean(k)}: {_short(v[0])} -> {_short(v[1])}" for k, v in change["fields"].items())
        # A location's changes carry its key "L-<location_id>" as the number (wosync.equipment).
        rows.append([(clean(change["number"]), ""),
                     (once("kind", change["kind"], lambda kind: clean(kind.replace("_", " "))), style.get(change["kind"], "")),
                     (once("customer", change.get("customer"), lambda name: clean(ellipsis(clean(name), 80))), ""),
                     (once("store", change.get("store_number"), clean), ""),
                     (clean(fields, multiline=True), "")])
    # The same as Rich's table of these rows (what safe() would make of each), in a fraction of the time.
    return FastTable(table, rows)


def fits(table: FastTable, console) -> bool:
    """Given a changes table and the console it is printed on, return whether FastTable draws
    it and every line fits the console's width (then printing needs no cropping, and Rich's
    measuring of every segment to crop can be skipped)."""
    rich_table = table.table
    if not table.rows or not rich_table.columns or not table._copies_rich():
        return False
    widths = table.column_widths(console, console.options)
    return sum(widths) + rich_table._extra_width <= console.width


def _short(value: Any, limit: int = 60) -> str:
    if value in (None, "", []):
        return "empty"
    if isinstance(value, list) and all(isinstance(i, dict) for i in value):
        text = "; ".join(item_text(i) for i in value)  # items: what a person reads, not JSON
    elif isinstance(value, list):  # a dispenser's grades
        text = clean(", ".join(str(i) for i in value))
    else:
        text = clean(value)
    return ellipsis(text, limit)


# A section lists at most this many entries (urgent ones first); the table below and
# `changes --json` have them all (a first sync makes every order "new").
SECTION_LIMIT = 30


def _day(text: str | None) -> str:
    """Given an ISO day, return "Mon 12-07" ("no visit" for none; other text cleaned)."""
    from datetime import date

    if not text:
        return "no visit"
    try:
        return date.fromisoformat(text).strftime("%a %m-%d")
    except (TypeError, ValueError):
        return clean(text)


def _when(entry, fields: dict[str, Any]) -> str:
    """Given a ScheduleChange and its row's fields, return what happened to its visit, in words."""
    partner = clean(entry.partner)
    if entry.kind in ("rescheduled", "swapped"):
        text = f"{_day(entry.old_date)} -> {_day(entry.new_date)}"
        return text + (f" (swapped with {partner})" if entry.kind == "swapped" else "")
    if entry.kind == "replaced":
        if entry.new_date:
            return f"{_day(entry.new_date)}, replaces {partner}"
        return f"{_day(entry.old_date)}, replaced by {partner}"
    if entry.kind == "visit_added":
        return f"visit {_day(entry.new_date)}" + (" (new order)" if entry.change == "new" else "")
    if entry.kind == "visit_removed":
        return f"was {_day(entry.old_date)}" + _gone(entry.change)
    if entry.change == "new":
        return "new order, no visit yet"
    names = ", ".join(clean(name) for name in fields) or entry.change.replace("_", " ")
    return f"{_day(entry.new_date)}: {names}"


def schedule_sections(entries: list, rows: list[dict[str, Any]]):
    """Given the run's ScheduleChanges and their change rows (same order), return a Rich Text:
    a section per schedule kind (rescheduled, swapped, replaced, visits added, visits removed,
    other changes), urgent entries first and marked "!" with why."""
    from rich.text import Text

    from wosync.change_kinds import KIND_TITLES, by_kind

    fields_of = {id(entry): row.get("fields") or {} for entry, row in zip(entries, rows)}
    view = Text()
    for kind, found in by_kind(entries):
        urgent = sum(1 for e in found if e.urgent)
        view.append(f"{KIND_TITLES[kind]} ({len(found)}" + (f", {urgent} urgent" if urgent else "") + ")\n",
                    style="bold")
        for entry in found[:SECTION_LIMIT]:
            who = " ".join(x for x in (clean(entry.number), clean(entry.store_number),
                                       ellipsis(clean(entry.customer), 30), clean(entry.city)) if x)
            count = "" if entry.dispensers is None else f" · {entry.dispensers} disp"
            view.append(" ! " if entry.urgent else "   ", style="bold red")
            view.append(f"{who} · {_when(entry, fields_of[id(entry)])}{count}")
            if entry.urgent:
                view.append(f" · {'; '.join(entry.reasons)}", style="red")
            view.append("\n")
        if len(found) > SECTION_LIMIT:
            view.append(f"   … and {len(found) - SECTION_LIMIT} more (all in the table below)\n", style="dim")
    view.rstrip()
    return view


def _gone(change: str) -> str:
    """Given a removed visit's change kind, return why its order went (" (completed)",
    " (removed: reassigned or cancelled)"), or "" when the order stays."""
    return {"completed": " (completed)", "removed": " (removed: reassigned or cancelled)"}.get(change, "")
