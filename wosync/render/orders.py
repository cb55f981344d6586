"""`wosync orders`: one line per order at any width, the columns chosen to fit the terminal."""

from __future__ import annotations

import re
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
    from datetime import date

    day = order.get("next_visit_date")
    if not day:
        return "-"
    try:
        shown = date.fromisoformat(day).strftime("%a %Y-%m-%d")
    except (TypeError, ValueError):
        shown = clean(day)
    window = window_text(order.get("time_window"), compact)
    return f"{shown} {window}" if window else shown


class OrderColumn:
    """One column of `wosync orders`: its header, how wide it may be, and its text for an order.

    `required` columns are always shown; the others are added in list order while they fit.
    `flex` columns take what width is left, up to their natural width.
    """

    def __init__(self, key: str, header: str, text, min_width: int, max_width: int,
                 required: bool = False, flex: bool = False, justify: str = "left", completed_only: bool = False):
        self.key, self.header, self.text = key, header, text
        self.min_width, self.max_width = min_width, max_width
        self.required, self.flex, self.justify, self.completed_only = required, flex, justify, completed_only


def _city_text(order: dict[str, Any]) -> str:
    return ", ".join(x for x in (clean(order.get("city")), clean(order.get("state"))) if x)


# In the order a narrowing terminal gives them up (from the end). A new column (the dispensers
# count, say) is one more entry: OrderColumn("dispensers", "Disp.", lambda o: ..., 5, 5).
ORDER_COLUMNS: list[OrderColumn] = [
    OrderColumn("number", "Number", lambda o: clean(o.get("number")), 8, 12, required=True),
    OrderColumn("next_visit", "Next visit", visit_text, 14, 28, required=True),
    OrderColumn("customer", "Customer", customer_text, 10, 40, required=True, flex=True),
    OrderColumn("status", "Status", lambda o: clean(o.get("status")), 8, 20),
    OrderColumn("due", "Due", lambda o: clean(o.get("due_date")), 10, 10),
    OrderColumn("city", "City", _city_text, 8, 24, flex=True),
    OrderColumn("category", "Work", lambda o: clean(o.get("category")), 8, 24, flex=True),
    OrderColumn("visits", "Visits", lambda o: _visits(o), 6, 7, justify="right"),
    OrderColumn("completed", "Completed", lambda o: local_text(o["completed_at"]) if o.get("completed_at") else "",
                16, 16, completed_only=True),
    # The location's dispensers (cli/orders.py adds the count; blank: its equipment not read yet).
    OrderColumn("dispensers", "Dispensers", lambda o: "" if o.get("dispensers") is None else str(o["dispensers"]),
                10, 10, justify="right"),
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
    from rich.text import Text

    with_completed = any(o.get("completed_at") for o in orders)
    candidates = [c for c in (columns or ORDER_COLUMNS) if with_completed or not c.completed_only]
    cells = {c.key: [c.text(o) for o in orders] for c in candidates}
    widths = choose_order_columns(cells, max(width, 20), candidates)
    shown = [c for c in candidates if c.key in widths]
    # Between two columns: the box's (blank) divider and one space of left padding = COLUMN_GAP.
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0, 0, COLUMN_GAP - 1),
                  title_justify="left", expand=False)
    for column in shown:
        table.add_column(column.header, width=widths[column.key], no_wrap=True, overflow="ellipsis",
                         justify=column.justify, header_style="bold")
    for index, order in enumerate(orders):
        row = []
        for column in shown:
            style = "grey50" if order.get("completed_at") else ""
            row.append(Text(cells[column.key][index], style=style, no_wrap=True, overflow="ellipsis"))
        table.add_row(*row)
    return table
