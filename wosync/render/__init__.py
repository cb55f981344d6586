"""What a person sees: Rich tables and cards, state colours, live progress.

Site text (and anything stored from it) is data: every view passes it through
wosync.text.clean and shows it as a Rich `Text` (style.safe), never parsed as markup.
One module per view: status (`status`, `schedule list`), history, changes, orders (the
listing), card (one order), dispensers, progress (`sync-now`, `watch`, `demo`); table draws
the status table without Rich. The names callers use as `render.xxx` are gathered here.

Only cli and this package import rich, and they import it inside the functions that draw, so
importing wosync.render stays cheap (`wosync status` draws its table without loading Rich).
"""

from __future__ import annotations

from wosync.render.card import order_card
from wosync.render.changes import changes_table, schedule_sections
from wosync.render.dispensers import location_dispensers
from wosync.render.history import history_plain, history_report, history_table, run_card, run_cells, sparkline
from wosync.render.plain import terminal_wanted, tsv, write_tsv
from wosync.render.orders import ORDER_COLUMNS, choose_order_columns, orders_table
from wosync.render.progress import SyncProgressView, progress_panel, result_line
from wosync.render.status import schedules_table, status_text
from wosync.render.style import safe
from wosync.render.table import colour_wanted, terminal_width

__all__ = [
    "ORDER_COLUMNS", "SyncProgressView", "changes_table", "choose_order_columns", "colour_wanted",
    "history_plain", "history_report", "history_table", "run_card", "terminal_wanted", "tsv", "write_tsv", "location_dispensers", "order_card", "orders_table", "progress_panel",
    "result_line", "run_cells", "safe", "schedule_sections", "schedules_table", "sparkline", "status_text",
    "terminal_width",
]
