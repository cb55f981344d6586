"""`wosync history`: the table of runs, and the picture of the last days (`history --report`)."""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text
from wosync.model import FINISHED_STATUSES, RunStatus
from wosync.render.sizes import size_text
from wosync.render.style import RESULT_STYLE, duration_text, safe
from wosync.error_text import SUMMARY_CHARS, error_details, error_summary
from wosync.text import cell_width, clean, ellipsis

# Below this width the history is drawn as aligned rows with the error on a line of its own:
# a boxed table's borders leave an error column too narrow to read at 80 columns.
BOXED_MIN_WIDTH = 120
# ...and when the error column would get fewer columns than this (or than the longest summary).
ERROR_MIN_CHARS = 60

# The history table needs this many columns to show how each read was known complete
# beside the rest without squeezing the result (at 80 columns it is left to --json).
HISTORY_READ_COLUMN_WIDTH = 90

# The columns of `history` piped or redirected (tab-separated, one run a line).
PLAIN_HEADERS = ("RUN", "STARTED", "TOOK", "TRIGGER", "RESULT", "ITEMS", "READ", "NEW", "UPDATED", "DONE",
                 "REOPENED", "REMOVED", "DISPENSERS", "RECEIVED", "FALLBACK", "ERROR")


def _changes(run: dict[str, Any]):
    """Given a run, return its counts as a Text: "+new ~updated -done", reopened orders and
    dispenser changes named when it has some."""
    from rich.text import Text

    return Text.assemble((f"+{run['added']}", "green"), " ", (f"~{run['updated']}", "yellow"), " ",
                         (f"-{run['removed']}", "grey50"),
                         *([" ", (f"{run['removed_orders']} removed", "magenta")] if run.get("removed_orders") else []),
                         *([" ", (f"{run['reopened']} reopened", "cyan")] if run.get("reopened") else []),
                         *([" ", (f"{run['dispensers_changed']} dispenser{'s' if run['dispensers_changed'] != 1 else ''}", "blue")]
                           if run.get("dispensers_changed") else []))


def _cells(run: dict[str, Any], show_read: bool, started_format: str = "%Y-%m-%d %H:%M",
           show_bytes: bool = False) -> list[tuple[str, str]]:
    """Given a run, return its cells as (text, style) up to the counts (the error is apart)."""
    changes = _changes(run)
    return [
        (str(run["id"]), ""), (local_text(run["started_at"], started_format), ""),
        (duration_text(run["duration_seconds"]), ""), (clean(run["trigger_type"]), ""),
        (clean(run["status"]), RESULT_STYLE.get(run["status"], "")), (str(run["items_processed"]), ""),
        *([(clean(run.get("completeness") or ""), "")] if show_read else []),
        *([(size_text(run.get("bytes_received")), "")] if show_bytes else []),
        (changes.plain, ""),
    ]


def history_table(runs: list[dict[str, Any]], width: int | None = None):
    """Given run records and the terminal's width (None: wide), return the history: a table
    (started, duration, trigger, result, items, how the read was known complete when the
    width allows, changes, the error's summary) when the width leaves the errors room, else
    the same as aligned rows with each error's summary on the line under its run (always
    below BOXED_MIN_WIDTH). Nothing wraps: a summary is cut with "…" (`history show ID` has
    the whole error)."""
    if width is not None and width < BOXED_MIN_WIDTH:
        return _history_rows(runs, width)
    from rich.table import Table
    from rich.text import Text

    # "count": the orders equal the site's "N matches"; "pager": the last page was reached
    # (the simple pager shows no count); blank: not known complete.
    show_read = width is None or width >= HISTORY_READ_COLUMN_WIDTH
    # What each run received from the site, once runs record it (before, no empty column).
    show_bytes = any(run.get("bytes_received") is not None for run in runs)
    headers = ["Run", "Started (local)", "Took", "Trigger", "Result", "Items", *(["Read"] if show_read else []),
               *(["Received"] if show_bytes else []), "New/Upd/Done"]
    rows = [_cells(run, show_read, show_bytes=show_bytes) for run in runs]
    summaries = [error_summary(run["error_message"]) or "" for run in runs]
    show_errors = any(summaries)  # no empty column eating the width
    error_width = SUMMARY_CHARS
    if show_errors and width is not None:
        used = sum(max([cell_width(h), *(cell_width(r[i][0]) for r in rows)]) for i, h in enumerate(headers))
        # A boxed table: each column costs its padding (2) and a border (1), plus the last border.
        error_width = width - used - 3 * (len(headers) + 1) - 1
        if error_width < min(max(len(s) for s in summaries), ERROR_MIN_CHARS):
            return _history_rows(runs, width)  # too little room: the errors get lines of their own
    table = Table(title="Sync history")
    for header in headers:
        table.add_column(header, justify="right" if header in ("Run", "Items", "Received") else "left", no_wrap=True)
    if show_errors:
        table.add_column("Error", no_wrap=True, overflow="ellipsis")
    for run, cells, summary in zip(runs, rows, summaries):
        shown = [Text(text, style=style) for text, style in cells]
        shown[-1] = _changes(run)
        if show_errors:
            shown.append(Text(ellipsis(summary, error_width)))
        table.add_row(*shown)
    return table


def _history_rows(runs: list[dict[str, Any]], width: int):
    """Given run records and a narrow width, return them as aligned rows (plain.aligned), each
    failed run's error summary on the line under it."""
    from rich.console import Group
    from rich.text import Text

    from wosync.render.plain import aligned

    headers = ["Run", "Started", "Took", "Trigger", "Result", "Items", "New/Upd/Done"]
    rows = [_cells(run, False, "%m-%d %H:%M") for run in runs]
    notes = [(s, "red") if (s := error_summary(run["error_message"])) else None for run in runs]
    body = aligned(headers, rows, notes, width, right=(0, 5))
    return Group(Text("Sync history", style="bold"), body)


def history_plain(runs: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Given run records, return `history` for a pipe: PLAIN_HEADERS and one row per run
    (the start in local time, the bytes received as a number, the fields read by their text
    fallback comma-separated, the error's summary)."""
    return PLAIN_HEADERS, [
        [run["id"], local_text(run["started_at"], "%Y-%m-%d %H:%M"), duration_text(run["duration_seconds"]),
         run["trigger_type"], run["status"], run["items_processed"], run.get("completeness") or "",
         run["added"], run["updated"], run["removed"], run.get("reopened") or 0, run.get("removed_orders") or 0,
         run.get("dispensers_changed") or 0,
         "" if run.get("bytes_received") is None else run["bytes_received"],
         ",".join(sorted(run.get("fallback_fields") or {})), error_summary(run["error_message"]) or ""]
        for run in runs
    ]


def run_card(run: dict[str, Any]):
    """Given a run record, return it as a card for `history show ID`: its times, trigger,
    result and counts, then its whole error (the summary in bold, the details under it)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    fields = [
        ("Account", safe(run.get("account"))),
        ("Trigger", safe(run["trigger_type"] + (f" (schedule {run['schedule_id']})" if run.get("schedule_id") else ""))),
        ("Started", Text(local_text(run["started_at"], "%Y-%m-%d %H:%M:%S"))),
        ("Finished", Text(local_text(run["completed_at"], "%Y-%m-%d %H:%M:%S"))),
        ("Took", Text(duration_text(run["duration_seconds"]))),
        ("Result", safe(run["status"], RESULT_STYLE.get(run["status"], ""))),
        ("Items", Text(str(run["items_processed"]))),
        ("New/Upd/Done", _changes(run)),
        *([("Received", Text(size_text(run["bytes_received"])))] if run.get("bytes_received") is not None else []),
    ]
    if run.get("completeness"):
        fields.append(("Read", safe(run["completeness"])))
    if run.get("error_kind"):
        fields.append(("Error kind", safe(run["error_kind"])))
    for name, value in fields:
        grid.add_row(name, value)
    parts: list[Any] = [Text(f"Run {run['id']}", style="bold"), grid]
    for title, message in (("Error", run.get("error_message")), ("Equipment error", run.get("equipment_error"))):
        if message:
            parts += [Text(""), Text(title, style="bold red"),
                      Text(error_summary(message, len(message) + 1) or "", style="bold")]
            parts += [Text(line) for line in error_details(message)]
    return Group(*parts)


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


_WORST_FIRST = (RunStatus.FAILED, RunStatus.PARTIAL, RunStatus.INTERRUPTED, RunStatus.RUNNING, RunStatus.SUCCESS)


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
    show_bytes = any(day.get("bytes_received") is not None for day in days)
    if show_bytes:  # the day's total received from the site, once runs record it
        table.add_column("Received", justify="right", no_wrap=True)
    for day in days:
        rate = day["success_rate"]
        rate_style = "" if rate is None else ("green" if rate >= 0.9 else "yellow" if rate >= 0.5 else "red")
        table.add_row(
            day["weekday"] + " " + day["date"][5:], run_cells(day["statuses"]),
            Text("-" if rate is None else f"{round(rate * 100)}%", style=rate_style),
            duration_text(day["median_seconds"]), duration_text(day["slowest_seconds"]),
            "-" if day["active_orders"] is None else str(day["active_orders"]),
            *([size_text(day.get("bytes_received"))] if show_bytes else []),
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
        *([("  received ", "bold"), size_text(total["bytes_received"])] if total.get("bytes_received") is not None else []),
    )
    legend = Text.assemble(*[part for status in (*FINISHED_STATUSES, RunStatus.RUNNING)
                             for part in ((CELL, RESULT_STYLE[status]), f" {status}  ")], style="dim")
    parts: list[Any] = [table, Text(""), spark, summary, legend]
    if figures["errors"]:
        parts.append(Text(""))
        parts.append(Text("Last error of each kind", style="bold"))
        errors = Table.grid(padding=(0, 2))
        errors.add_column(no_wrap=True, style="red")
        errors.add_column(justify="right", no_wrap=True)
        errors.add_column(no_wrap=True)
        errors.add_column(no_wrap=True, overflow="ellipsis")  # the summary: `history show` has the rest
        for error in figures["errors"]:
            errors.add_row(safe(error["kind"]), f"×{error['count']}", local_text(error["last_at"]),
                           safe(error_summary(error["last_message"]) or ""))
        parts.append(errors)
    return Group(*parts)
