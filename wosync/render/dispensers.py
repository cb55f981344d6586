"""`wosync dispensers`: each location's dispensers under its title, readable at any width."""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text
from wosync.render.fast_table import FastTable, PlainLine
from wosync.text import clean


class CleanTexts(dict):
    """clean() of each text asked for, kept (and each custom field's text, and each time shown):
    a location's dispensers repeat their makes, models, grades, positions and fields, locations
    their customers and cities, and thousands of dispensers are listed at once. Only text is
    kept: 1, 1.0 and True are equal keys but clean to different text."""

    def __init__(self):
        super().__init__()
        self.fields: dict[tuple[str, str], tuple[bool, str, str]] = {}
        self.times: dict[str, str] = {}

    def __missing__(self, text: str) -> str:
        value = self[text] = clean(text)
        return value

    def when(self, stored: str) -> str:
        """Given a stored UTC time, return it in local time (clock.local_text), kept: the
        locations read by one sync share it."""
        found = self.times.get(stored)
        if found is None:
            found = self.times[stored] = local_text(stored)
        return found

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


def location_title(location: dict[str, Any], known: CleanTexts | None = None) -> str:
    """Given a location (store.list_locations) and optionally the clean texts found so far,
    return "Location 32951 · Wawa #5154 · 123 Main St, Tampa · W-129651, W-129655" (its parts
    cleaned; missing ones left out)."""
    cleaned = clean if known is None else known.any  # customers and cities repeat; streets and numbers hardly
    customer, number = cleaned(location.get("customer")), clean(location.get("store_number"))
    street, city = clean(location.get("street")), cleaned(location.get("city"))
    orders = list(location.get("orders") or [])
    shown = ", ".join(map(clean, orders[:4])) + (f" and {len(orders) - 4} more" if len(orders) > 4 else "")
    # Each part joined only when there is one on both sides: "a b", "a, b" or "a · b".
    parts = [f"Location {location['location_id']}"]
    if customer or number:
        parts.append(f"{customer} {number}" if customer and number else customer or number)
    if street or city:
        parts.append(f"{street}, {city}" if street and city else street or city)
    if shown:
        parts.append(shown)
    return " · ".join(parts)


def dispenser_parts(dispensers: list[dict[str, Any]], known: CleanTexts | None = None) -> list[tuple]:
    """Given a location's stored dispensers (and the clean texts found so far, to share between
    locations), return what each one's block shows, as (position, grey, machine, grades,
    fields): the make and model with the serial, where "(no model)" (or "(no make or model)")
    stands in that line as (start, end) (None with a model), the grades, and the custom fields
    (the Grade field only where it says more than the grades); "" for what it lacks."""
    known = CleanTexts() if known is None else known
    field, kept_field, text_type = known.field, known.fields.get, str
    parts = []
    # known[x] where x is text, else clean(x), written out: five of them for each of thousands.
    for dispenser in dispensers:
        get = dispenser.get
        grades = known[", ".join(get("grades") or [])]
        make, model = get("make"), get("model")
        make = known[make] if make.__class__ is text_type else clean(make)
        clean_model = known[model] if model.__class__ is text_type else clean(model)
        machine = f"{make} {clean_model}" if make and clean_model else make or clean_model
        grey = None
        if not model:
            missing = " (no model)" if machine else "(no make or model)"
            grey = (len(machine), len(machine) + len(missing))
            machine += missing
        serial = get("serial")
        if serial:
            machine += f" · S/N {clean(serial)}"  # each its own: not worth keeping
        shown = []
        for item in (get("fields") or {}).items():
            grade, text, line = (item[1].__class__ is text_type and kept_field(item)) or field(*item)
            if not (grade and text == grades):
                shown.append(line)
        position = get("position")
        parts.append((known[position] if position.__class__ is text_type else clean(position), grey, machine, grades,
                      " · ".join(shown)))
    return parts


def parts_rows(parts: list[tuple]) -> list[list[tuple]]:
    """Given dispenser_parts, return the grid's rows as FastTable takes them: the position, then
    one block of the machine, grades and fields lines (those there are), its (start, end,
    style) spans as a Rich Text would hold them: "(no model)" grey, the fields dim."""
    rows = []
    for position, grey, machine, grades, shown in parts:
        spans = [(*grey, "grey50")] if grey else []
        block = "\n".join([machine] + [grades] * bool(grades) + [shown] * bool(shown))
        if shown:
            spans.append((len(block) - len(shown), len(block), "dim"))
        rows.append([(position, ""), (block, "", spans)])
    return rows


def dispenser_rows(dispensers: list[dict[str, Any]], known: CleanTexts | None = None) -> list[list[tuple]]:
    """Given a location's stored dispensers (and the clean texts found so far), return the
    grid's rows as FastTable takes them (parts_rows of dispenser_parts)."""
    return parts_rows(dispenser_parts(dispensers, known))


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
    dispenser_parts), return what is drawn of it: its title, a grey note when there is no grid
    (not read yet, or no dispensers; else ""), each dispenser's parts (dispenser_parts) and the
    dim count line ("" without a grid)."""
    known = CleanTexts() if known is None else known
    title = location_title(location, known)
    checked = location.get("equipment_checked_at")
    if not checked:
        return title, "  Equipment not read yet: the next sync reads it (or `wosync sync-now --equipment`).", [], ""
    when = f"read {known.when(checked) if checked.__class__ is str else local_text(checked)}"
    if not dispensers:
        return title, f"  No dispensers ({when}).", [], ""
    count = f"{len(dispensers)} dispenser{'s' if len(dispensers) != 1 else ''}, {when}"
    return title, "", dispenser_parts(dispensers, known), f"  {count}"


def location_dispensers(location: dict[str, Any], dispensers: list[dict[str, Any]]):
    """Given a location and its stored dispensers, return them under the location's title, one
    block each, readable at any width: the position, then make and model with the serial, the
    grades, and the custom fields (the Grade field only where it says more than the grades);
    or a line saying it has none or was not read yet."""
    from rich.console import Group
    from rich.text import Text

    title, note, parts, count = location_lines(location, dispensers)
    if note:
        return Group(Text(title, style="bold"), Text(note, style="grey50"))
    # The grid as Rich draws it (render/fast_table.py), in a fraction of the time; the title
    # and the count line too (PlainLine): thousands of locations are listed at once.
    return Group(PlainLine(title, "bold"), FastTable(grid_table(), parts_rows(parts)), PlainLine(count, "dim"))
