"""`wosync changes`: a run's changes, each with what it means for the schedule (wosync.change_kinds)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wosync.actions import stale_runs
from wosync.change_kinds import ScheduleChange, classify


def changes(now: datetime, run_id: int | None = None,
            username: str | None = None) -> tuple[list[dict[str, Any]], list[ScheduleChange]]:
    """Given the time, an optional run id (default: the newest run with changes) and account,
    return (that run's change rows, one ScheduleChange per row in the same order).

    "Today" is read in the account's schedule's time zone (else the machine's); whether a day
    is busy is judged on the visits stored now.
    """
    from wosync.actions.week import today_in
    from wosync.calendar import zone_for

    with stale_runs.open_store(now, reading=True) as store:
        rows = store.list_changes(run_id, account=username)
        if not rows:
            return rows, []
        account = rows[0]["account"]  # a run belongs to one account
        places = store.order_places(account, [r["number"] for r in rows])
        visit_counts = store.visit_day_counts(account)
        dispensers = {lid: n for (_, lid), n in store.dispenser_counts(account).items()}
        today = today_in(zone_for(store, account), now)
    nowhere = {"city": None, "location_id": None, "completed_at": None}  # a location's row, a purged order
    described = [{**row, **places.get(row["number"], nowhere)} for row in rows]
    return rows, classify(described, today, visit_counts, dispensers)
