"""What a person sees: site text made safe, Rich tables and cards, state colours, live progress.

Text from the site (and anything stored from it: orders, changes, run errors) is data. It
reaches a terminal only through `clean` / `safe` here: escape sequences and control
characters are removed on display (the store keeps what was read), and it is always a Rich
`Text`, never parsed as markup. CSV cells go through `csv_cell`.

Only cli and this module import rich, and this module imports it inside the functions that
draw, so `clean` is cheap to import (the status-bar line uses it without loading Rich).
"""

from __future__ import annotations

import re
from typing import Any

from wosync.clock import from_iso, local_text

STATE_STYLE = {"active": "green", "syncing": "blue", "failed": "red", "paused": "grey50", "waiting": "grey50"}
RESULT_STYLE = {"success": "green", "running": "blue", "partial": "yellow", "failed": "red", "interrupted": "grey50"}

# --- site text is data ------------------------------------------------------------------------

# Terminal escape sequences, whole: CSI (colours, cursor moves), OSC (window titles, hyperlinks;
# ended by BEL or ST), DCS/SOS/PM/APC strings, and two-character escapes. Their payload goes
# too: "\x1b]0;title\x07" must not leave "0;title" behind. A string sequence that is never
# ended loses only its introducer, so the text after it stays visible.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[PX^_][^\x1b]*\x1b\\"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)"
)
# What is left that a terminal or a reader could be fooled by: C0 controls (but tab and line
# feed), DEL, C1 controls, and the bidirectional overrides, embeddings, isolates and marks
# that make text display in another order than it reads ("Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n|[\n\r\x0b\x0c\x85\u2028\u2029])[ \t]*")
_SPACES = re.compile(r"\s+")
# Spreadsheets run a cell that starts with one of these as a formula (=HYPERLINK(...)).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(value: Any, multiline: bool = False) -> str:
    """Given a value from the site or the store, return it as plain display text.

    Escape sequences and control characters are removed; None is "". Line breaks are kept
    when `multiline`, else each run of white space (line breaks included) becomes one space.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isascii() and text.isprintable():
        # Most text: nothing a terminal could act on (no escape, no control, no line break), so
        # only runs of spaces to tidy; 100,000 orders are listed without a regular expression each.
        return text if multiline or ("  " not in text and text == text.strip()) else " ".join(text.split())
    if multiline:
        text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))
    if multiline:
        return text.replace("\t", "    ")
    return _SPACES.sub(" ", text).strip()


def safe(value: Any, style: str = "", multiline: bool = False):
    """Given a value from the site or the store, return a Rich Text of `clean(value)` (never markup)."""
    from rich.text import Text

    return Text(clean(value, multiline), style=style)


def csv_cell(value: Any, raw: bool = False) -> Any:
    """Given a CSV cell value, return it neutralised for spreadsheets: a text starting with
    = + - @ (or a tab or carriage return) gets a leading ' so it is never run as a formula;
    `raw` keeps it as stored. Numbers are kept as they are."""
    if raw or not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    return "'" + value


def ellipsis(text: str, limit: int) -> str:
    """Given display text and a length, return it cut to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


# --- small formatting helpers -------------------------------------------------------------------


def duration_text(seconds: float | None) -> str:
    """Given seconds (or None), return "6.1 s", "1 min 35 s" or "-"."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s"



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


def _long_date(day: str | None) -> str:
    """Given YYYY-MM-DD, return "Mon 27 Apr 2026" (the text itself when it is no date)."""
    from datetime import date

    if not day:
        return ""
    try:
        return date.fromisoformat(day).strftime("%a %d %b %Y").replace(" 0", " ")
    except (TypeError, ValueError):
        return clean(day)


def customer_text(order: dict[str, Any]) -> str:
    """Given an order, return "Wawa #5154" (customer and store number, whichever exist)."""
    return " ".join(x for x in (clean(order.get("customer")), clean(order.get("store_number"))) if x)


def item_text(item: dict[str, Any]) -> str:
    """Given one item of an order, return "4 x All Dispensers (2861)"."""
    quantity = item.get("quantity")
    text = f"{clean(quantity) if quantity is not None else '?'} x {clean(item.get('name'))}"
    if item.get("code"):
        text += f" ({clean(item['code'])})"
    return text


# --- tables -------------------------------------------------------------------------------------


def schedules_table(rows: list[dict[str, Any]]):
    """Given schedule rows, return a table of id, account, interval, window, state and next run."""
    from rich.table import Table
    from rich.text import Text

    from wosync import schedules

    table = Table(title="Schedules")
    for column in ("ID", "Account", "Every", "Active hours", "State", "Next run (local)", "Failures"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]), safe(row["account"] or "(default)"), f"{row['interval_hours']:g} h",
            safe(schedules.describe_window(schedules.rule_from_row(row))),
            Text("enabled", style="green") if row["enabled"] else Text("paused", style="grey50"),
            local_text(row["next_run"]), str(row["consecutive_failures"]),
        )
    return table


# --- `wosync status` without Rich ------------------------------------------------------------------
#
# Importing Rich costs more CPU than the rest of `wosync status` together (about 35 ms, against
# a goal of 1.2 x a bare Typer app), so status draws its one small table itself: the same box
# and colours as a Rich table, cells cut with an ellipsis instead of wrapped.

ANSI = {"green": "32", "blue": "34", "red": "31", "yellow": "33", "grey50": "38;5;244", "bold": "1"}


def colour_wanted(stream) -> bool:
    """Given an output stream, return whether to colour it: NO_COLOR says no, FORCE_COLOR yes,
    else only a terminal that is not "dumb" (the rules Rich follows)."""
    import os

    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width(stream, default: int = 80) -> int:
    """Given an output stream, return its width in columns: $COLUMNS, else the terminal's, else `default`."""
    import os

    try:
        return max(int(os.environ["COLUMNS"]), 20)
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return default


def cell_width(text: str) -> int:
    """Given display text, return how many terminal columns it takes (wide East Asian
    characters two, combining marks none)."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def fit(text: str, width: int) -> str:
    """Given display text and a width in columns, return it cut with an ellipsis and padded to `width`."""
    if cell_width(text) > width:
        cut, used = [], 0
        for ch in text:
            size = cell_width(ch)
            if used + size > width - 1:
                break
            cut.append(ch)
            used += size
        text = "".join(cut) + "…"
    return text + " " * (width - cell_width(text))


def _header_lines(header: str, width: int) -> list[str]:
    """Given a column header and its width, return it on one line, or on two split at a space."""
    if cell_width(header) <= width or " " not in header:
        return [header]
    words = header.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if cell_width(first) <= width and cell_width(second) <= width:
            return [first, second]
    return [header]


def _header_min(header: str) -> int:
    """Given a header, return the fewest columns it needs on at most two lines."""
    words = header.split(" ")
    return min(max(cell_width(" ".join(words[:cut])), cell_width(" ".join(words[cut:])))
               for cut in range(1, len(words))) if len(words) > 1 else cell_width(header)


def plain_table(title: str, headers: list[str], rows: list[list[tuple[str, str]]], width: int,
                colour: bool, give_way: tuple[int, ...] = ()) -> str:
    """Given a title, column headers, rows of (text, style) cells, the terminal width and whether
    to colour, return the table drawn like Rich's default (heavy head, light body), each row on
    one line. Headers may take two lines; then the columns in `give_way` (in that order, down to
    8 columns) and after them the widest ones are cut with an ellipsis until the table fits."""
    values = [max([0, *(cell_width(row[i][0]) for row in rows)]) for i in range(len(headers))]
    widths = [max(cell_width(h), v) for h, v in zip(headers, values)]

    def excess() -> int:
        return sum(widths) + 3 * len(widths) + 1 - width

    if excess() > 0:  # first, headers on two lines
        widths = [max(_header_min(h), v) for h, v in zip(headers, values)]
    for index in give_way:
        if excess() > 0 and widths[index] > 8:
            widths[index] -= min(widths[index] - 8, excess())
    while excess() > 0 and max(widths) > 4:
        widest = widths.index(max(widths))
        widths[widest] -= min(widths[widest] - 4, excess())

    def paint(text: str, style: str) -> str:
        codes = ";".join(ANSI[s] for s in style.split() if s in ANSI) if colour and style else ""
        return f"\x1b[{codes}m{text}\x1b[0m" if codes else text

    def rule(left: str, middle: str, right: str, fill: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    total = sum(widths) + 3 * len(widths) + 1
    heads = [_header_lines(h, w) for h, w in zip(headers, widths)]
    lines = [fit(title, total).strip().center(total).rstrip(), rule("┏", "┳", "┓", "━")]
    for row in range(max(len(h) for h in heads)):
        lines.append("┃" + "┃".join(f" {paint(fit(h[row] if row < len(h) else '', w), 'bold')} "
                                     for h, w in zip(heads, widths)) + "┃")
    lines.append(rule("┡", "╇", "┩", "━"))
    for row in rows:
        lines.append("│" + "│".join(f" {paint(fit(text, w), style)} " for (text, style), w in zip(row, widths)) + "│")
    lines.append(rule("└", "┴", "┘", "─"))
    return "\n".join(lines) + "\n"


def status_text(report: dict[str, Any], width: int, colour: bool) -> str:
    """Given status_report(), the terminal width and whether to colour, return what `wosync
    status` prints: the schedules coloured by state (or how to create one), the running syncs,
    the stored orders and the daemon."""
    from wosync.locks import pid_alive

    parts = []
    if report["schedules"]:
        rows = []
        for item in report["schedules"]:
            state = item["state"] if item["detail"] in (item["state"], None) else f"{item['state']}: {item['detail']}"
            last = item["last_result"] or "never run"
            rows.append([
                (str(item["id"]), ""), (clean(item["account"] or "(default)"), ""),
                (clean(state), STATE_STYLE.get(item["state"], "")), (f"{item['interval_hours']:g} h", ""),
                (clean(item["window"]), ""), (local_text(item["next_run"]) if item["enabled"] else "-", ""),
                (clean(last), RESULT_STYLE.get(last, "")),
            ])
        parts.append(plain_table("wosync status", ["ID", "Account", "State", "Every", "Active hours",
                                                   "Next run (local)", "Last result"], rows, width, colour,
                                 give_way=(2, 1, 4)))
    else:
        parts.append("No schedules. Create one with `wosync schedule create --interval 1`.\n")
    for live in report["syncing"]:
        if live["status"] == "in_progress":
            text = (f"Syncing {clean(live['account'])}: {live['percentage']}% ({clean(live['phase'])}) "
                    f"{clean(live['message'])}")
            parts.append((f"\x1b[34m{text}\x1b[0m" if colour else text) + "\n")
    orders = report["orders"]
    parts.append(f"Work orders stored: {orders['active']} active, {orders['completed']} completed.\n")
    daemon = report["daemon"]
    if daemon and pid_alive(daemon.get("pid")):
        parts.append(f"Daemon: running (pid {daemon['pid']}).\n")
    else:
        parts.append("Daemon: not running (start it with `wosync daemon`, or see `wosync install-service`).\n")
    return "".join(parts)


# The history table shows this much of an error; `history --json` has all of it.
ERROR_SHOWN_CHARS = 500


# The history table needs this many columns to show how each read was known complete
# beside the rest without squeezing the result (at 80 columns it is left to --json).
HISTORY_READ_COLUMN_WIDTH = 90


def history_table(runs: list[dict[str, Any]], width: int | None = None):
    """Given run records and the terminal's width (None: wide), return the history table
    (started, duration, trigger, result, items, how the read was known complete when the
    width allows, changes, error)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Sync history")
    table.add_column("Run", justify="right")
    table.add_column("Started (local)", no_wrap=True)
    table.add_column("Took", no_wrap=True)
    table.add_column("Trigger")
    table.add_column("Result")
    table.add_column("Items", justify="right")
    # "count": the orders equal the site's "N matches"; "pager": the last page was reached
    # (the simple pager shows no count); blank: not known complete.
    show_read = width is None or width >= HISTORY_READ_COLUMN_WIDTH
    if show_read:
        table.add_column("Read", no_wrap=True)
    table.add_column("New/Upd/Done", no_wrap=True)
    show_errors = any(run["error_message"] for run in runs)  # no empty column eating the width
    if show_errors:
        table.add_column("Error", overflow="fold")
    for run in runs:
        table.add_row(
            str(run["id"]), local_text(run["started_at"], "%Y-%m-%d %H:%M"), duration_text(run["duration_seconds"]),
            safe(run["trigger_type"]), safe(run["status"], RESULT_STYLE.get(run["status"], "")),
            str(run["items_processed"]), *([safe(run.get("completeness") or "")] if show_read else []),
            Text.assemble((f"+{run['added']}", "green"), " ", (f"~{run['updated']}", "yellow"), " ",
                          (f"-{run['removed']}", "grey50")),
            *([safe(ellipsis(clean(run["error_message"]), ERROR_SHOWN_CHARS))] if show_errors else []),
        )
    return table


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


# --- the orders listing: one line per order at any width ------------------------------------------


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


# --- one order as a card ----------------------------------------------------------------------------


def envelope_lines(order: dict[str, Any]) -> list[str]:
    """Given an order, return its address as written on an envelope: the name (customer and
    store), the street, the crossing ("at ..."), "City, ST ZIP", the county."""
    town = ", ".join(x for x in (clean(order.get("city")), " ".join(
        x for x in (clean(order.get("state")), clean(order.get("zip"))) if x)) if x)
    lines = [customer_text(order), clean(order.get("street")),
             f"at {clean(order['intersection'])}" if order.get("intersection") else "", town,
             clean(order.get("county"))]
    return [line for line in lines if line]


def order_card(order: dict[str, Any]):
    """Given one order record, return a card a technician reads at a glance: who and where
    (an envelope address), the next visit with its window and due date, the items, the
    instructions and the links."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = []
    heading = Text(customer_text(order) or clean(order.get("number")), style="bold")
    if order.get("brand"):
        heading.append(f"  ({clean(order['brand'])})", style="dim")
    parts.append(heading)
    kind = " · ".join(x for x in (clean(order.get("category")), clean(order.get("reason")),
                                  clean(order.get("project"))) if x)
    if kind:
        parts.append(Text(kind, style="italic"))
    parts.append(Text(""))
    parts.append(Text("\n".join(envelope_lines(order)[1:] or ["(no address)"])))
    parts.append(Text(""))

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column(overflow="fold")
    if order.get("next_visit_date"):
        visit = Text(_long_date(order["next_visit_date"]), style="bold green")
        if order.get("time_window"):
            visit.append(f", {window_text(order['time_window'])}")
    else:
        visit = Text("none planned", style="grey50")
    if order.get("visits_planned"):
        visit.append(f"  (visit {(order.get('visits_done') or 0) + 1} of {order['visits_planned']})", style="dim")
    facts.add_row("Next visit", visit)
    if order.get("due_date"):
        facts.add_row("Due", Text(_long_date(order["due_date"])))
    if order.get("contact"):
        facts.add_row("Contact", safe(order["contact"]))
    if order.get("completed_at"):
        facts.add_row("Completed", Text(local_text(order["completed_at"]), style="grey50"))
    parts.append(facts)

    items = order.get("items") or []
    if items:
        parts.append(Text(""))
        parts.append(Text("Items", style="bold"))
        for item in items:
            line = Text(f"  {item_text(item)}")
            if item.get("category"):
                line.append(f"  · {clean(item['category'])}", style="dim")
            parts.append(line)
    if order.get("instructions"):
        parts.append(Text(""))
        parts.append(Text("Instructions", style="bold"))
        parts.append(Padding(Text(clean(order["instructions"], multiline=True)), (0, 0, 0, 2)))
    links = [(name, order.get(key)) for name, key in (("Visit", "visit_url"), ("Order", "url")) if order.get(key)]
    if links:
        parts.append(Text(""))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for name, url in links:
            grid.add_row(name, safe(url, "underline"))  # shown, not made a link: no OSC 8 from site text
        parts.append(grid)
    footer = []
    if order.get("created_at"):
        footer.append(f"created {clean(order['created_at']).replace('T', ' ')[:16]}"
                      + (f" by {clean(order['created_by'])}" if order.get("created_by") else ""))
    if order.get("first_seen_at"):
        footer.append(f"first seen {local_text(order['first_seen_at'])}")
    if order.get("last_seen_at"):
        footer.append(f"last seen {local_text(order['last_seen_at'])}")
    if footer:
        parts.append(Text(""))
        parts.append(Text(" · ".join(footer), style="dim"))
    title = Text(clean(order.get("number")), style="bold")
    if order.get("status"):
        title.append(f" · {clean(order['status'])}")
    return Panel(Group(*parts), title=title, title_align="left", expand=False, padding=(0, 1))



# --- the history as a picture -----------------------------------------------------------------------

CELL = "■"
SPARKS = "▁▂▃▄▅▆▇█"
# A day shows at most this many cells; with more runs, one cell stands for several (the worst).
MAX_CELLS = 48


def sparkline(values: list[int | None]) -> str:
    """Given numbers (None: no figure that day), return one block character per value, "·" for None."""
    known = [v for v in values if v is not None]
    if not known:
        return "·" * len(values)
    low, high = min(known), max(known)
    span = high - low
    return "".join(
        "·" if v is None else SPARKS[(len(SPARKS) - 1) * (v - low) // span if span else len(SPARKS) // 2]
        for v in values
    )


_WORST_FIRST = ("failed", "partial", "interrupted", "running", "success")


def run_cells(statuses: list[str], limit: int = MAX_CELLS):
    """Given the statuses of a day's runs (oldest first), return them as a bar of coloured cells:
    one per run, or, past `limit` runs, one per group of runs coloured by the worst of the group."""
    from rich.text import Text

    if not statuses:
        return Text("·", style="grey30")
    size = -(-len(statuses) // limit)
    bar = Text()
    for start in range(0, len(statuses), size):
        group = statuses[start:start + size]
        worst = min(group, key=lambda s: _WORST_FIRST.index(s) if s in _WORST_FIRST else 0)
        bar.append(CELL, style=RESULT_STYLE.get(worst, ""))
    return bar


def history_report(figures: dict[str, Any]):
    """Given wosync.report.history_figures(), return the picture: per day a bar of runs, the
    success rate, median and slowest duration and the active orders; the active orders as a
    sparkline; the last error of each kind with its count."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    days = figures["per_day"]
    table = Table(title=f"Syncs, last {figures['days']} days ({figures['from']} to {figures['to']})",
                  title_justify="left", show_edge=False, pad_edge=False, box=None, padding=(0, 1))
    table.add_column("Day", no_wrap=True)
    table.add_column("Runs", no_wrap=True, overflow="ellipsis")
    table.add_column("OK", justify="right", no_wrap=True)
    table.add_column("Median", justify="right", no_wrap=True)
    table.add_column("Slowest", justify="right", no_wrap=True)
    table.add_column("Orders", justify="right", no_wrap=True)
    for day in days:
        rate = day["success_rate"]
        rate_style = "" if rate is None else ("green" if rate >= 0.9 else "yellow" if rate >= 0.5 else "red")
        table.add_row(
            day["weekday"] + " " + day["date"][5:], run_cells(day["statuses"]),
            Text("-" if rate is None else f"{round(rate * 100)}%", style=rate_style),
            duration_text(day["median_seconds"]), duration_text(day["slowest_seconds"]),
            "-" if day["active_orders"] is None else str(day["active_orders"]),
        )
    total = figures["total"]
    series = [d["active_orders"] for d in days]
    known = [v for v in series if v is not None]
    spark = Text.assemble(("Active orders  ", "bold"), (sparkline(series), "cyan"))
    if known:
        spark.append(f"  {known[0]} → {known[-1]}" if len(known) > 1 else f"  {known[0]}")
    rate = total["success_rate"]
    summary = Text.assemble(
        ("Runs ", "bold"), str(total["runs"]),
        *([("  success ", "bold"), f"{round(rate * 100)}%"] if rate is not None else []),
        ("  median ", "bold"), duration_text(total["median_seconds"]),
        ("  slowest ", "bold"), duration_text(total["slowest_seconds"]),
    )
    legend = Text.assemble(*[part for status in ("success", "partial", "failed", "interrupted", "running")
                             for part in ((CELL, RESULT_STYLE[status]), f" {status}  ")], style="dim")
    parts: list[Any] = [table, Text(""), spark, summary, legend]
    if figures["errors"]:
        parts.append(Text(""))
        parts.append(Text("Last error of each kind", style="bold"))
        errors = Table.grid(padding=(0, 2))
        errors.add_column(no_wrap=True, style="red")
        errors.add_column(justify="right", no_wrap=True)
        errors.add_column(no_wrap=True)
        errors.add_column(overflow="fold")
        for error in figures["errors"]:
            errors.add_row(safe(error["kind"]), f"×{error['count']}", local_text(error["last_at"]),
                           safe(ellipsis(clean(error["last_message"]), ERROR_SHOWN_CHARS)))
        parts.append(errors)
    return Group(*parts)


# --- live progress ----------------------------------------------------------------------------------


def elapsed_text(started_at: str | None, now) -> str:
    """Given a stored start time and now, return "1 min 05 s" style elapsed time."""
    started = from_iso(started_at)
    if started is None:
        return "-"
    return duration_text(max(0.0, (now - started).total_seconds()))


PHASE_LABEL = {
    "initializing": "Starting", "logging_in": "Logging in", "scraping": "Scraping", "saving": "Saving",
    "equipment": "Equipment", "completed": "Completed", "failed": "Failed",
}


def progress_panel(state: dict[str, Any], now, account: str | None = None):
    """Given a visible progress record, return a Rich renderable: bar, phase, found, message, elapsed."""
    from rich.console import Group
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    percentage = int(state.get("percentage") or 0)
    phase = PHASE_LABEL.get(state.get("phase") or "", clean(state.get("phase")) or "idle")
    style = {"failed": "red", "completed": "green"}.get(state.get("status"), "blue")
    bar = ProgressBar(total=100, completed=percentage, width=50, complete_style=style, finished_style=style)
    header = Table.grid(padding=(0, 1))
    header.add_row(Text(f"{phase:<10}", style=f"bold {style}"), Text(f"{percentage:>3}%", style="bold"), bar)
    details = Text.assemble(
        ("found ", "dim"), (str(state.get("work_orders_found") or 0), "bold"),
        ("   elapsed ", "dim"), elapsed_text(state.get("started_at"), now),
        ("   run ", "dim"), str(state.get("run_id") or "-"),
        (f"   {clean(account)}" if account else "", "dim"),
    )
    return Group(header, details, safe(ellipsis(clean(state.get("message")), 300), "italic"))


def result_line(label: str, style: str, text: str):
    """Given a label ("Run 12 success:"), its colour and a run's summary, return them as one Text."""
    from rich.text import Text

    return Text.assemble((clean(label), style), " ", clean(text))


class SyncProgressView:
    """A live progress display on stderr for `wosync sync-now` and `wosync demo`.

    On a terminal: a Rich Live bar redrawn as records arrive. Elsewhere: one plain line per
    phase change (or nothing when quiet), so logs and pipes stay readable.
    """

    def __init__(self, console, quiet: bool = False, clock=None):
        from wosync.clock import system_clock

        self.console = console
        self.quiet = quiet
        self.clock = clock or system_clock
        self.live = None
        self._last_line = None

    def __enter__(self) -> "SyncProgressView":
        if not self.quiet and self.console.is_terminal:
            from rich.live import Live
            from rich.text import Text

            self.live = Live(Text("Starting..."), console=self.console, refresh_per_second=8, transient=True)
            self.live.__enter__()
        return self

    def __call__(self, record: dict[str, Any]) -> None:
        """Show one progress record."""
        if self.quiet:
            return
        if self.live is not None:
            self.live.update(progress_panel(record, self.clock()))
            return
        if record["status"] != "in_progress":
            return  # the caller prints the run's result itself
        line = f"{clean(record['phase'])} {record['percentage']}%: {clean(record['message'])}"
        if line != self._last_line:
            self._last_line = line
            self.console.print(line, markup=False, highlight=False)

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)
            self.live = None



# --- dispensers per location (issue 10) -------------------------------------------------------


def location_title(location: dict[str, Any]) -> str:
    """Given a location (store.list_locations), return "Location 32951 · Wawa #5154 · 123 Main
    St, Tampa · W-129651, W-129655" (its parts cleaned; missing ones left out)."""
    where = " ".join(x for x in (clean(location.get("customer")), clean(location.get("store_number"))) if x)
    address = ", ".join(x for x in (clean(location.get("street")), clean(location.get("city"))) if x)
    orders = list(location.get("orders") or [])
    shown = ", ".join(clean(n) for n in orders[:4]) + (f" and {len(orders) - 4} more" if len(orders) > 4 else "")
    return " · ".join(x for x in (f"Location {location['location_id']}", where, address, shown) if x)


def location_dispensers(location: dict[str, Any], dispensers: list[dict[str, Any]]):
    """Given a location and its stored dispensers, return them under the location's title, one
    block each, readable at any width: the position, then make and model with the serial, the
    grades, and the custom fields (the Grade field only where it says more than the grades);
    or a line saying it has none or was not read yet."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    title = Text(location_title(location), style="bold")
    checked = location.get("equipment_checked_at")
    if not checked:
        return Group(title, Text("  Equipment not read yet: the next sync reads it "
                                 "(or `wosync sync-now --equipment`).", style="grey50"))
    when = f"read {local_text(checked)}"
    if not dispensers:
        return Group(title, Text(f"  No dispensers ({when}).", style="grey50"))
    grid = Table.grid(padding=(0, 2), pad_edge=True)
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    for dispenser in dispensers:
        grades = clean(", ".join(dispenser.get("grades") or []))
        machine = Text(" ".join(x for x in (clean(dispenser.get("make")), clean(dispenser.get("model"))) if x))
        if not dispenser.get("model"):
            machine.append(" (no model)" if machine else "(no make or model)", style="grey50")
        if dispenser.get("serial"):
            machine.append(f" · S/N {clean(dispenser['serial'])}")
        fields = [(clean(k), clean(v)) for k, v in (dispenser.get("fields") or {}).items()]
        shown = " · ".join(f"{k}: {v}" for k, v in fields if not (k == "Grade" and v == grades))
        lines = [machine] + [Text(grades)] * bool(grades) + [Text(shown, style="dim")] * bool(shown)
        grid.add_row(safe(dispenser.get("position")), Text("\n").join(lines))
    count = f"{len(dispensers)} dispenser{'s' if len(dispensers) != 1 else ''}, {when}"
    return Group(title, grid, Text(f"  {count}", style="dim"))
