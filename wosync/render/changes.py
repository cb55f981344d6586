"""`wosync changes`: what a sync found new, updated, completed or reopened, field by field."""

from __future__ import annotations

from typing import Any

from wosync.render.style import safe
from wosync.text import clean, ellipsis, item_text


def changes_table(changes: list[dict[str, Any]], run_id: int | None):
    """Given change records, return a table of number, kind, customer and the fields old -> new."""
    from rich.table import Table

    table = Table(title=f"Changes of run {run_id}" if run_id else "Changes")
    for column in ("Number", "Change", "Customer", "Store", "Fields (old -> new)"):
        table.add_column(column, overflow="fold")
    style = {"new": "green", "updated": "yellow", "completed": "grey50", "reopened": "cyan",
             "dispenser_added": "green", "dispenser_updated": "yellow", "dispenser_removed": "grey50"}
    for change in changes:
        if change["kind"] in ("dispenser_added", "dispenser_removed"):
            # {"3/4": [None, "Regular, Plus - Gilbarco NL3, S/N ..."]}: the dispenser, on one side.
            fields = "\n".join(f"{clean(k)}: {_short(v[1] if v[0] is None else v[0], 120)}"
                               for k, v in change["fields"].items())
        else:
            fields = "\n".join(f"{clean(k)}: {_short(v[0])} -> {_short(v[1])}" for k, v in change["fields"].items())
        # A location's changes carry its key "L-<location_id>" as the number (wosync.equipment).
        table.add_row(safe(change["number"]), safe(change["kind"].replace("_", " "), style.get(change["kind"], "")),
                      safe(ellipsis(clean(change.get("customer")), 80)), safe(change.get("store_number")),
                      safe(fields, multiline=True))
    return table


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
