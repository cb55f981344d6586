"""The daemon's loop after a jump of the wall clock, driven by a fake wall clock and a fake
monotonic clock: every schedule's next run is planned again from now."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from wosync import schedules
from wosync.clock import from_iso
from wosync.daemon import Daemon
from wosync.store import Store

UTC = timezone.utc
USER = "tech@example.com"


class Clocks:
    """A wall clock and a monotonic clock that stand still until the test moves them."""

    def __init__(self, start: datetime):
        self.wall, self.mono = start, 1000.0

    def __call__(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float, wall_jump: timedelta = timedelta()) -> None:
        """Let `seconds` pass on both clocks, and move the wall clock by `wall_jump` more."""
        self.mono += seconds
        self.wall += timedelta(seconds=seconds) + wall_jump


@pytest.fixture
def store(wosync_home):
    with Store() as opened:
        yield opened


def _daemon(store: Store, clocks: Clocks) -> Daemon:
    daemon = Daemon(clock=clocks, store_factory=lambda: store, monotonic=clocks.monotonic, poll_seconds=3600)
    daemon.store = store  # driven turn by turn below, without run()
    return daemon


def _schedule_that_just_ran(store: Store, now: datetime) -> dict:
    store.ensure_account(USER, "http://127.0.0.1:9", now)
    row = store.create_schedule(USER, 1.0, None, None, "UTC", True, now + timedelta(hours=1), now)
    return store.update_schedule(row["id"], now, last_run=now, next_run=now + timedelta(hours=1))


@pytest.mark.parametrize("jump", [timedelta(days=-1), timedelta(days=1)], ids=["back a day", "forward a day"])
def test_a_clock_jump_plans_every_next_run_again_from_now(store, jump):
    clocks = Clocks(datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    row = _schedule_that_just_ran(store, clocks())
    daemon = _daemon(store, clocks)
    daemon._check_clock()  # the first reading
    clocks.advance(2, wall_jump=jump)

    daemon._check_clock()

    next_run = from_iso(store.get_schedule(row["id"])["next_run"])
    now = clocks()
    if jump < timedelta():
        assert next_run == now + timedelta(hours=1)  # one interval from now, not a day and an hour
    else:
        assert next_run <= now  # the run missed while the clock was ahead is due at once
    assert daemon.scheduler.get_jobs("due"), "the due job was rebuilt"


def test_ordinary_drift_changes_no_plan(store):
    clocks = Clocks(datetime(2026, 12, 6, 12, 0, tzinfo=UTC))
    row = _schedule_that_just_ran(store, clocks())
    daemon = _daemon(store, clocks)
    daemon._check_clock()
    clocks.advance(2, wall_jump=timedelta(seconds=1))
    daemon._check_clock()
    assert store.get_schedule(row["id"])["next_run"] == row["next_run"]
