"""The actions called directly, as the CLI and the daemon call them: a real Store in the
test's data folder, and what a user would check afterwards (the stored schedule, the file
written, the run that shows as interrupted)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from wosync import config, progress
from wosync.actions import doctor, history, notify, schedule, service, stale_runs, watch
from wosync.errors import NotFound, UsageError
from wosync.locks import FileLock, account_lock_path
from wosync.store import Store

ACCOUNT = "tech@example.com"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def home(wosync_home):
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", NOW)
    return wosync_home


def test_a_schedule_created_then_updated_plans_from_the_new_rule(home, tmp_path):
    created = schedule.create(NOW, "2", "6-22", "UTC")
    assert created.has_account and not created.calendar_written
    row = created.row
    assert (row["account"], row["interval_hours"], row["active_start_hour"], row["active_end_hour"]) == \
        (ACCOUNT, 2.0, 6, 22)
    assert row["enabled"] and row["next_run"] == NOW.isoformat().replace("+00:00", "Z")  # inside 6-22: at once

    later = NOW + timedelta(hours=1)
    updated = schedule.update(later, row["id"], interval="4", active_hours="always", calendar=tmp_path / "visits.ics")
    assert updated.row["interval_hours"] == 4.0 and updated.row["active_start_hour"] is None
    assert updated.calendar_written and (tmp_path / "visits.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert updated.row["calendar_path"] == str(tmp_path / "visits.ics")
    # Never run: the new rule's first run is now.
    assert updated.row["next_run"] == later.isoformat().replace("+00:00", "Z")
    assert [r["id"] for r in schedule.list_schedules(later)] == [row["id"]]


def test_pause_resume_and_delete_through_the_actions(home):
    sid = schedule.create(NOW, "1", None, "UTC").row["id"]
    paused = schedule.pause(NOW, sid)
    assert not paused["enabled"] and paused["next_run"] is None
    resumed = schedule.resume(NOW + timedelta(minutes=5), sid)
    assert resumed["enabled"] and resumed["next_run"] is not None
    schedule.delete(NOW, sid)
    assert schedule.list_schedules(NOW) == []
    with pytest.raises(NotFound):
        schedule.delete(NOW, sid)


def test_a_refused_rule_stores_nothing(home):
    with pytest.raises(UsageError):
        schedule.create(NOW, "0.1", None, "UTC")
    with pytest.raises(UsageError):
        schedule.create(NOW, "1", "6-6", "UTC")
    assert schedule.list_schedules(NOW) == []


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_whose_process_died_shows_as_interrupted_to_the_next_action(home):
    with Store() as store:
        run_id = store.start_run(ACCOUNT, "manual", None, dead_pid(), NOW)
    runs = history.runs(NOW + timedelta(minutes=1))
    assert [(r["id"], r["status"]) for r in runs] == [(run_id, "interrupted")]
    assert "ended before finishing" in runs[0]["error_message"]


def test_stale_runs_open_store_leaves_a_live_run_alone(home):
    lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
    lock.acquire(NOW)
    try:
        with Store() as store:
            run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), NOW)
        with stale_runs.open_store(NOW) as store:
            assert store.get_run(run_id)["status"] == "running"
    finally:
        lock.release()


def test_watch_yields_the_running_sync_then_its_result(home):
    lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
    lock.acquire(NOW)
    try:
        with Store() as store:
            run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), NOW)
            store.set_progress(ACCOUNT, progress.record("in_progress", "scraping", 45, "page 1", 3, run_id,
                                                        NOW, NOW, pid=os.getpid()))

        def the_sync_ends(seconds):  # between two polls, the sync finishes as run_sync would
            with Store() as store:
                store.finish_run(run_id, NOW + timedelta(seconds=30), status="success")
                store.clear_progress(ACCOUNT)

        events = list(watch.watch(lambda: NOW + timedelta(seconds=20), follow=False, sleep=the_sync_ends))
    finally:
        lock.release()
    assert [type(e).__name__ for e in events] == ["Running", "Ended"]
    assert events[0].state["percentage"] == 45 and events[0].account == ACCOUNT
    assert events[1].run["id"] == run_id and events[1].exit_code == 0 and events[1].last


def test_watch_with_nothing_running_names_the_next_scheduled_sync(home):
    sid = schedule.create(NOW, "1", "6-22", "UTC", paused=True).row["id"]
    assert list(watch.watch(lambda: NOW)) == [watch.Idle(None, last=True)]
    schedule.resume(NOW, sid)
    (idle,) = list(watch.watch(lambda: NOW))
    assert idle.next_run == NOW and idle.last


def test_notification_targets_are_checked_stored_masked_and_removed(home):
    with pytest.raises(UsageError):
        notify.add("ntfys://", NOW)  # no topic: refused before anything is stored
    target_id, shown = notify.add("json://user:secret@127.0.0.1:9/", NOW)
    assert "secret" not in shown
    listed = notify.list_targets(NOW)
    assert [t["id"] for t in listed] == [target_id] and "secret" not in listed[0]["url"]
    notify.remove(target_id, NOW)
    assert notify.list_targets(NOW) == []


def test_doctor_checks_report_each_part_without_a_browser(home, monkeypatch):
    monkeypatch.setattr(doctor, "check_browser", lambda: [])
    checks = {c.name: c for c in doctor.run_checks(NOW)}
    assert checks["database"].status == doctor.OK
    assert checks[f"account {ACCOUNT}"].status == doctor.FAILED  # no password anywhere
    assert checks["notifications"].status == doctor.WARNING
    assert doctor.any_failed(list(checks.values()))


def test_the_service_unit_is_written_then_updated(tmp_path):
    environ = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "WOSYNC_HOME": str(tmp_path / "data")}
    first = service.install(environ)
    assert first.path == tmp_path / "config" / "systemd" / "user" / "wosync.service" and not first.replaced
    assert first.unit.environment == {"WOSYNC_HOME": str(tmp_path / "data")}
    assert f"ReadWritePaths={tmp_path / 'data'}" in first.path.read_text()
    assert service.install(environ).replaced
