"""One sync end to end: the simulated site on loopback, real Chromium, real SQLite files, the real CLI.

What a user checks: the orders stored equal the site's, a second sync records exactly what
changed, a glitch or short scrape completes nothing and exits 5, a killed sync leaves the
database intact and is marked interrupted, and two syncs at once do not both run.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wosync.clock import system_clock
from wosync.fields import SCRAPED_FIELDS
from wosync.secret import Secret
from wosync.sim import SimulatedWorkFossa
from wosync.store import Store
from wosync.sync import SyncOptions, run_sync
from support.environment import DataFolder, sim_cli_env
from support.processes import browsers_with_home
from support.run import wosync
from support.waiting import wait_for

USERNAME = "tech@example.com"
PASSWORD = "correct-horse-42"

pytestmark = pytest.mark.browser


@pytest.fixture
def home(data_folder: DataFolder) -> Path:
    """A fresh data folder for this test, used by in-process code and by subprocesses."""
    return data_folder.home


@pytest.fixture
def sim():
    with SimulatedWorkFossa(count=40, seed=11, username=USERNAME, password=PASSWORD) as site:
        yield site


@pytest.fixture
def one_location_a_sync(data_folder: DataFolder, monkeypatch):
    """For the tests of the work list: the equipment step of each sync, in this process and in
    the `wosync` subprocesses (which inherit its environment), reads one location, not the
    default 25 (about 10 s a sync on a busy machine); set after data_folder cleaned the environment."""
    monkeypatch.setenv("WOSYNC_EQUIPMENT_PER_RUN", "1")


def cli_env(home: Path, sim: SimulatedWorkFossa) -> dict[str, str]:
    """The environment of a `wosync` subprocess syncing the simulated site (automation style)."""
    return sim_cli_env(home, sim, USERNAME, PASSWORD)


def sync_in_process(store: Store, sim: SimulatedWorkFossa, **options) -> dict:
    account = store.ensure_account(USERNAME, sim.base_url, system_clock())
    return run_sync(store, account, system_clock, SyncOptions(notify=False, **options),
                    password=lambda: Secret(PASSWORD))


def stored_as_site_shows(store: Store) -> list[dict]:
    return sorted(({k: o[k] for k in SCRAPED_FIELDS} for o in store.list_orders()), key=lambda o: o["number"])


def test_two_syncs_around_site_changes_record_exactly_what_changed(home, sim, one_location_a_sync):
    with Store() as store:
        first = sync_in_process(store, sim)
        assert first["status"] == "success"
        assert (first["items_processed"], first["added"], first["updated"], first["removed"]) == (40, 40, 0, 0)
        assert stored_as_site_shows(store) == sorted(sim.expected_orders(), key=lambda o: o["number"])

        before = {o["number"]: o for o in sim.expected_orders()}
        with_visit = [n for n, o in before.items() if o["next_visit_date"]]
        moved, edited, done = with_visit[0], with_visit[1], with_visit[2]
        new_numbers = sim.add_orders(2)
        sim.reschedule(moved, "2026-12-24")
        sim.edit(edited, instructions="Bring the new seals.\nCall the manager first.")
        sim.complete(done)
        after = {o["number"]: o for o in sim.expected_orders()}

        second = sync_in_process(store, sim)
        assert second["status"] == "success"
        assert (second["added"], second["updated"], second["removed"]) == (2, 2, 1)
        changes = {(c["number"], c["kind"]): c["fields"] for c in store.list_changes(second["id"])}
        assert set(changes) == {(new_numbers[0], "new"), (new_numbers[1], "new"), (moved, "updated"),
                                (edited, "updated"), (done, "completed")}
        assert changes[(moved, "updated")]["next_visit_date"] == [before[moved]["next_visit_date"], "2026-12-24"]
        assert set(changes[(moved, "updated")]) <= {"next_visit_date", "due_date"}
        assert changes[(edited, "updated")] == {
            "instructions": [before[edited]["instructions"], "Bring the new seals.\nCall the manager first."]
        }
        assert after[edited]["instructions"] == "Bring the new seals.\nCall the manager first."

        active = {o["number"] for o in store.list_orders()}
        everything = {o["number"]: o for o in store.list_orders(include_completed=True)}
        assert done not in active and everything[done]["completed_at"] is not None
        assert set(new_numbers) <= active

        third = sync_in_process(store, sim)
        assert (third["added"], third["updated"], third["removed"]) == (0, 0, 0)
        assert store.list_changes(third["id"]) == []
        assert sim.login_count == 1, "the saved session is reused across syncs"


def test_empty_glitch_completes_nothing_and_exits_5(home, sim, one_location_a_sync):
    env = cli_env(home, sim)
    assert wosync("sync-now", "--quiet", env=env).returncode == 0
    sim.faults.empty_glitch = True
    result = wosync("sync-now", env=env)
    assert result.returncode == 5, result.stderr
    assert result.stderr.count("Error:") == 1 and "--allow-mass-removal" in result.stderr
    with Store(home / "wosync.db") as store:
        assert len(store.list_orders()) == 40, "no order may be completed by a glitch"
        run = store.latest_run()
        assert (run["status"], run["error_kind"], run["removed"]) == ("partial", "mass_removal_guard", 0)


def test_a_short_scrape_is_partial_completes_nothing_and_exits_5(home, sim, one_location_a_sync):
    env = cli_env(home, sim)
    assert wosync("sync-now", "--quiet", env=env).returncode == 0
    sim.faults.drop_rows = 3  # "40 matches" but only 37 rows can be read
    result = wosync("sync-now", "--json", env=env)
    assert result.returncode == 5, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == "partial" and record["items_processed"] == 37 and record["removed"] == 0
    assert "40" in record["error_message"]
    with Store(home / "wosync.db") as store:
        assert len(store.list_orders()) == 40


def test_sync_now_json_is_the_history_record_and_feeds_changes(home, sim):
    env = cli_env(home, sim)
    result = wosync("sync-now", "--json", env=env)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    # What a script reads from the record, written out here (not taken from the code): every field,
    # in order, with this first sync's values.
    assert list(record) == ["id", "schedule_id", "account", "trigger_type", "started_at", "completed_at",
                            "status", "items_processed", "added", "updated", "removed", "error_kind",
                            "error_message", "duration_seconds", "pid", "completeness", "equipment_error",
                            "reopened", "dispensers_changed", "bytes_received", "fallback_fields",
                            "removed_orders", "error_summary"]
    assert record["bytes_received"] > 0  # what the browser received from the site
    assert record["fallback_fields"] == {}  # the classic markup: every field by its selector
    assert {key: record[key] for key in ("id", "schedule_id", "account", "status", "items_processed", "added",
                                         "updated", "removed", "error_kind", "error_message", "completeness",
                                         "equipment_error", "reopened", "removed_orders", "error_summary")} == {
        "id": 1, "schedule_id": None, "account": USERNAME, "status": "success", "items_processed": 40,
        "added": 40, "updated": 0, "removed": 0, "error_kind": None, "error_message": None,
        "completeness": "count", "equipment_error": None, "reopened": 0, "removed_orders": 0,
        "error_summary": None}
    assert record["trigger_type"] == "manual"
    assert record["started_at"] <= record["completed_at"] and record["duration_seconds"] > 0
    history = json.loads(wosync("history", "--json", env=env).stdout)
    assert history[0] == record
    changes = json.loads(wosync("changes", "--run", str(record["id"]), "--json", env=env).stdout)
    assert len(changes) == 40 and {c["kind"] for c in changes} == {"new"}
    orders = json.loads(wosync("orders", "--json", env=env).stdout)
    assert sorted(o["number"] for o in orders) == sorted(o["number"] for o in sim.expected_orders())


def test_a_rejected_password_exits_3_and_is_recorded(home, sim):
    env = cli_env(home, sim)
    sim.faults.reject_password = True
    result = wosync("sync-now", "--quiet", env=env)
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("Error:") and len(result.stderr.splitlines()) == 1
    # The password came from WOSYNC_PASSWORD: `wosync login` would not help, the variable must change.
    assert "from WOSYNC_PASSWORD" in result.stderr and "set WOSYNC_PASSWORD" in result.stderr
    assert PASSWORD not in result.stderr
    with Store(home / "wosync.db") as store:
        run = store.latest_run()
        assert run["status"] == "failed" and run["error_kind"].startswith("credentials")
        assert "WOSYNC_PASSWORD" in run["error_message"]


def test_no_password_anywhere_exits_3_naming_login(home, sim):
    env = cli_env(home, sim)
    del env["WOSYNC_PASSWORD"]
    env.pop("PYTHON_KEYRING_BACKEND", None)
    result = wosync("sync-now", env=env)
    assert result.returncode == 3
    assert "wosync login" in result.stderr or "WOSYNC_PASSWORD" in result.stderr



def scraping_progress(home: Path):
    """Return the live progress row once a sync is scraping, else None."""
    db = home / "wosync.db"
    if not db.exists():
        return None
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT status, phase, pid, run_id FROM progress").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return row if row and row[0] == "in_progress" and row[1] == "scraping" else None


def browsers_of(home: Path) -> list[int]:
    """Return pids of chromium processes started for this data folder (they inherit WOSYNC_HOME)."""
    return sorted(browsers_with_home(home))


@pytest.fixture
def slow_sim():
    """250 orders (3 pages at Show 100) served slowly, so a test can act mid-scrape."""
    with SimulatedWorkFossa(count=250, seed=5, username=USERNAME, password=PASSWORD) as site:
        yield site


def test_kill_9_mid_scrape_leaves_the_database_intact_and_the_run_interrupted(home, slow_sim, one_location_a_sync):
    env = cli_env(home, slow_sim)
    assert wosync("sync-now", "--quiet", env=env).returncode == 0
    slow_sim.faults.slow_ms = 1500
    proc = subprocess.Popen([sys.executable, "-m", "wosync", "sync-now", "--quiet"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        row = wait_for(lambda: scraping_progress(home), 60, "the second sync to be scraping")
        assert row[2] == proc.pid
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    conn = sqlite3.connect(home / "wosync.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM work_orders WHERE completed_at IS NULL").fetchone()[0] == 250
    assert conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0] == "running"
    conn.close()

    status = wosync("status", "--json", env=env)
    assert status.returncode == 0
    with Store(home / "wosync.db") as store:
        run = store.latest_run()
        assert run["status"] == "interrupted"
        assert store.get_progress() == []
    assert json.loads(status.stdout)["syncing"] == []
    # The browser of the killed sync must not live on (its driver closes it when its parent dies).
    wait_for(lambda: not browsers_of(home), 15, "the killed sync's chromium to exit")


def test_two_syncs_at_once_one_runs_the_other_exits_4_naming_the_pid(home, slow_sim, one_location_a_sync):
    env = cli_env(home, slow_sim)
    slow_sim.faults.slow_ms = 1000
    first = subprocess.Popen([sys.executable, "-m", "wosync", "sync-now", "--quiet"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: scraping_progress(home), 60, "the first sync to be scraping")
        second = wosync("sync-now", env=env)
        assert second.returncode == 4
        assert second.stderr.strip() == second.stderr.strip().splitlines()[0], "one line"
        assert f"pid {first.pid}" in second.stderr and "already running" in second.stderr
        slow_sim.faults.slow_ms = 0
        assert first.wait(timeout=120) == 0, first.stderr.read()
    finally:
        if first.poll() is None:
            first.kill()
    with Store(home / "wosync.db") as store:
        runs = store.list_runs()
        assert [r["status"] for r in runs] == ["success"], "the refused sync leaves no run behind"
