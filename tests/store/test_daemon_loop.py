"""The daemon's decisions, driven by a fake clock: which schedule runs when, and what comes next.

Real SQLite files in a temporary folder and the real `run_sync`; only the scraper is replaced by
a scripted source (success, site down, password rejected), so these run in milliseconds. The
last tests run the real loop (`Daemon.run`) in a thread with the real clock, still without a
browser. The browser and process behaviour is in test_daemon_process.py.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from wosync import config, schedules
from wosync.clock import from_iso
from wosync.daemon import Daemon, run_schedule, status_line
from wosync.schedule_rules import clock_jump, due_schedules, plan_after_run, when_text
from wosync.locks import FileLock, account_lock_path
from wosync.sdnotify import Notifier
from wosync.store import Store
from wosync.sync import run_sync
from wosync.workfossa.errors import CredentialsRejected, SiteUnreachable
from support.waiting import wait_for

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
USER = "tech@example.com"


class FakeClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)


@dataclass
class ScriptedSource:
    """A stand-in for the scraper: returns no orders, or raises the next scripted error."""

    errors: list = field(default_factory=list)
    calls: int = 0

    def __call__(self, account, password, on_page, cancel):
        self.calls += 1
        if self.errors:
            error = self.errors.pop(0)
            if error is not None:
                raise error
        return _Outcome()


@dataclass
class _Outcome:
    orders: list = field(default_factory=list)
    matches: int = 0
    rows_read: int = 0


@pytest.fixture
def store(wosync_home):
    with Store() as opened:
        yield opened


def add_schedule(store: Store, now: datetime, account: str | None = USER, interval: float = 1.0,
                 window: tuple[int, int] | None = None, zone: str = "UTC") -> dict:
    """Create a schedule as `wosync schedule create` does: next run = first_run(now)."""
    if account:
        store.ensure_account(account, "http://127.0.0.1:9", now)
    start, end = window or (None, None)
    rule = schedules.ScheduleRule(interval, start, end, zone)
    return store.create_schedule(account, interval, start, end, zone, True, schedules.first_run(rule, now), now)


def run_due(store: Store, clock: FakeClock, source: ScriptedSource, **kwargs):
    """Run the most overdue schedule once, as the daemon's worker does; return its outcome."""
    due = due_schedules(store.list_schedules(enabled_only=True), clock())
    assert due, f"nothing is due at {clock()}"
    sync = functools.partial(run_sync, source=source)
    return run_schedule(store, due[0]["id"], clock, sync=sync, random_fraction=lambda: 0.0, **kwargs)


def next_run_of(store: Store, schedule_id: int) -> datetime:
    return from_iso(store.get_schedule(schedule_id)["next_run"])


# --- when a schedule runs --------------------------------------------------------------------


def test_a_new_schedule_runs_at_once_then_every_interval(store):
    clock = FakeClock(datetime(2026, 3, 10, 9, 15, tzinfo=UTC))
    row = add_schedule(store, clock())
    assert [r["id"] for r in due_schedules(store.list_schedules(), clock())] == [row["id"]]

    outcome = run_due(store, clock, ScriptedSource())

    assert outcome.status == "success"
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 10, 10, 15, tzinfo=UTC)
    assert due_schedules(store.list_schedules(), clock()) == []
    clock.set(datetime(2026, 3, 10, 10, 15, tzinfo=UTC))
    assert len(due_schedules(store.list_schedules(), clock())) == 1
    assert store.latest_run(schedule_id=row["id"])["trigger_type"] == "scheduled"


def test_outside_its_window_a_schedule_waits_for_the_window_start(store):
    clock = FakeClock(datetime(2026, 3, 10, 23, 30, tzinfo=BERLIN))
    row = add_schedule(store, clock(), window=(6, 22), zone="Europe/Berlin")
    opening = datetime(2026, 3, 11, 6, 0, tzinfo=BERLIN)
    assert next_run_of(store, row["id"]) == opening

    clock.set(opening - timedelta(minutes=1))
    assert due_schedules(store.list_schedules(), clock()) == []
    clock.set(opening)
    run_due(store, clock, ScriptedSource())
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 11, 7, 0, tzinfo=BERLIN)

    # The last run of the day: the next one would fall at 22:30, after the window closed.
    clock.set(datetime(2026, 3, 11, 21, 30, tzinfo=BERLIN))
    store.update_schedule(row["id"], clock(), next_run=clock())
    run_due(store, clock, ScriptedSource())
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 12, 6, 0, tzinfo=BERLIN)


def test_an_overnight_window_runs_across_midnight_and_pauses_by_day(store):
    clock = FakeClock(datetime(2026, 3, 10, 23, 0, tzinfo=NEW_YORK))
    row = add_schedule(store, clock(), window=(22, 6), zone="America/New_York")
    run_due(store, clock, ScriptedSource())
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 11, 0, 0, tzinfo=NEW_YORK)

    clock.set(datetime(2026, 3, 11, 5, 30, tzinfo=NEW_YORK))
    store.update_schedule(row["id"], clock(), next_run=clock())
    run_due(store, clock, ScriptedSource())
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 11, 22, 0, tzinfo=NEW_YORK)


def test_after_downtime_a_schedule_catches_up_once_not_once_per_missed_interval(store):
    clock = FakeClock(datetime(2026, 3, 10, 8, 0, tzinfo=UTC))
    row = add_schedule(store, clock())
    run_due(store, clock, ScriptedSource())  # 08:00, next 09:00
    source = ScriptedSource()

    clock.set(datetime(2026, 3, 10, 13, 20, tzinfo=UTC))  # the daemon was down (or asleep) 09:00-13:20
    assert [r["id"] for r in due_schedules(store.list_schedules(), clock())] == [row["id"]]
    run_due(store, clock, source)

    assert source.calls == 1
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 10, 14, 20, tzinfo=UTC)
    assert due_schedules(store.list_schedules(), clock()) == []


# --- failures --------------------------------------------------------------------------------


def test_failures_are_retried_after_1_2_4_8_minutes_up_to_the_interval_then_reset(store):
    clock = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    row = add_schedule(store, clock(), interval=1.0)
    source = ScriptedSource(errors=[SiteUnreachable("WorkFossa is not reachable") for _ in range(8)])

    waits, failures = [], []
    for _ in range(8):
        started = clock()
        outcome = run_due(store, clock, source)
        assert outcome.status == "failed"
        waits.append((outcome.next_run - started) / timedelta(minutes=1))
        failures.append(store.get_schedule(row["id"])["consecutive_failures"])
        clock.set(outcome.next_run)

    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert failures == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [r["trigger_type"] for r in reversed(store.list_runs())] == ["scheduled"] + ["retry"] * 7

    started = clock()
    outcome = run_due(store, clock, source)  # the site is back
    assert outcome.status == "success"
    assert store.get_schedule(row["id"])["consecutive_failures"] == 0
    assert outcome.next_run == started + timedelta(hours=1)


def test_rejected_credentials_are_not_retried_before_the_next_regular_run(store):
    clock = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    row = add_schedule(store, clock(), interval=2.0)
    outcome = run_due(store, clock, ScriptedSource(errors=[CredentialsRejected(USER)]))

    assert outcome.status == "failed"
    assert store.get_run(outcome.run_id)["error_kind"] == "credentials_rejected"
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    assert store.get_schedule(row["id"])["consecutive_failures"] == 1


def test_a_missing_password_waits_for_the_next_regular_run_too(store, monkeypatch, tmp_path):
    clock = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    row = add_schedule(store, clock(), account="nobody-stored@example.com", interval=1.0)
    # An empty keyring file: no password anywhere.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "keyring"))

    def source_that_needs_the_password(account, password, on_page, cancel):
        password()
        raise AssertionError("a password was found where none is stored")

    sync = functools.partial(run_sync, source=source_that_needs_the_password)
    outcome = run_schedule(store, row["id"], clock, sync=sync, random_fraction=lambda: 0.0)

    assert outcome.status == "failed"
    assert store.get_run(outcome.run_id)["error_kind"].startswith("credentials")
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def test_a_schedule_without_an_account_counts_a_failure_and_waits_a_whole_interval(store):
    clock = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    row = add_schedule(store, clock(), account=None, interval=1.0)  # no account recorded at all
    outcome = run_due(store, clock, ScriptedSource())

    assert outcome.status == "not_run" and outcome.run_id is None
    assert store.list_runs() == []
    assert store.get_schedule(row["id"])["consecutive_failures"] == 1
    assert next_run_of(store, row["id"]) == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def test_a_failing_account_never_stops_the_others(store):
    clock = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    failing = add_schedule(store, clock(), account="broken@example.com")
    healthy = add_schedule(store, clock(), account="fine@example.com")

    first = run_due(store, clock, ScriptedSource(errors=[SiteUnreachable("connection refused")]))
    second = run_due(store, clock, ScriptedSource())

    assert (first.schedule_id, first.status) == (failing["id"], "failed")
    assert (second.schedule_id, second.status) == (healthy["id"], "success")


def test_an_account_synced_by_another_process_is_skipped_without_counting_a_failure(store):
    clock = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    row = add_schedule(store, clock())
    other = FileLock(account_lock_path(config.locks_dir(), USER), "a sync")
    other.acquire(clock())  # as `wosync sync-now` would hold it
    try:
        source = ScriptedSource()
        outcome = run_due(store, clock, source)
    finally:
        other.release()

    assert outcome.status == "skipped" and source.calls == 0
    assert store.get_schedule(row["id"])["consecutive_failures"] == 0
    assert outcome.next_run == clock() + timedelta(minutes=1)


def test_a_schedule_paused_during_its_run_gets_no_next_run(store):
    clock = FakeClock(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    row = add_schedule(store, clock())

    def pausing_source(account, password, on_page, cancel):
        store.update_schedule(row["id"], clock(), enabled=0, next_run=None)  # `wosync schedule pause`
        return _Outcome()

    outcome = run_due(store, clock, pausing_source)
    assert outcome.status == "success" and outcome.next_run is None
    assert store.get_schedule(row["id"])["next_run"] is None


def test_a_sync_interrupted_by_a_stopping_daemon_runs_again_at_the_next_start():
    rule = schedules.ScheduleRule(1.0)
    now = datetime(2026, 3, 10, 9, 5, tzinfo=UTC)
    run = {"status": "interrupted", "error_kind": "interrupted", "started_at": "2026-03-10T09:00:00Z"}
    assert plan_after_run(rule, run, 1, now, 0.0, stopping=True) == now
    # Interrupted without a stop (someone killed the browser): an ordinary retry.
    assert plan_after_run(rule, run, 1, now, 0.0, stopping=False) == now + timedelta(minutes=1)


# --- clock jumps and the status line ---------------------------------------------------------


def test_a_wall_clock_jump_is_told_apart_from_ordinary_drift():
    assert clock_jump(2.0, 2.3) is None
    assert clock_jump(2.0, 2.0 + 2 * 3600) == pytest.approx(7200)  # suspended for two hours
    assert clock_jump(2.0, 2.0 - 3600) == pytest.approx(-3600)  # clock set back an hour


def test_the_status_line_says_what_the_daemon_does():
    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert status_line({"phase": "scraping", "percentage": 45}, None, now) == "syncing 45% (scraping)"
    assert status_line(None, datetime(2026, 3, 10, 14, 30, tzinfo=UTC), now, UTC) == "idle; next sync 14:30"
    assert status_line(None, datetime(2026, 3, 11, 6, 0, tzinfo=UTC), now, UTC) == "idle; next sync 2026-03-11 06:00"
    assert status_line(None, None, now) == "idle; no schedule enabled"
    assert when_text(datetime(2026, 3, 10, 14, 30, tzinfo=UTC), now, BERLIN) == "15:30"


# --- the real loop, in a thread, without a browser ------------------------------------------


# How long a test waits for the daemon to do what it must do within a second or two. Generous
# on purpose: on a loaded CI machine a thread can wait seconds for a CPU, and a deadline is only
# there to end a test that would otherwise hang; the waits end on the event itself, not on a poll.
DEADLINE = 60


class GatedSource:
    """A source that waits until the test opens its gate, counting how many run at once.

    `started` is set the moment a sync reaches the source (the signal a test waits on).
    """

    def __init__(self):
        self.gate = threading.Event()
        self.started = threading.Event()
        self.lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.calls = 0

    def __call__(self, account, password, on_page, cancel):
        with self.lock:
            self.running += 1
            self.calls += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.started.set()
        try:
            while not self.gate.wait(0.05):
                if cancel is not None and cancel.is_set():
                    from wosync.errors import Interrupted

                    raise Interrupted("cancelled")
            return _Outcome()
        finally:
            with self.lock:
                self.running -= 1



class ReadyNotifier(Notifier):
    """A Notifier without systemd that records READY=1 as an event (the daemon's own "I serve")."""

    def __init__(self):
        super().__init__(environ={})
        self.is_ready = threading.Event()

    def ready(self, status=None):
        self.is_ready.set()
        return super().ready(status)


def start_daemon(source: "GatedSource", poll_seconds: float) -> tuple[Daemon, threading.Thread]:
    """Start a Daemon (real clock, real store, `source`) in a thread; return once it serves.

    Waiting for READY=1 first is what keeps a test's deadline for "the sync starts" from also
    counting the daemon's start-up (creating and migrating the database, which the test's own
    store races it for), which on a loaded machine can take seconds.
    """
    notifier = ReadyNotifier()
    daemon = Daemon(notifier=notifier, sync=functools.partial(run_sync, source=source), poll_seconds=poll_seconds)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    assert notifier.is_ready.wait(DEADLINE), "the daemon did not start"
    return daemon, thread


@pytest.fixture
def loop(wosync_home):
    """Start a Daemon (real clock, real store, a gated source) in a thread; stop it afterwards."""
    source = GatedSource()
    daemon, thread = start_daemon(source, poll_seconds=0.2)
    yield daemon, source
    source.gate.set()
    daemon.request_stop("test over")
    thread.join(DEADLINE)
    assert not thread.is_alive()


def test_the_loop_runs_one_sync_at_a_time_across_schedules(loop, store):
    daemon, source = loop
    now = datetime.now(UTC)
    for account in ("a@example.com", "b@example.com", "c@example.com"):
        add_schedule(store, now, account=account)

    assert source.started.wait(DEADLINE), "the first sync did not start"
    assert source.calls == 1 and len(store.running_runs()) == 1
    source.gate.set()
    wait_for(lambda: len([r for r in store.list_runs() if r["status"] == "success"]) == 3, DEADLINE, "three syncs")
    assert source.most_at_once == 1
    assert {r["account"] for r in store.list_runs()} == {"a@example.com", "b@example.com", "c@example.com"}


def test_the_loop_stops_a_running_sync_and_records_it_interrupted(loop, store):
    daemon, source = loop
    row = add_schedule(store, datetime.now(UTC))
    assert source.started.wait(DEADLINE), "the sync did not start"

    daemon.request_stop("SIGTERM")

    run = wait_for(lambda: (store.latest_run() or {}).get("status") == "interrupted" and store.latest_run(),
                   DEADLINE, "the run to be recorded interrupted")
    assert run["schedule_id"] == row["id"]
    # Due again at once, so the next start of the daemon runs it (once).
    assert next_run_of(store, row["id"]) <= datetime.now(UTC)
    assert wait_for(lambda: (store.get_daemon_state() or {}).get("status") == "stopped", DEADLINE, "the stopped state")


def test_a_reload_request_sighup_replans_at_once_without_waiting_for_the_poll(wosync_home, store):
    source = GatedSource()
    source.gate.set()
    daemon, thread = start_daemon(source, poll_seconds=3600)  # no polling: only the reload can tell it
    try:
        assert (store.get_daemon_state() or {}).get("status") == "idle; no schedule enabled"
        add_schedule(store, datetime.now(UTC))
        daemon.request_reload()
        assert source.started.wait(DEADLINE), "the new schedule did not run after the reload"
    finally:
        daemon.request_stop("test over")
        thread.join(DEADLINE)
    assert not thread.is_alive()


def test_a_pause_that_lands_as_a_sync_ends_is_logged_as_a_reload(wosync_home, store, monkeypatch, caplog):
    # The race CI once met: `schedule pause` written after the ending run read its schedule (so
    # its line says "next run 03:25") and before the loop's next poll; the re-plan after the run
    # then saw the change, quietly, and nothing in the log said the schedule was paused.
    from wosync.daemon import schedule_run

    describe = schedule_run._describe_next

    def pause_then_describe(moment, now):
        with Store() as other:  # `wosync schedule pause` from another process, in effect
            other.update_schedule(row["id"], datetime.now(UTC), enabled=0, next_run=None)
        return describe(moment, now)

    monkeypatch.setattr(schedule_run, "_describe_next", pause_then_describe)
    caplog.set_level("INFO")
    source = GatedSource()
    source.gate.set()
    daemon, thread = start_daemon(source, poll_seconds=3600)  # no polling: only the re-plan can tell
    try:
        row = add_schedule(store, datetime.now(UTC))
        daemon.request_reload()
        wait_for(lambda: (store.get_daemon_state() or {}).get("status") == "idle; no schedule enabled"
                 and source.calls == 1, DEADLINE, "the run to end and the pause to be seen")
    finally:
        daemon.request_stop("test over")
        thread.join(DEADLINE)
    assert not thread.is_alive()
    reloads = [r.getMessage() for r in caplog.records if r.getMessage().startswith("schedules reloaded")]
    assert reloads[-1] == "schedules reloaded: 0 enabled; next sync none"


# --- logging ---------------------------------------------------------------------------------


def test_the_log_file_rotates_and_stays_private(tmp_path):
    import logging

    from wosync.logs import OneLineFormatter, PrivateRotatingFileHandler

    path = tmp_path / "logs" / "wosync.log"
    path.parent.mkdir()
    handler = PrivateRotatingFileHandler(path, maxBytes=2000, backupCount=2, encoding="utf-8")
    handler.setFormatter(OneLineFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("wosync.test-rotation")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        for index in range(200):  # about 7 kB: three rotations
            logger.info("schedule 1: success: line %03d", index)
        try:
            raise SiteUnreachable("cannot reach WorkFossa")
        except SiteUnreachable:
            logger.exception("schedule 1: failed")  # even with exc_info: no traceback lines
    finally:
        logger.removeHandler(handler)
        handler.close()

    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["wosync.log", "wosync.log.1", "wosync.log.2"]
    assert all((path.parent / name).stat().st_mode & 0o777 == 0o600 for name in files)
    assert all((path.parent / name).stat().st_size <= 2000 for name in files)
    current = path.read_text()
    assert "line 199" in current
    assert "INFO schedule 1: success: line 199" in current
    assert current.rstrip().endswith("ERROR schedule 1: failed\nSiteUnreachable: cannot reach WorkFossa")
    assert "Traceback" not in current


# --- a damaged database ------------------------------------------------------------------------


def test_a_sync_that_finds_the_database_damaged_stops_the_daemon_without_another_write(wosync_home, store):
    from wosync.errors import DatabaseDamaged

    def damaged_sync(store_, account, clock, options, cancel=None):
        raise DatabaseDamaged(store_.path, "quick_check: Page 7: btreeInitPage() returns error code 11")

    notifier = ReadyNotifier()
    daemon = Daemon(notifier=notifier, sync=damaged_sync, poll_seconds=0.2)
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    assert notifier.is_ready.wait(DEADLINE)
    row = add_schedule(store, datetime.now(UTC))

    thread.join(DEADLINE)  # it stops on its own

    assert not thread.is_alive()
    assert daemon.damaged is not None and "restore" in daemon.damaged.message
    after = store.get_schedule(row["id"])
    assert (after["consecutive_failures"], after["next_run"]) == (row["consecutive_failures"], row["next_run"])
    assert store.get_daemon_state()["status"] != "stopped"  # not even the stopped state was written


# --- a stop that comes after the run has failed ------------------------------------------------


def _stopped_after_the_read(store: Store, clock: FakeClock, error: Exception) -> dict:
    """Run a due schedule whose read fails with `error`; the stop (cancel) is asked for only
    after the failure was recorded, as a SIGTERM arriving while the failure alert is sent.
    Return the run as stored."""
    add_schedule(store, clock())
    cancel = threading.Event()

    def sync(*args, **kwargs):
        run = run_sync(*args, source=ScriptedSource(errors=[error]), **kwargs)
        assert run["status"] == "failed"  # recorded before the stop
        cancel.set()
        return run

    due = due_schedules(store.list_schedules(enabled_only=True), clock())
    outcome = run_schedule(store, due[0]["id"], clock, sync=sync, random_fraction=lambda: 0.0, cancel=cancel)
    return store.get_run(outcome.run_id)


def test_a_site_failure_before_a_stop_stays_failed(store):
    from wosync.workfossa.errors import SiteHttpError

    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    run = _stopped_after_the_read(store, clock, SiteHttpError("the work list answered HTTP 500", 500))
    assert (run["status"], run["error_kind"]) == ("failed", "http_error")
    assert store.get_schedule(run["schedule_id"])["consecutive_failures"] == 1  # the streak keeps it


def test_a_browser_failure_with_the_stop_is_an_interruption(store):
    # Ctrl-C closes the browser through Playwright's driver before the scrape sees the cancel.
    from wosync.workfossa.errors import BrowserFailed

    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    run = _stopped_after_the_read(store, clock, BrowserFailed("the browser failed: Target closed"))
    assert run["status"] == "interrupted"
    assert "the sync was cancelled (" in run["error_message"]
