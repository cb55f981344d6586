"""schedule_rules.on_clock_jump: every schedule's next run planned again from now after the
wall clock jumped, backward (a day) or forward (a suspend), as a pure rule."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from wosync.clock import to_iso
from wosync.schedule_rules import on_clock_jump

UTC = timezone.utc
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def row(last_run, next_run, interval=1.0, enabled=1, window=(None, None)) -> dict:
    """A schedules row as the store returns it (times as UTC ISO text)."""
    return {"id": 1, "enabled": enabled, "interval_hours": interval, "active_start_hour": window[0],
            "active_end_hour": window[1], "timezone": "UTC", "last_run": to_iso(last_run),
            "next_run": to_iso(next_run), "consecutive_failures": 0}


def test_after_the_clock_went_back_a_day_the_next_run_is_one_interval_away_not_a_day():
    # Before the jump: last run 12:00 tomorrow-to-be, next 13:00; now the clock says a day earlier.
    last = NOW + timedelta(days=1)
    changes = on_clock_jump(row(last, last + timedelta(hours=1)), NOW)
    assert changes == {"next_run": NOW + timedelta(hours=1)}


def test_after_a_forward_jump_a_missed_run_is_due_once_now():
    last = NOW - timedelta(hours=5)
    # The stored next run (4 h ago) is already due: it is kept and runs once now.
    assert on_clock_jump(row(last, last + timedelta(hours=1)), NOW) == {}
    # A next run far ahead (a bad plan) is brought back to the one catch-up: now.
    assert on_clock_jump(row(last, NOW + timedelta(days=3)), NOW) == {"next_run": NOW}


def test_a_pending_retry_earlier_than_the_plan_is_kept():
    last = NOW - timedelta(minutes=10)
    assert on_clock_jump(row(last, NOW + timedelta(minutes=2)), NOW) == {}


def test_a_schedule_that_never_ran_is_due_now_inside_its_window_and_paused_ones_stay_paused():
    assert on_clock_jump(row(None, NOW + timedelta(days=1)), NOW) == {"next_run": NOW}
    outside = on_clock_jump(row(None, NOW + timedelta(days=2), window=(14, 18)), NOW)
    assert outside == {"next_run": datetime(2026, 12, 6, 14, 0, tzinfo=UTC)}
    assert on_clock_jump(row(NOW, None, enabled=0), NOW) == {}
