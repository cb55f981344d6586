"""`wosync dispensers`: each location's dispensers under its title, readable at any width."""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text
from wosync.render.fast_table import FastTable, PlainLine
from wosync.text import clean


def location_title(location: dict[str, Any]) -> str:
    """Given a location (store.list_locations), return "Location 32951 · Wawa #5154 · 123 Main
    St, Tampa · W-129651, W-129655" (its parts cleaned; missing ones left out)."""
    where = " ".join(x for x in (clean(location.get("customer")), clean(location.get("store_number"))) if x)
    address = ", ".join(x for x in (clean(location.get("street")), clean(location.get("city"))) if x)
    orders = list(location.get("orders") or [])
    shown = ", ".join(clean(n) for n in orders[:4]) + (f" and {len(orders) - 4} more" if len(orders) > 4 else "")
    return " · ".join(x for x in (f"Location {location['location_id']}", where, address, shown) if x)


def _machine_line(dispenser: dict[str, Any], spans: list) -> str:
    """Given a dispenser, return its make and model with the serial, adding the grey span of
    "(no model)" (or "(no make or model)") to spans."""
    machine = " ".join(x for x in (clean(dispenser.get("make")), clean(dispenser.get("model"))) if x)
    if not dispenser.get("model"):
        missing = " (no model)" if machine else "(no make or model)"
        spans.append((len(machine), len(machine) + len(missing), "grey50"))
        machine += missing
    if dispenser.get("serial"):
        machine += f" · S/N {clean(dispenser['serial'])}"
    return machine


def dispenser_rows(dispensers: list[dict[str, Any]]) -> list[list[tuple]]:
    """Given a location's stored dispensers, return the grid's rows as FastTable takes them:
    the position, then one block of the make and model with the serial, the grades, and the
    custom fields (the Grade field only where it says more than the grades), its text and
    (start, end, style) spans as a Rich Text would hold them: "(no model)" grey, the fields dim."""
    rows = []
    for dispenser in dispensers:
        grades = clean(", ".join(dispenser.get("grades") or []))
        spans: list[tuple[int, int, str]] = []
        machine = _machine_line(dispenser, spans)
        fields = [(clean(k), clean(v)) for k, v in (dispenser.get("fields") or {}).items()]
        shown = " · ".join(f"{k}: {v}" for k, v in fields if not (k == "Grade" and v == grades))
        block = "\n".join([machine] + [grades] * bool(grades) + [shown] * bool(shown))
        if shown:
            spans.append((len(block) - len(shown), len(block), "dim"))
        rows.append([(clean(dispenser.get("position")), ""), (block, "", spans)])
    return rows


def grid_table():
    """Return the grid a location's dispensers are drawn in, without rows: the position bold
    and never wrapped, the block folded to the room left, two spaces around each."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2), pad_edge=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    return grid


def location_lines(location: dict[str, Any], dispensers: list[dict[str, Any]]) -> tuple[str, str, list, str]:
    """Given a location and its stored dispensers, return what is drawn of it: its title, a
    grey note when there is no grid (not read yet, or no dispensers; else ""), the grid's rows
    (dispenser_rows) and the dim count line ("" without a grid)."""
    title = location_title(location)
    checked = location.get("equipment_checked_at")
    if not checked:
        return title, "  Equipment not read yet: the next sync reads it (or `wosync sync-now --equipment`).", [], ""
    when = f"read {local_text(checked)}"
    if not dispensers:
        return title, f"  No dispensers ({when}).", [], ""
    count = f"{len(dispensers)} dispenser{'s' if len(dispensers) != 1 else ''}, {when}"
    return title, "", dispenser_rows(dispensers), f"  {count}"


def location_dispensers(location: dict[str, Any], dispensers: list[dict[str, Any]]):
    """Given a location and its stored dispensers, return them under the location's title, one
    block each, readable at any width: the position, then make and model with the serial, the
    grades, and the custom fields (the Grade field only where it says more than the grades);
    or a line saying it has none or was not read yet."""
    from rich.console import Group
    from rich.text import Text

    title, note, rows, count = location_lines(location, dispensers)
    if note:
        return Group(Text(title, style="bold"), Text(note, style="grey50"))
    # The grid as Rich draws it (render/fast_table.py), in a fraction of the time; the title
    # and the count line too (PlainLine): thousands of locations are listed at once.
    return Group(PlainLine(title, "bold"), FastTable(grid_table(), rows), PlainLine(count, "dim"))
