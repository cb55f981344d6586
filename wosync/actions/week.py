"""`wosync week`: the coming days' visits, read from the stored orders and planned by wosync.week."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wosync import accounts
from wosync.actions import stale_runs


def today_in(zone_name: str, now: datetime) -> date:
    """Given an IANA zone and now, return today's date there."""
    return now.astimezone(ZoneInfo(zone_name)).date()


def week(now: datetime, first: date | None = None, days: int = 7, username: str | None = None) -> dict[str, Any]:
    """Given the time, the first day (default: today in the schedule's time zone, else the
    machine's), how many days and an optional account (default: every account), return the
    plan of wosync.week.plan with "zone", the time zone "today" was read in."""
    from wosync import calendar, week as planning

    with stale_runs.open_store(now, reading=True) as store:
        account = accounts.resolve_account(store, now, username, True).username if username else None
        zone = calendar.zone_for(store, account)
        start = first or today_in(zone, now)
        last = start + timedelta(days=days - 1)
        orders = store.visits_between(start.isoformat(), last.isoformat(), account)
        counts = store.dispenser_counts(account)
    result = planning.plan(orders, lambda o: counts.get((o["account"], o.get("location_id"))), start, days)
    result["zone"] = zone
    return result
