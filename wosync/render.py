"""Rich rendering: tables, state colours and the live progress view. Only cli and this import rich."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from wosync.clock import from_iso, local_text

STATE_STYLE = {"active": "green", "syncing": "blue", "failed": "red", "paused": "grey50", "waiting": "grey50"}
RESULT_STYLE = {"success": "green", "running": "blue", "partial": "yellow", "failed": "red", "interrupted": "red"}


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes} min {secs:02d} s"


def schedules_table(rows: list[dict[str, Any]]) -> Table:
    """Given schedule rows, return a table of id, account, interval, window, state and next run."""
    from wosync import schedules

    table = Table(title="Schedules")
    for column in ("ID", "Account", "Every", "Active hours", "State", "Next run (local)", "Failures"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]), row["account"] or "(default)", f"{row['interval_hours']:g} h",
            schedules.describe_window(schedules.rule_from_row(row)),
            Text("enabled", style="green") if row["enabled"] else Text("paused", style="grey50"),
            local_text(row["next_run"]), str(row["consecutive_failures"]),
        )
    return table


def status_table(report: dict[str, Any]) -> Table:
    """Given status_report(), return the schedules table coloured by state."""
    table = Table(title="wosync status")
    for column in ("ID", "Account", "State", "Every", "Active hours", "Next run (local)", "Last result"):
        table.add_column(column)
    for item in report["schedules"]:
        style = STATE_STYLE.get(item["state"], "")
        state_text = item["state"] if item["detail"] in (item["state"], None) else f"{item['state']}: {item['detail']}"
        last = item["last_result"] or "never run"
        table.add_row(
            str(item["id"]), item["account"] or "(default)", Text(state_text, style=style),
            f"{item['interval_hours']:g} h", item["window"],
            local_text(item["next_run"]) if item["enabled"] else "-",
            Text(last, style=RESULT_STYLE.get(last, "")),
        )
    return table


def history_table(runs: list[dict[str, Any]]) -> Table:
    """Given run records, return the history table (started, duration, trigger, result, items, changes, error)."""
    table = Table(title="Sync history")
    table.add_column("Run", justify="right")
    table.add_column("Started (local)", no_wrap=True)
    table.add_column("Took", no_wrap=True)
    table.add_column("Trigger")
    table.add_column("Result")
    table.add_column("Items", justify="right")
    table.add_column("New/Upd/Done", no_wrap=True)
    show_errors = any(run["error_message"] for run in runs)  # no empty column eating the width
    if show_errors:
        table.add_column("Error", overflow="fold")
    for run in runs:
        table.add_row(
            str(run["id"]), local_text(run["started_at"], "%Y-%m-%d %H:%M"), _duration(run["duration_seconds"]),
            run["trigger_type"], Text(run["status"], style=RESULT_STYLE.get(run["status"], "")),
            str(run["items_processed"]),
            Text.assemble((f"+{run['added']}", "green"), " ", (f"~{run['updated']}", "yellow"), " ",
                          (f"-{run['removed']}", "grey50")),
            *([run["error_message"] or ""] if show_errors else []),
        )
    return table


def orders_table(orders: list[dict[str, Any]], title: str) -> Table:
    """Given order records, return a compact table (number, status, customer, store, city, next visit)."""
    table = Table(title=title)
    for column in ("Number", "Status", "Customer", "Store", "City", "Next visit", "Due", "Completed"):
        table.add_column(column, overflow="fold")
    for order in orders:
        table.add_row(
            order["number"], order["status"] or "", order["customer"] or "", order["store_number"] or "",
            ", ".join(x for x in (order["city"], order["state"]) if x),
            " ".join(x for x in (order["next_visit_date"], f"({order['time_window']})" if order["time_window"] else None) if x),
            order["due_date"] or "", local_text(order["completed_at"]) if order["completed_at"] else "",
        )
    return table


def order_detail(order: dict[str, Any]) -> Table:
    """Given one order record, return a two-column table of every field."""
    table = Table(title=order["number"], show_header=False)
    table.add_column("Field", style="bold")
    table.add_column("Value", overflow="fold")
    for name, value in order.items():
        if name == "items":
            value = "\n".join(
                f"{i.get('quantity')} x {i.get('name')}" + (f" ({i['code']})" if i.get("code") else "")
                + (f" [{i['category']}]" if i.get("category") else "")
                for i in value
            )
        elif name in ("first_seen_at", "last_seen_at", "completed_at") and value:
            value = local_text(value, "%Y-%m-%d %H:%M:%S")
        table.add_row(name, "" if value is None else str(value))
    return table


def changes_table(changes: list[dict[str, Any]], run_id: int | None) -> Table:
    """Given change records, return a table of number, kind, customer and the fields old -> new."""
    table = Table(title=f"Changes of run {run_id}" if run_id else "Changes")
    for column in ("Number", "Change", "Customer", "Store", "Fields (old -> new)"):
        table.add_column(column, overflow="fold")
    style = {"new": "green", "updated": "yellow", "completed": "grey50", "reopened": "cyan"}
    for change in changes:
        fields = "\n".join(f"{k}: {_short(v[0])} -> {_short(v[1])}" for k, v in change["fields"].items())
        table.add_row(change["number"], Text(change["kind"], style=style.get(change["kind"], "")),
                      change.get("customer") or "", change.get("store_number") or "", fields)
    return table


def _short(value: Any, limit: int = 60) -> str:
    text = "empty" if value in (None, "", []) else str(value).replace("\n", " / ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def elapsed_text(started_at: str | None, now) -> str:
    """Given a stored start time and now, return "1 min 05 s" style elapsed time."""
    started = from_iso(started_at)
    if started is None:
        return "-"
    return _duration(max(0.0, (now - started).total_seconds()))


PHASE_LABEL = {
    "initializing": "Starting", "logging_in": "Logging in", "scraping": "Scraping", "saving": "Saving",
    "completed": "Completed", "failed": "Failed",
}


def progress_panel(state: dict[str, Any], now, account: str | None = None):
    """Given a visible progress record, return a Rich renderable: bar, phase, found, message, elapsed."""
    from rich.console import Group
    from rich.progress_bar import ProgressBar

    percentage = int(state.get("percentage") or 0)
    phase = PHASE_LABEL.get(state.get("phase") or "", state.get("phase") or "idle")
    style = {"failed": "red", "completed": "green"}.get(state.get("status"), "blue")
    bar = ProgressBar(total=100, completed=percentage, width=50, complete_style=style, finished_style=style)
    header = Table.grid(padding=(0, 1))
    header.add_row(Text(f"{phase:<10}", style=f"bold {style}"), Text(f"{percentage:>3}%", style="bold"), bar)
    details = Text.assemble(
        ("found ", "dim"), (str(state.get("work_orders_found") or 0), "bold"),
        ("   elapsed ", "dim"), elapsed_text(state.get("started_at"), now),
        ("   run ", "dim"), str(state.get("run_id") or "-"),
        (f"   {account}" if account else "", "dim"),
    )
    return Group(header, details, Text(state.get("message") or "", style="italic"))


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
        line = f"{record['phase']} {record['percentage']}%: {record['message']}"
        if line != self._last_line:
            self._last_line = line
            self.console.print(line, markup=False, highlight=False)

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)
            self.live = None
