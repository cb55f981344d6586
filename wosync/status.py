"""What `wosync status` reports: each schedule's state, next run and last result.

Given the store and the current time, return JSON-ready records; render.py colours them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wosync import progress, schedules
from wosync.clock import to_iso
from wosync.store import Store

FAILED_STATUSES = ("failed", "partial", "interrupted")


def schedule_state(row: dict[str, Any], live: dict[str, Any] | None, last_run: dict[str, Any] | None,
                   now: datetime) -> tuple[str, str]:
    """Given a schedule row, its account's visible progress and its newest run, return (state, detail).

    States: syncing (a run in progress), paused, failed (the newest run did not succeed),
    waiting (outside active hours), active.
    """
    if live and live.get("status") == "in_progress":
        return "syncing", f"{live.get('percentage', 0)}% ({live.get('phase')})"
    if not row["enabled"]:
        return "paused", "paused"
    if last_run and last_run["status"] in FAILED_STATUSES:
        return "failed", last_run.get("error_message") or last_run["status"]
    if not schedules.in_window(schedules.rule_from_row(row), now):
        return "waiting", "outside active hours"
    return "active", "active"


def status_report(store: Store, now: datetime) -> dict[str, Any]:
    """Return {"schedules": [...], "syncing": [...], "daemon": {...} | None, "orders": {...}}."""
    live_by_account = {
        row["account"]: progress.visible_state(row, now) for row in store.get_progress()
    }
    accounts = store.list_accounts()
    default_account = accounts[0].username if len(accounts) == 1 else None
    report = []
    for row in store.list_schedules():
        account = row["account"] or default_account
        live = live_by_account.get(account) if account else None
        last_run = store.latest_run(schedule_id=row["id"])
        state, detail = schedule_state(row, live, last_run, now)
        report.append({
            "id": row["id"],
            "account": row["account"],
            "state": state,
            "detail": detail,
            "interval_hours": row["interval_hours"],
            "window": schedules.describe_window(schedules.rule_from_row(row)),
            "enabled": row["enabled"],
            "next_run": row["next_run"],
            "last_run": row["last_run"],
            "last_success": row["last_success"],
            "consecutive_failures": row["consecutive_failures"],
            "last_result": last_run["status"] if last_run else None,
            "last_error": last_run.get("error_message") if last_run else None,
        })
    syncing = [dict(account=a, **s) for a, s in live_by_account.items() if s["status"] != "idle"]
    return {
        "now": to_iso(now),
        "schedules": report,
        "syncing": syncing,
        "daemon": store.get_daemon_state(),
        "orders": store.count_orders(),
    }
