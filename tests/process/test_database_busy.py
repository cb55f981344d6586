"""Another process holding the database: wosync waits a bounded, stated time, says who holds
it, never blocks a status bar, and never throws away what a sync read.

A helper process (support/database_holder.py: python with sqlite3 in `BEGIN EXCLUSIVE` or
`BEGIN IMMEDIATE`) holds the lock while the real `wosync` command runs. WOSYNC_BUSY_TIMEOUT
keeps the bounds short. The syncs read the simulated site with real Chromium.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wosync.sim import SimulatedWorkFossa
from wosync.store import Store
from support.database_holder import hold
from support.environment import DataFolder
from support.run import wosync
from support.waiting import wait_for

USERNAME = "tech@example.com"
PASSWORD = "correct-horse-42"


@pytest.fixture
def db(wosync_home: Path) -> Path:
    """An existing, current database in the test's data folder."""
    with Store() as store:
        return store.path


@pytest.fixture
def env(data_folder: DataFolder) -> dict[str, str]:
    return dict(data_folder.env, PYTHONUNBUFFERED="1")


def _timed(*args: str, env: dict[str, str], timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = wosync(*args, env=env, timeout=timeout)
    return result, time.monotonic() - started


# --- status --line and doctor ----------------------------------------------------------------


def test_status_line_answers_within_a_second_while_the_database_is_held_exclusively(db, env):
    _, unlocked = _timed("status", "--line", env=env)  # Python's own start-up, for comparison
    with hold(db, 60, "EXCLUSIVE"):
        result, held = _timed("status", "--line", env=env, timeout=20)
        waybar, _ = _timed("status", "--line", "--format", "waybar", env=env, timeout=20)

    assert result.returncode == 0, result.stderr
    assert "database busy (held by another process)" in result.stdout
    assert held - unlocked < 1.0, f"status --line took {held:.2f} s with the lock held ({unlocked:.2f} s without)"
    shown = json.loads(waybar.stdout)
    assert shown["class"] == "busy" and "another process holds it" in shown["tooltip"]


def test_doctor_says_the_database_is_busy_naming_the_holder_not_permissions(db, env):
    with hold(db, 120, "IMMEDIATE") as holder:
        result, _ = _timed("doctor", env=env, timeout=90)

    assert f"database busy (held by another process, pid {holder.pid})" in result.stdout, result.stdout
    assert "permissions" not in result.stdout


def test_a_command_that_must_write_waits_the_stated_bound_then_names_the_holder(db, env):
    with Store(db) as store:  # a run left `running` by a dead process: opening must write
        store.start_run(USERNAME, "manual", None, 999_999_999, __import__("wosync.clock").clock.system_clock())
    with hold(db, 120, "IMMEDIATE") as holder:
        result, took = _timed("history", env=dict(env, WOSYNC_BUSY_TIMEOUT="1.5"), timeout=60)

    assert result.returncode != 0
    assert f"is busy: another process holds it (pid {holder.pid})" in result.stderr, result.stderr
    assert "within 1.5 s" in result.stderr and "unexpected" not in result.stderr
    assert took < 15


# --- a sync while the database is held -------------------------------------------------------


@pytest.fixture
def sim():
    # Slow pages, so the scrape is still reading while the test holds the lock.
    with SimulatedWorkFossa(count=60, seed=5, username=USERNAME, password=PASSWORD) as site:
        site.faults.slow_ms = 400
        yield site


def _sync_env(env: dict[str, str], sim: SimulatedWorkFossa, busy_timeout: float) -> dict[str, str]:
    return dict(env, WOSYNC_BASE_URL=sim.base_url, WOSYNC_USERNAME=USERNAME, WOSYNC_PASSWORD=PASSWORD,
                WOSYNC_BUSY_TIMEOUT=str(busy_timeout))


def _start_sync(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wosync", "sync-now", "--quiet"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _started(db: Path) -> bool:
    """Return True once the sync's run and progress exist (it is logging in: the browser is
    starting, every page is still to read)."""
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.2)
        try:
            rows = conn.execute("SELECT * FROM progress").fetchall()
            text = json.dumps([list(map(str, row)) for row in rows])
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return "in_progress" in text


def _runs(db: Path) -> list[dict]:
    with Store(db) as store:
        return store.list_runs()


@pytest.mark.browser
def test_a_lock_taken_mid_scrape_and_freed_within_the_bound_loses_nothing(db, env, sim):
    # The equipment step reads one location, not the default 25 (10 s after the lock is freed).
    process = _start_sync(dict(_sync_env(env, sim, busy_timeout=30), WOSYNC_EQUIPMENT_PER_RUN="1"))
    try:
        wait_for(lambda: _started(db) or process.poll() is not None, 60, "the sync to start")
        assert process.poll() is None, process.communicate()
        with hold(db, 4, "IMMEDIATE"):
            out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    run = _runs(db)[0]
    assert run["status"] == "success" and run["items_processed"] == len(sim.expected_orders())


@pytest.mark.browser
def test_a_lock_held_past_the_bound_fails_the_run_cleanly_never_leaving_it_running(db, env, sim):
    process = _start_sync(_sync_env(env, sim, busy_timeout=2))
    try:
        wait_for(lambda: _started(db) or process.poll() is not None, 60, "the sync to start")
        assert process.poll() is None, process.communicate()
        with hold(db, 300, "IMMEDIATE") as holder:
            out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 1, err
    assert f"another process holds it (pid {holder.pid})" in err and "unexpected" not in err, err
    shown = wosync("history", "--json", env=env, timeout=60)  # the lock is free again
    assert shown.returncode == 0, shown.stderr
    run = _runs(db)[0]
    assert run["status"] == "failed" and run["error_kind"] == "database_busy", run
    assert f"the {len(sim.expected_orders())} work orders read were not saved" in run["error_message"]
    assert not [r for r in _runs(db) if r["status"] == "running"]


# --- the daemon ------------------------------------------------------------------------------


def test_a_daemon_started_while_another_process_holds_the_database_stops_naming_it(db, env):
    with hold(db, 60, "IMMEDIATE") as holder:
        result, took = _timed("daemon", env=dict(env, WOSYNC_BUSY_TIMEOUT="0.5"), timeout=30)

    assert result.returncode == 1, result.stderr
    assert f"is busy: another process holds it (pid {holder.pid})" in result.stderr, result.stderr
    assert "unexpected" not in result.stderr


def test_the_daemons_jobs_wait_out_a_busy_database_instead_of_crashing(db, monkeypatch, caplog):
    from wosync.daemon import Daemon

    monkeypatch.setenv("WOSYNC_BUSY_TIMEOUT", "0.3")
    store = Store(db)
    daemon = Daemon(store_factory=lambda: store, poll_seconds=3600)
    daemon.store = store
    try:
        with hold(db, 60, "IMMEDIATE") as holder, caplog.at_level("WARNING", logger="wosync.daemon"):
            assert daemon._tolerating_busy(lambda: store.set_daemon_state(1, "idle", _now())) is None
            started = time.monotonic()
            assert daemon._tolerating_busy(lambda: store.set_daemon_state(1, "idle", _now())) is None
            assert time.monotonic() - started < 5
        assert caplog.text.count("is busy: another process holds it") == 1, "logged once, not every turn"
        assert f"(pid {holder.pid})" in caplog.text
    finally:
        store.close()
        daemon.close()


def _now():
    from wosync.clock import system_clock

    return system_clock()
