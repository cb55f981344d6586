"""The figures of `wosync history --report`: per local day, the runs, their success rate, the
median and slowest duration and the active orders; over the whole span the same, plus the last
error of each kind with its count.

Pure: given run records and the current time, return JSON-ready dicts; wosync.render draws them.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Iterable

from wosync.clock import from_iso
from wosync.model import FINISHED_STATUSES as FINISHED, RunStatus


def local_day(stamp: str, zone: tzinfo | None = None) -> date:
    """Given a stored UTC time, return its date in local time (the machine's unless `zone`)."""
    return from_iso(stamp).astimezone(zone).date()


def _figures(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Given runs, return their count, status counts, success rate and median/slowest seconds."""
    finished = [r for r in runs if r["status"] in FINISHED]
    durations = [r["duration_seconds"] for r in finished if r.get("duration_seconds") is not None]
    counts = {status: sum(1 for r in runs if r["status"] == status) for status in (*FINISHED, RunStatus.RUNNING)}
    return {
        "runs": len(runs),
        "counts": counts,
        "success_rate": round(counts[RunStatus.SUCCESS] / len(finished), 4) if finished else None,
        "median_seconds": round(statistics.median(durations), 3) if durations else None,
        "slowest_seconds": round(max(durations), 3) if durations else None,
        # What the runs received from the site (None: none of them was counted).
        "bytes_received": sum(received) if (received := [r["bytes_received"] for r in runs
                                                         if r.get("bytes_received") is not None]) else None,
    }


def history_figures(runs: Iterable[dict[str, Any]], now: datetime, days: int,
                    zone: tzinfo | None = None) -> dict[str, Any]:
    """Given run records (any order), the current time and a number of days, return the report
    over the last `days` local days (today included):

    {"days", "from", "to", "total": {runs, counts, success_rate, median_seconds, slowest_seconds,
     bytes_received},
     "per_day": [{date, weekday, statuses, run_ids, <the same figures>, active_orders}],
     "errors": [{kind, count, last_message, last_at, last_run_id}]}

    A day's `active_orders` is what its last successful run read (a complete read: every
    active order), None on a day without one. Durations are those of finished runs; the success
    rate is successes over finished runs. Errors are grouped by error_kind (else the status),
    newest first.
    """
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    by_day: dict[date, list[dict[str, Any]]] = {first + timedelta(days=i): [] for i in range(days)}
    for run in sorted(runs, key=lambda r: (r["started_at"], r["id"])):
        day = local_day(run["started_at"], zone)
        if day in by_day:
            by_day[day].append(run)
    in_span = [run for day_runs in by_day.values() for run in day_runs]
    per_day = []
    for day, day_runs in by_day.items():
        successes = [r for r in day_runs if r["status"] == RunStatus.SUCCESS]
        per_day.append({
            "date": day.isoformat(),
            "weekday": day.strftime("%a"),
            "statuses": [r["status"] for r in day_runs],
            "run_ids": [r["id"] for r in day_runs],
            **_figures(day_runs),
            "active_orders": successes[-1]["items_processed"] if successes else None,
        })
    errors: dict[str, dict[str, Any]] = {}
    for run in in_span:
        if run["status"] in (RunStatus.SUCCESS, RunStatus.RUNNING):
            continue
        kind = run.get("error_kind") or run["status"]
        entry = errors.setdefault(kind, {"kind": kind, "count": 0})
        entry["count"] += 1
        entry.update(last_message=run.get("error_message"), last_at=run["started_at"], last_run_id=run["id"])
    return {
        "days": days,
        "from": first.isoformat(),
        "to": today.isoformat(),
        "total": _figures(in_span),
        "per_day": per_day,
        "errors": sorted(errors.values(), key=lambda e: (e["last_at"], e["last_run_id"]), reverse=True),
    }
