"""`wosync status` (drawn without Rich) and `wosync schedule list` (a Rich table)."""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text
from wosync.render.style import RESULT_STYLE, STATE_STYLE, safe
from wosync.render.table import plain_table
from wosync.text import clean, hours_text


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
            str(row["id"]), safe(row["account"] or "(default)"), hours_text(row["interval_hours"]),
            safe(schedules.describe_window(schedules.rule_from_row(row))),
            Text("enabled", style="green") if row["enabled"] else Text("paused", style="grey50"),
            local_text(row["next_run"]), str(row["consecutive_failures"]),
        )
    return table


def status_text(report: dict[str, Any], width: int, colour: bool, daemon_running: bool | None = None) -> str:
    """Given status_report(), the terminal width and whether to colour, return what `wosync
    status` prints: the schedules coloured by state (or how to create one), the running syncs,
    the stored orders and the daemon (red, with how to start it, when an enabled schedule needs
    it and it does not run). `daemon_running` overrides the report's own verdict (tests)."""
    from wosync.status import how_to_start

    daemon_status = report["daemon_status"]
    running = daemon_status["running"] if daemon_running is None else daemon_running
    parts = []
    if report["schedules"]:
        rows = []
        for item in report["schedules"]:
            state = item["state"] if item["detail"] in (item["state"], None) else f"{item['state']}: {item['detail']}"
            last = item["last_result"] or "never run"
            next_run = local_text(item["next_run"]) if item["enabled"] else "-"
            if item.get("overdue"):
                next_run += " (missed)"
            rows.append([
                (str(item["id"]), ""), (clean(item["account"] or "(default)"), ""),
                (clean(state), STATE_STYLE.get(item["state"], "")), (hours_text(item["interval_hours"]), ""),
                (clean(item["window"]), ""), (next_run, "red" if item.get("overdue") else ""),
                (clean(last), RESULT_STYLE.get(last, "")),
            ])
        parts.append(plain_table("wosync status", ["ID", "Account", "State", "Every", "Active hours",
                                                   "Next run (local)", "Last result"], rows, width, colour,
                                 give_way=(1, 4, 2)))
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
    if daemon and running:
        parts.append(f"Daemon: running (pid {daemon['pid']}).\n")
    elif daemon_status["needed"]:
        missed = sum(1 for item in report["schedules"] if item.get("overdue"))
        why = (f"{missed} scheduled sync{'s' if missed != 1 else ''} missed, and no schedule runs until it starts"
               if missed else "no schedule runs until it starts")
        text = f"Daemon: not running, so {why}; start it with {how_to_start(daemon_status)}."
        parts.append((f"\x1b[31m{text}\x1b[0m" if colour else text) + "\n")
    else:  # nothing needs it now: a plain note
        start = ("`wosync daemon`, or see `wosync install-service`" if len(daemon_status["start"]) > 1
                 else how_to_start(daemon_status))
        parts.append(f"Daemon: not running (start it with {start}).\n")
    return "".join(parts)
