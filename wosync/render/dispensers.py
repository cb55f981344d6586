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


class CleanTexts(dict):
    """clean() of each text asked for, kept (and each custom field's text): a location's
    dispensers repeat their makes, models, grades, positions and fields, and thousands of
    dispensers are listed at once. Only text is kept: 1, 1.0 and True are equal keys but
    clean to different text."""

    def __init__(self):
        super().__init__()
        self.fields: dict[tuple[str, str], tuple[bool, str, str]] = {}

    def __missing__(self, text: str) -> str:
        value = self[text] = clean(text)
        return value

    def any(self, value: Any) -> str:
        """Return clean(value), kept when it is text."""
        return self[value] if value.__class__ is str else clean(value)

    def field(self, name: Any, value: Any) -> tuple[bool, str, str]:
        """Given a custom field's name and value, return whether its clean name is "Grade", its
        clean value, and "Name: value" as shown."""
        if name.__class__ is str and value.__class__ is str:
            found = self.fields.get((name, value))
            if found is None:
                found = self.fields[name, value] = self._field(name, value)
            return found
        return self._field(name, value)

    def _field(self, name: Any, value: Any) -> tuple[bool, str, str]:
        name, value = self.any(name), self.any(value)
        return name == "Grade", value, f"{name}: {value}"


def dispenser_rows(dispensers: list[dict[str, Any]], known: CleanTexts | None = None) -> list[list[tuple]]:
    """Given a location's stored dispensers (and the clean texts found so far, to share between
    locations), return the grid's rows as FastTable takes them: the position, then one block of
    the make and model with the serial, the grades, and the custom fields (the Grade field only
    where it says more than the grades), its text and (start, end, style) spans as a Rich Text
    would hold them: "(no model)" (or "(no make or model)") grey, the fields dim."""
    known = CleanTexts() if known is None else known
    field = known.field
    rows = []
    for dispenser in dispensers:
        get = dispenser.get
        grades = known[", ".join(get("grades") or [])]
        make, model = known.any(get("make")), known.any(get("model"))
        machine = f"{make} {model}" if make and model else make or model
        spans: list[tuple[int, int, str]] = []
        if not get("model"):
            missing = " (no model)" if machine else "(no make or model)"
            spans.append((len(machine), len(machine) + len(missing), "grey50"))
            machine += missing
        if get("serial"):
            machine += f" · S/N {known.any(get('serial'))}"
        shown = []
        for name, value in (get("fields") or {}).items():
            grade, text, line = field(name, value)
            if not (grade and text == grades):
                shown.append(line)
        lines = [machine, grades] if grades else [machine]
        if shown:
            lines.append(" · ".join(shown))
        block = "\n".join(lines)
        if shown:
            spans.append((len(block) - len(lines[-1]), len(block), "dim"))
        rows.append([(known.any(get("position")), ""), (block, "", spans)])
    return rows


def grid_table():
    """Return the grid a location's dispensers are drawn in, without rows: the position bold
    and never wrapped, the block folded to the room left, two spaces around each."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2), pad_edge=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    return grid


def location_lines(location: dict[str, Any], dispensers: list[dict[str, Any]],
                   known: CleanTexts | None = None) -> tuple[str, str, list, str]:
    """Given a location and its stored dispensers (and the clean texts found so far, see
    dispenser_rows), return what is drawn of it: its title, a grey note when there is no grid
    (not read yet, or no dispensers; else ""), the grid's rows (dispenser_rows) and the dim
    count line ("" without a grid)."""
    title = location_title(location)
    checked = location.get("equipment_checked_at")
    if not checked:
        return title, "  Equipment not read yet: the next sync reads it (or `wosync sync-now --equipment`).", [], ""
    when = f"read {local_text(checked)}"
    if not dispensers:
        return title, f"  No dispensers ({when}).", [], ""
    count = f"{len(dispensers)} dispenser{'s' if len(dispensers) != 1 else ''}, {when}"
    return title, "", dispenser_rows(dispensers, known), f"  {count}"


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
