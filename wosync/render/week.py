"""`wosync week`: the plan of wosync.week drawn compact, one line per stop, so a typical week
(20-40 visits) fits one 80-column screen.

    Mon 2026-12-07 · 3 visits · 14 to calibrate
      8-12     #5154    Wawa           Tampa        5  3x2861 3xFE-4410 2xInspection…
      anytime  #99291   Circle K Sto…  Denver       ?  2x2861 7x400MB-10
      parts: 7x400MB-10 · 3xFE-4410 · 2xInspection…

Every cell is site text passed through wosync.text (clean, fit) and drawn as a Rich Text,
never markup.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from wosync.text import cell_width, clean, fit, plural

# Column widths at 80 columns; the items column takes what is left (and wraps under itself).
WINDOW, STORE, CITY, COUNT = 8, 8, 11, 2
CUSTOMER_MIN, CUSTOMER_MAX = 13, 24
NAME = 12  # an item without a code is shown by its name, cut to this
INDENT = "  "


def _day_title(day: str) -> str:
    """Given an ISO day, return "Mon 2026-12-07" (other text as it is)."""
    try:
        return date.fromisoformat(day).strftime("%a %Y-%m-%d")
    except ValueError:
        return day


def _cut(text: str, width: int) -> str:
    """Given display text, return it cut to `width` columns, the ellipsis right after a letter."""
    return text if cell_width(text) <= width else fit(text, width).rstrip()[:-1].rstrip() + "…"


def _item_short(item: dict[str, Any]) -> str:
    """Given an item, return "4x2861" (the code when there is one, else the name, cut short)."""
    quantity = item.get("quantity")
    label = clean(item.get("code")) or _cut(clean(item.get("name")), NAME)
    return f"{clean(quantity) if quantity is not None else '?'}x{label}"


def wrapped(words: Iterable[str], width: int, first: str, indent: int, separator: str = " ") -> list[str]:
    """Given words, a width, the first line's lead and the continuation indent, return the
    lines that hold the words joined by `separator` (a word too long for a line is cut)."""
    lines, line = [], first
    bare = True  # nothing but the lead on this line yet
    for word in words:
        piece = word if bare else separator + word
        if not bare and cell_width(line + piece) > width:
            lines.append(line)
            line, piece = " " * indent, word
        line += piece
        bare = False
    lines.append(line)
    return [fit(text, width).rstrip() if cell_width(text) > width else text for text in lines]


def _columns(width: int) -> tuple[int, int]:
    """Given the screen width, return (customer width, items width)."""
    fixed = len(INDENT) + WINDOW + 1 + STORE + 1 + CITY + 1 + COUNT + 2
    customer = max(CUSTOMER_MIN, min(CUSTOMER_MAX, (width - fixed) // 3))
    return customer, max(width - fixed - customer - 1, 12)


def stop_lines(stop: dict[str, Any], width: int) -> list[str]:
    """Given a stop and the width, return its line (and the items' continuation lines)."""
    from wosync.week import short_window

    customer_width, items_width = _columns(width)
    count = "?" if stop["dispensers"] is None else str(stop["dispensers"])
    lead = (INDENT + fit(short_window(stop["time_window"], compact=True) or "-", WINDOW) + " " + fit(clean(stop["store_number"]), STORE)
            + " " + fit(clean(stop["customer"]), customer_width) + " " + fit(clean(stop["city"]), CITY)
            + " " + count.rjust(COUNT) + "  ")
    items = [_item_short(i) for i in stop["items"]] or ["-"]
    return wrapped(items, cell_width(lead) + items_width, lead, cell_width(lead))


def header_line(width: int) -> str:
    """Given the width, return the column names, over the columns of stop_lines."""
    customer_width, _ = _columns(width)
    return (INDENT + fit("window", WINDOW) + " " + fit("store", STORE) + " " + fit("customer", customer_width)
            + " " + fit("city", CITY) + " " + "disp" + " items").rstrip()


def _parts_lines(parts: list[dict[str, Any]], width: int) -> list[str]:
    """Given a day's parts, return "  parts: 22x400MB-10 · 9xFE-4410 · 14xInspection…" lines
    (codes only: the names are in the span's total)."""
    return wrapped([_item_short(p) for p in parts], width, INDENT + "parts: ", len(INDENT) + 7, " · ")


def week_view(plan: dict[str, Any], width: int = 80):
    """Given wosync.week's plan and the screen width, return the week as a Rich Text: a title,
    each day (its stops, the parts to bring that day), then the parts for the whole span."""
    from rich.text import Text

    width = max(width, 60)
    view = Text()

    def line(text: str, style: str = "") -> None:
        view.append(text + "\n", style=style)

    line(_cut(f"{plural(plan['visits'], 'visit')} · {_day_title(plan['from'])} to {_day_title(plan['to'])}"
              f" · {plural(plan['dispensers'], 'dispenser')} to calibrate", width), "bold")
    if plan["visits"]:
        line(header_line(width), "dim")
    for day in plan["days"]:
        stops = day["stops"]
        if not stops:
            line(f"{_day_title(day['date'])} · no visits", "dim")
            continue
        calibrate = f" · {day['dispensers']} to calibrate" if day["dispensers"] else ""
        line(f"{_day_title(day['date'])} · {plural(len(stops), 'visit')}{calibrate}", "bold cyan")
        for stop in stops:
            for text in stop_lines(stop, width):
                line(text)
        if day["parts"]:
            for text in _parts_lines(day["parts"], width):
                line(text, "yellow")
    if plan["parts"]:
        line("Parts to bring:", "bold")
        from wosync.week import part_text

        for part in plan["parts"]:
            line(INDENT + _cut(part_text(part), width - len(INDENT)))
    if plan["not_read"]:
        line(f"disp ?: the location's dispensers are not read yet ({plural(plan['not_read'], 'stop')})", "dim")
    view.rstrip()
    return view
