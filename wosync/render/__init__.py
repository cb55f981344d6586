"""What a person sees: Rich tables and cards, state colours, live progress.

Site text (and anything stored from it) is data: every view passes it through
wosync.text.clean and shows it as a Rich `Text` (style.safe), never parsed as markup.
One module per view: status (`status`, `schedule list`), history, changes, orders (the
listing), card (one order), dispensers, progress (`sync-now`, `watch`, `demo`); table draws
the status table without Rich. The names callers use as `render.xxx` are gathered here.

Only cli and this package import rich, and they import it inside the functions that draw, so
importing wosync.render stays cheap (`wosync status` draws its table without loading Rich).
Each name is imported from its module on first use (`render.status_text` loads only
render.status and what it needs), so a command loads the views it draws and no other.
"""

from __future__ import annotations

# Each name callers use as `render.xxx`, and the module of wosync.render that defines it.
_HOMES = {
    "order_card": "card",
    "changes_table": "changes", "schedule_sections": "changes",
    "location_dispensers": "dispensers",
    "history_plain": "history", "history_report": "history", "history_table": "history", "run_card": "history",
    "run_cells": "history", "sparkline": "history",
    "terminal_wanted": "plain", "tsv": "plain", "write_tsv": "plain",
    "ORDER_COLUMNS": "orders", "choose_order_columns": "orders", "orders_table": "orders",
    "SyncProgressView": "progress", "progress_panel": "progress", "result_line": "progress",
    "schedules_table": "status", "status_text": "status",
    "safe": "style",
    "colour_wanted": "table", "terminal_width": "table",
}


def __getattr__(name: str):
    # `render.xxx` and `from wosync.render import xxx`: its module is imported now, once.
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{home}", fromlist=[name]), name)
    globals()[name] = value
    return value

__all__ = [
    "ORDER_COLUMNS", "SyncProgressView", "changes_table", "choose_order_columns", "colour_wanted",
    "history_plain", "history_report", "history_table", "run_card", "terminal_wanted", "tsv", "write_tsv", "location_dispensers", "order_card", "orders_table", "progress_panel",
    "result_line", "run_cells", "safe", "schedule_sections", "schedules_table", "sparkline", "status_text",
    "terminal_width",
]
