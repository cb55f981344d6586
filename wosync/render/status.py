"""`wosync status` (drawn without Rich) and `wosync schedule list` (a Rich table)."""

from __future__ import annotations

from typing import Any

from wosync.clock import local_text
from wosync.render.style import RESULT_STYLE, STATE_STYLE, safe
from wosync.render.table import plain_table
from wosync.text import clean


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


def status_text(report: dict[str, Any], width: int, colour: bool, daemon_running: bool) -> str:
    """Given status_report(), the terminal width, whether to colour and whether the daemon's
    process is alive (the caller looks: a view probes no process), return what `wosync status`
    prints: the schedules coloured by state (or how to create one), the running syncs, the
    stored orders and the daemon."""
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
    if daemon and daemon_running:
        parts.append(f"Daemon: running (pid {daemon['pid']}).\n")
    else:
        parts.append("Daemon: not running (start it with `wosync daemon`, or see `wosync install-service`).\n")
    return "".join(parts)
