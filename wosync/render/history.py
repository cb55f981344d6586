"""`wosync history`: the table of runs, and the picture of the last days (`history --report`)."""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text
from wosync.model import FINISHED_STATUSES, RunStatus
from wosync.render.style import RESULT_STYLE, duration_text, safe
from wosync.text import clean, ellipsis

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
                          (f"-{run['removed']}", "grey50"),
                          # Reopened orders and dispenser changes by their own names, when a run has some.
                          *([" ", (f"{run['reopened']} reopened", "cyan")] if run.get("reopened") else []),
                          *([" ", (f"{run['dispensers_changed']} dispenser{'s' if run['dispensers_changed'] != 1 else ''}", "blue")]
                            if run.get("dispensers_changed") else [])),
            *([safe(ellipsis(clean(run["error_message"]), ERROR_SHOWN_CHARS))] if show_errors else []),
        )
    return table


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
        errors.add_column(overflow="fold")
        for error in figures["errors"]:
            errors.add_row(safe(error["kind"]), f"×{error['count']}", local_text(error["last_at"]),
                           safe(ellipsis(clean(error["last_message"]), ERROR_SHOWN_CHARS)))
        parts.append(errors)
    return Group(*parts)
