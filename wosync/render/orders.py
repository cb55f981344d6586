"""`wosync orders`: one line per order at any width, the columns chosen to fit the terminal."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from wosync.clock import local_text
from wosync.text import clean, customer_text


def window_text(window: str | None, compact: bool = False) -> str:
    """Given the site's time window ("8:00am - 12:00pm", "anytime"), return it for display;
    `compact` drops ":00" and the spaces ("8am-12pm")."""
    text = clean(window)
    if compact:
        text = re.sub(r":00(?=\s*[ap]m)", "", text, flags=re.IGNORECASE)
        text = re.sub(r"\s*-\s*", "-", text)
    return text


def visit_text(order: dict[str, Any], compact: bool = True) -> str:
    """Given an order, return its next visit: "Mon 2026-04-27 8am-12pm" (or "-" without one)."""
    return _visit_words(order.get("next_visit_date"), order.get("time_window"), compact)


@lru_cache(maxsize=8192)
def _visit_words(day: Any, time_window: Any, compact: bool) -> str:
    """Given a next visit's date and window as stored, return them as visit_text shows them
    (cached: a listing of thousands of orders has a few hundred distinct visits)."""
    from datetime import date

    if not day:
        return "-"
    try:
        shown = date.fromisoformat(day).strftime("%a %Y-%m-%d")
    except (TypeError, ValueError):
        shown = clean(day)
    window = window_text(time_window, compact)
    return f"{shown} {window}" if window else shown


class OrderColumn:
    """One column of `wosync orders`: its header, how wide it may be, and its text for an order.

    `required` columns are always shown; the others are added in list order while they fit.
    `flex` columns take what width is left, up to their natural width.

    `fields`, when given, are the only keys of the order its text reads: a listing then makes
    the text once per distinct value (a few hundred statuses, cities or visits in thousands
    of orders) rather than once per order.
    """

    def __init__(self, key: str, header: str, text, min_width: int, max_width: int,
                 required: bool = False, flex: bool = False, justify: str = "left", completed_only: bool = False,
                 fields: tuple[str, ...] = ()):
        self.key, self.header, self.text, self.fields = key, header, text, fields
        self.min_width, self.max_width = min_width, max_width
        self.required, self.flex, self.justify, self.completed_only = required, flex, justify, completed_only

    def texts(self, orders: list[dict[str, Any]]) -> list[str]:
        """Given orders, return this column's text for each, in order."""
        if not self.fields:
            return [self.text(o) for o in orders]
        if len(self.fields) == 1:
            field = self.fields[0]
            values = [o.get(field) for o in orders]
        else:
            values = list(zip(*([o.get(field) for o in orders] for field in self.fields)))
        try:
            distinct = set(values)
        except TypeError:  # a list or dict where text was expected: no sharing, same texts
            return [self.text(o) for o in orders]
        if len(self.fields) == 1:
            made = {value: self.text({field: value}) for value in distinct}
        else:
            made = {value: self.text(dict(zip(self.fields, value))) for value in distinct}
        return list(map(made.__getitem__, values))


def _city_text(order: dict[str, Any]) -> str:
    return ", ".join(x for x in (clean(order.get("city")), clean(order.get("state"))) if x)


# In the order a narrowing terminal gives them up (from the end). A new column (the dispensers
# count, say) is one more entry: OrderColumn("dispensers", "Disp.", lambda o: ..., 5, 5).
ORDER_COLUMNS: list[OrderColumn] = [
    OrderColumn("number", "Number", lambda o: clean(o.get("number")), 8, 12, required=True, fields=("number",)),
    OrderColumn("next_visit", "Next visit", visit_text, 14, 28, required=True,
                fields=("next_visit_date", "time_window")),
    OrderColumn("customer", "Customer", customer_text, 10, 40, required=True, flex=True,
                fields=("customer", "store_number")),
    OrderColumn("status", "Status", lambda o: clean(o.get("status")), 8, 20, fields=("status",)),
    OrderColumn("due", "Due", lambda o: clean(o.get("due_date")), 10, 10, fields=("due_date",)),
    OrderColumn("city", "City", _city_text, 8, 24, flex=True, fields=("city", "state")),
    OrderColumn("category", "Work", lambda o: clean(o.get("category")), 8, 24, flex=True, fields=("category",)),
    OrderColumn("visits", "Visits", lambda o: _visits(o), 6, 7, justify="right",
                fields=("visits_done", "visits_planned")),
    OrderColumn("completed", "Completed", lambda o: local_text(o["completed_at"]) if o.get("completed_at") else "",
                16, 16, completed_only=True, fields=("completed_at",)),
    # Why an archived order left the active list: completed on the site, or removed
    # (reassigned, cancelled): wosync.vanished.
    OrderColumn("archived", "Archived as", lambda o: clean(o.get("archived_as")), 9, 11, completed_only=True,
                fields=("archived_as",)),
    # The location's dispensers (cli/orders.py adds the count; blank: its equipment not read yet).
    OrderColumn("dispensers", "Dispensers", lambda o: "" if o.get("dispensers") is None else str(o["dispensers"]),
                10, 10, justify="right", fields=("dispensers",)),
]
COLUMN_GAP = 2  # spaces between two columns


def _visits(order: dict[str, Any]) -> str:
    done, planned = order.get("visits_done"), order.get("visits_planned")
    return f"{done}/{planned}" if done is not None and planned else ""


def choose_order_columns(cells: dict[str, list[str]], width: int, columns: list[OrderColumn]) -> dict[str, int]:
    """Given each column's cell texts, the terminal width and the candidate columns, return
    {key: width} of the columns to show, in order, so that one line per order fits `width`.

    Required columns first at their smallest useful width; then the optional ones, in order,
    while each fits at its natural width; what is left widens the flexible ones.
    """
    natural = {c.key: min(max([len(c.header), *map(len, cells[c.key])]), c.max_width) for c in columns}
    start = {c.key: (min(natural[c.key], max(c.min_width, 16)) if c.flex else natural[c.key]) for c in columns}

    def used(keys: list[str], widths: dict[str, int]) -> int:
        return sum(widths[k] for k in keys) + COLUMN_GAP * (len(keys) - 1)

    chosen = [c.key for c in columns if c.required]
    widths = {k: start[k] for k in chosen}
    for column in columns:
        if column.required:
            continue
        trial = chosen + [column.key]
        if used(trial, {**widths, column.key: start[column.key]}) <= width:
            chosen = [c.key for c in columns if c.key in trial]
            widths[column.key] = start[column.key]
    spare = width - used(chosen, widths)
    if spare < 0:  # even the required ones are too wide: narrow them, the flexible one first
        for column in sorted((c for c in columns if c.key in chosen), key=lambda c: not c.flex):
            take = min(-spare, widths[column.key] - column.min_width)
            if take > 0:
                widths[column.key] -= take
                spare += take
    for column in columns:  # widen the flexible columns to their natural width while there is room
        if column.key in chosen and column.flex and spare > 0:
            grow = min(spare, natural[column.key] - widths[column.key])
            if grow > 0:
                widths[column.key] += grow
                spare -= grow
    return {k: widths[k] for k in chosen}


def orders_table(orders: list[dict[str, Any]], title: str, width: int = 80, columns: list[OrderColumn] | None = None):
    """Given order records, a title and the terminal width, return a table of one line per
    order: number, next visit and customer always, the other columns as the width allows,
    every cell cut with an ellipsis rather than wrapped."""
    from rich import box
    from rich.table import Table

    with_completed = any(o.get("completed_at") for o in orders)
    candidates = [c for c in (columns or ORDER_COLUMNS) if with_completed or not c.completed_only]
    cells = {c.key: c.texts(orders) for c in candidates}
    widths = choose_order_columns(cells, max(width, 20), candidates)
    shown = [c for c in candidates if c.key in widths]
    # Between two columns: the box's (blank) divider and one space of left padding = COLUMN_GAP.
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0, 0, COLUMN_GAP - 1),
                  title_justify="left", expand=False)
    for column in shown:
        table.add_column(column.header, width=widths[column.key], no_wrap=True, overflow="ellipsis",
                         justify=column.justify, header_style="bold")
    styles = ["grey50" if order.get("completed_at") else "" for order in orders]
    rows = [[cells[column.key][index] for column in shown] for index in range(len(orders))]
    return OrderLines(table, rows, styles, [widths[c.key] for c in shown], [c.justify for c in shown])


class OrderLines:
    """The orders table, drawn as Rich draws it but in a fraction of the time.

    Rich's Table renders every cell through padding, wrapping and cropping: 5,000 orders took
    about 2 s. Every cell here has a fixed width and is cut with an ellipsis, never wrapped, so
    Rich draws only the title, header and rule (a table of no rows) and each order's line is
    made here as the same text and styles (rich.cells measures, so wide characters count
    twice). A console narrower than the columns (Rich would narrow them) gets Rich's own table.
    """

    def __init__(self, table, rows: list[list[str]], styles: list[str], widths: list[int], justify: list[str]):
        self.table, self.rows, self.styles, self.widths, self.justify = table, rows, styles, widths, justify

    def fits(self, width: int) -> bool:
        """Given a console's width, return whether every line is drawn here and fits it (then
        printing needs no cropping, and Rich's measuring of every segment to crop can be skipped)."""
        return sum(self.widths) + COLUMN_GAP * (len(self.widths) - 1) <= width

    def __rich_console__(self, console, options):
        from rich.segment import Segment
        from rich.text import Text

        if not self.fits(options.max_width):
            for row, style in zip(self.rows, self.styles):
                self.table.add_row(*(Text(cell, style=style, no_wrap=True, overflow="ellipsis") for cell in row))
            yield self.table
            return
        try:  # Rich's own test that every character takes one cell (Latin letters with accents too)
            from rich.cells import _is_single_cell_widths as single_cells
        except ImportError:  # another Rich: ASCII alone is surely one cell a character
            single_cells = str.isascii
        yield self.table
        divider, ellipsis, new_line = Segment(" " * (COLUMN_GAP - 1)), Segment("…"), Segment.line()
        fitted = [(width, justify, bool(index)) for index, (width, justify) in enumerate(zip(self.widths, self.justify))]
        gap = " " * COLUMN_GAP
        for row, style in zip(self.rows, self.styles):
            joined = "".join(row)  # every cell printable and one cell a character when their joined text is
            if not style and joined.isprintable() and (joined.isascii() or single_cells(joined)):
                # Unstyled and plain (a character a cell, so cut and padded by length as Rich
                # would): the line's text in as few segments as give the same text.
                # Rich measures a segment with "…" in it a character at a time (ASCII alone at
                # once), so each "…" is a segment of its own.
                first, *rest = gap.join([_fit_plain(cell, width, justify)
                                         for cell, (width, justify, _) in zip(row, fitted)]).split("…")
                yield Segment(first)
                for part in rest:
                    yield ellipsis
                    yield Segment(part)
            else:
                paint = console.get_style(style) if style else None
                cells = [_cell_segments(cell, *column, paint) for cell, column in zip(row, fitted)]
                for index, cell in enumerate(cells):
                    if index:
                        yield divider
                    yield from cell
            yield new_line


def _fit_plain(text: str, width: int, justify: str) -> str:
    """Given a cell's printable text of one-cell characters, its column's width and justification, return it cut
    to width - 1 characters plus "…", else padded (right-justified: without trailing spaces)."""
    if justify == "right":
        text = text.rstrip()
    if len(text) > width:
        return text[:width - 1] + "…"
    return text.ljust(width) if justify != "right" else text.rjust(width)


def _cell_segments(text: str, width: int, justify: str, padded: bool, paint) -> list:
    """Given a cell's text, its column's width and justification, whether the cell has its one
    space of left padding (every column but the first) and its style, return the segments
    Rich's table makes of a no-wrap, ellipsis cell: cut to width - 1 cells plus "…", else
    padded (a right-justified cell loses its trailing spaces first). Plain ASCII makes at most
    two segments; other text goes through Rich's own line fitting, as the cell and then the
    padded cell, since Rich measures some joined characters (ZWJ sequences) differently in a
    segment than in the cut, and pads or crops the line again (a line of such cells is never
    joined into one segment, whose measure could differ again)."""
    from rich.segment import Segment

    if justify == "right":
        text = text.rstrip()
    if text.isascii() and text.isprintable():  # one cell a character
        text = _fit_plain(text, width, justify)
        return [Segment(" "), Segment(text, paint)] if padded else [Segment(text, paint)]
    from rich.cells import cell_len, set_cell_size
    from rich.style import Style

    length = cell_len(text)
    if length > width:
        text = set_cell_size(text, width - 1) + "…"
    elif justify == "right":
        text = " " * (width - length) + text
    else:
        text = text + " " * (width - length)
    line = next(Segment.split_and_crop_lines([Segment(text, paint)], width, include_new_lines=False, pad=True,
                                             style=Style()))
    if not padded:
        return line
    return next(Segment.split_and_crop_lines([Segment(" ", Style()), *line], width + 1, include_new_lines=False,
                                             pad=True, style=Style()))
