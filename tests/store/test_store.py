"""The SQLite store on real files: permissions, WAL, migrations, the one-transaction sync save.

Every test opens a real database in a temporary folder and checks it the way a user (or a
second process) would: file modes on disk, rows read back through a fresh connection.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wosync import config
from wosync.errors import ExitCode
from wosync.fields import SCRAPED_FIELDS
from wosync.store import SCHEMA_MIGRATIONS, Store

ACCOUNT = "tech@example.com"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def order(number: str, **fields) -> dict:
    """Return a scraped work order with every contract field (None unless given)."""
    record = {name: None for name in SCRAPED_FIELDS}
    record.update(number=number, status="Work Created", customer="Acme Fuel", items=[])
    record.update(fields)
    return record


def fresh_rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Read rows through a new connection: what another process would see after a commit."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def permissive_umask():
    """Run with umask 000, so only wosync's own care can make files 0600 and folders 0700."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "data" / "wosync.db") as opened:
        yield opened


# ------------------------------------------------------------------ the file itself


def test_new_database_is_private_even_with_a_permissive_umask(tmp_path, permissive_umask):
    path = tmp_path / "data" / "wosync.db"
    with Store(path) as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)  # a write, so the WAL file exists
        assert mode_of(path.parent) == 0o700
        assert mode_of(path) == 0o600
        side_files = [p for p in (Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]
        assert Path(f"{path}-wal") in side_files
        for side in side_files:
            assert mode_of(side) == 0o600, side


def test_an_existing_loose_folder_is_tightened_to_0700(tmp_path, permissive_umask):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    with Store(folder / "wosync.db"):
        pass
    assert mode_of(folder) == 0o700


def test_journal_mode_is_wal_for_every_connection(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # WAL is a property of the file: a plain sqlite3 connection (another process) sees it too.
    assert fresh_rows(store.path, "PRAGMA journal_mode") == [("wal",)]


def test_reopening_applies_the_migrations_once_and_keeps_the_data(tmp_path):
    path = tmp_path / "data" / "wosync.db"
    migrations = "SELECT name, applied_at FROM _sqlite_migrations WHERE migration_set = 'wosync' ORDER BY rowid"
    with Store(path) as first:
        first.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
    applied_once = fresh_rows(path, migrations)
    with Store(path) as second:
        assert second.list_accounts()[0].username == ACCOUNT
        assert not SCHEMA_MIGRATIONS.pending(second.db)
    with Store(path):
        pass
    assert fresh_rows(path, migrations) == applied_once  # same rows, same timestamps: nothing re-ran
    names = [name for name, _ in applied_once]
    assert names[0] == "0001_initial" and len(names) == len(set(names))


def test_wosync_home_decides_where_the_database_lives(wosync_home):
    with Store() as store:
        assert store.path == wosync_home / "wosync.db"
    assert (wosync_home / "wosync.db").is_file()
    assert mode_of(wosync_home) == 0o700


def test_without_wosync_home_the_platform_data_folder_is_used(monkeypatch):
    import platformdirs

    monkeypatch.delenv("WOSYNC_HOME", raising=False)
    assert config.data_home() == Path(platformdirs.user_data_dir("wosync", appauthor=False))


def test_integrity_check_of_a_used_database_is_ok(store):
    store.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
    run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), T0)
    store.apply_sync(run_id, ACCOUNT, [order("W-1")], ["W-1"], {}, {}, [], T0 + timedelta(seconds=5),
                     {"status": "success", "items_processed": 1, "added": 1}, None, {})
    assert store.integrity_check() == "ok"


# ------------------------------------------------------------ errors seen through the CLI


def test_a_data_folder_under_a_regular_file_is_one_error_line(cli, error_line, tmp_path, monkeypatch):
    # Tests run as root, where chmod does not stop writes; a folder below a FILE cannot exist for anyone.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file, not a folder\n")
    monkeypatch.setenv("WOSYNC_HOME", str(blocker / "wosync"))
    for command in (["status"], ["schedule", "create", "--interval", "1"], ["history", "--json"]):
        message = error_line(cli(*command), ExitCode.USAGE)
        assert str(blocker / "wosync") in message
        assert "WOSYNC_HOME" in message  # the fix is named


def test_a_corrupt_database_file_is_one_error_line_naming_the_fix(cli, error_line, wosync_home):
    wosync_home.mkdir(mode=0o700)
    (wosync_home / "wosync.db").write_bytes(b"this is not SQLite" * 100)
    message = error_line(cli("status"), ExitCode.USAGE)
    assert "wosync.db" in message and "move it aside" in message


# ------------------------------------------------------------------- apply_sync


def seeded(store: Store) -> tuple[int, int]:
    """Store a first sync of W-1, W-2, W-3 for a schedule; return (schedule id, its run id)."""
    store.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
    schedule = store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, T0, T0)
    run_id = store.start_run(ACCOUNT, "scheduled", schedule["id"], os.getpid(), T0)
    store.apply_sync(
        run_id, ACCOUNT, [order("W-1"), order("W-2", city="Denver"), order("W-3")], ["W-1", "W-2", "W-3"],
        {}, {}, [], T0 + timedelta(seconds=30),
        {"status": "success", "items_processed": 3, "added": 3}, schedule["id"],
        {"last_run": T0, "last_success": T0, "consecutive_failures": 0},
    )
    return schedule["id"], run_id


def snapshot(path: Path) -> dict:
    """Everything a sync may touch, read through a fresh connection."""
    return {
        "orders": fresh_rows(path, "SELECT * FROM work_orders ORDER BY number"),
        "changes": fresh_rows(path, "SELECT * FROM changes ORDER BY id"),
        "runs": fresh_rows(path, "SELECT * FROM runs ORDER BY id"),
        "schedules": fresh_rows(path, "SELECT * FROM schedules ORDER BY id"),
    }


def test_apply_sync_upserts_records_changes_completes_and_finishes_the_run(store):
    schedule_id, first_run = seeded(store)
    later = T0 + timedelta(hours=1)
    run_id = store.start_run(ACCOUNT, "scheduled", schedule_id, os.getpid(), later)
    scraped = [order("W-1"), order("W-2", city="Boulder"), order("W-4")]  # W-3 is gone from the site

    run = store.apply_sync(
        run_id, ACCOUNT, scraped, ["W-4"], {"W-2": {"city": ["Denver", "Boulder"]}}, {}, ["W-3"],
        later + timedelta(seconds=42),
        {"status": "success", "items_processed": 3, "added": 1, "updated": 1, "removed": 1},
        schedule_id, {"last_run": later, "last_success": later, "consecutive_failures": 0},
    )

    assert run["status"] == "success" and (run["added"], run["updated"], run["removed"]) == (1, 1, 1)
    assert run["completed_at"] == "2026-11-29T11:00:42Z" and run["duration_seconds"] == 42
    orders = store.load_orders(ACCOUNT)
    assert sorted(orders) == ["W-1", "W-2", "W-3", "W-4"]  # the completed order is kept, archived
    assert orders["W-2"]["city"] == "Boulder"
    assert orders["W-3"]["completed_at"] == "2026-11-29T11:00:42Z"
    assert orders["W-1"]["completed_at"] is None
    assert orders["W-1"]["first_seen_at"] == "2026-11-29T10:00:30Z"
    assert orders["W-1"]["last_seen_at"] == "2026-11-29T11:00:42Z"  # unchanged but seen again
    assert orders["W-4"]["first_seen_at"] == "2026-11-29T11:00:42Z"
    changes = {(c["number"], c["kind"]): c["fields"] for c in store.list_changes(run_id)}
    assert changes == {
        ("W-4", "new"): {}, ("W-2", "updated"): {"city": ["Denver", "Boulder"]}, ("W-3", "completed"): {},
    }
    assert len(store.list_changes(first_run)) == 3
    assert store.get_schedule(schedule_id)["last_success"] == "2026-11-29T11:00:00Z"
    assert store.count_orders(ACCOUNT) == {"active": 3, "completed": 1}


def test_a_reopened_order_becomes_active_again_with_its_change(store):
    schedule_id, _ = seeded(store)
    run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), T0 + timedelta(hours=1))
    store.apply_sync(run_id, ACCOUNT, [order("W-1"), order("W-2", city="Denver")], [], {}, {}, ["W-3"],
                     T0 + timedelta(hours=1), {"status": "success"}, None, {})
    run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), T0 + timedelta(hours=2))
    store.apply_sync(run_id, ACCOUNT, [order("W-1"), order("W-2", city="Denver"), order("W-3", status="Rescheduled")],
                     [], {}, {"W-3": {"status": ["Work Created", "Rescheduled"]}}, [],
                     T0 + timedelta(hours=2), {"status": "success"}, None, {})
    w3 = store.load_orders(ACCOUNT)["W-3"]
    assert w3["completed_at"] is None and w3["status"] == "Rescheduled"
    assert [(c["number"], c["kind"]) for c in store.list_changes(run_id)] == [("W-3", "reopened")]


def test_a_failure_inside_apply_sync_leaves_nothing_half_written(store):
    schedule_id, _ = seeded(store)
    before = snapshot(store.path)
    later = T0 + timedelta(hours=1)
    run_id = store.start_run(ACCOUNT, "scheduled", schedule_id, os.getpid(), later)
    before_run = snapshot(store.path)

    # The run's final values are written last inside the transaction; a column that does not
    # exist makes that statement fail after the orders and changes were already written.
    with pytest.raises(sqlite3.Error):
        store.apply_sync(
            run_id, ACCOUNT, [order("W-1"), order("W-2", city="Boulder"), order("W-4")], ["W-4"],
            {"W-2": {"city": ["Denver", "Boulder"]}}, {}, ["W-3"], later,
            {"status": "success", "no_such_column": 1}, schedule_id, {"last_run": later},
        )

    after = snapshot(store.path)
    assert after == before_run
    assert after["orders"] == before["orders"]  # no W-4, W-2 still in Denver, W-3 still active
    assert after["changes"] == before["changes"]
    assert store.get_run(run_id)["status"] == "running"
    assert not store.conn.in_transaction
    # The connection is usable afterwards: the same save with correct values goes through.
    store.apply_sync(run_id, ACCOUNT, [order("W-1"), order("W-2", city="Boulder")], [],
                     {"W-2": {"city": ["Denver", "Boulder"]}}, {}, ["W-3"], later, {"status": "success"},
                     schedule_id, {})
    assert store.load_orders(ACCOUNT)["W-2"]["city"] == "Boulder"


# ------------------------------------------------------------------ purge and runs


def test_purge_completed_deletes_only_old_completed_orders_of_that_account(store):
    store.ensure_account("other@example.com", "https://app.workfossa.com", T0)
    seeded(store)
    for account, completed_on in ((ACCOUNT, T0 + timedelta(days=1)), ("other@example.com", T0 + timedelta(days=1))):
        run_id = store.start_run(account, "manual", None, os.getpid(), T0)
        store.apply_sync(run_id, account, [order("W-9")], ["W-9"], {}, {}, [], T0, {"status": "success"}, None, {})
        run_id = store.start_run(account, "manual", None, os.getpid(), completed_on)
        store.apply_sync(run_id, account, [order("W-8")], ["W-8"], {}, {}, ["W-9"], completed_on,
                         {"status": "success"}, None, {})

    # Nothing was completed before the cut-off yet.
    assert store.purge_completed(ACCOUNT, T0 + timedelta(hours=12)) == 0
    assert store.purge_completed(ACCOUNT, T0 + timedelta(days=2)) == 1

    assert sorted(store.load_orders(ACCOUNT)) == ["W-1", "W-2", "W-3", "W-8"]  # active ones stay
    assert "W-9" in store.load_orders("other@example.com")


def test_list_runs_filters_by_failure_start_and_count_newest_first(store):
    statuses = ["success", "failed", "partial", "success", "interrupted", "success"]
    ids = []
    for day, status in enumerate(statuses):
        started = T0 + timedelta(days=day)
        run_id = store.start_run(ACCOUNT, "scheduled", None, os.getpid(), started)
        store.finish_run(run_id, started + timedelta(minutes=1), status=status)
        ids.append(run_id)

    assert [r["id"] for r in store.list_runs()] == ids[::-1]
    assert [r["status"] for r in store.list_runs(failed_only=True)] == ["interrupted", "partial", "failed"]
    assert [r["id"] for r in store.list_runs(since=T0 + timedelta(days=3))] == ids[:2:-1]
    assert [r["id"] for r in store.list_runs(limit=2)] == ids[:-3:-1]
    assert [r["status"] for r in store.list_runs(failed_only=True, since=T0 + timedelta(days=2), limit=1)] == [
        "interrupted"
    ]


# ------------------------------------------------------------------- 0006: one account per address


def database_before_0006(path: Path) -> sqlite3.Connection:
    """Create a database with every migration before 0006 (what an older wosync left); return a connection."""
    import sqlite_utils

    path.parent.mkdir(mode=0o700, exist_ok=True)
    db = sqlite_utils.Database(path)
    SCHEMA_MIGRATIONS.migrations().apply(db, stop_before="0006_lowercase_usernames")
    index = [name for name, _ in SCHEMA_MIGRATIONS.steps].index("0006_lowercase_usernames")
    db.execute(f"PRAGMA user_version = {index}")
    db.execute("PRAGMA journal_mode = WAL")
    return db.conn


def test_migration_0006_merges_accounts_that_differ_only_in_case(tmp_path):
    path = tmp_path / "data" / "wosync.db"
    conn = database_before_0006(path)
    upper, lower = "TECH@EXAMPLE.COM", "tech@example.com"
    stamp = lambda hours: (T0 + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    conn.executemany("INSERT INTO accounts(username, base_url, created_at) VALUES (?, ?, ?)",
                     [(lower, "https://old.example", stamp(0)), (upper, "https://new.example", stamp(1))])
    columns = ", ".join(SCRAPED_FIELDS)
    marks = ", ".join("?" * len(SCRAPED_FIELDS))

    def put(account, number, customer, first, last):
        values = [order(number, customer=customer)[f] for f in SCRAPED_FIELDS]
        values[SCRAPED_FIELDS.index("items")] = "[]"
        conn.execute(f"INSERT INTO work_orders(account, {columns}, first_seen_at, last_seen_at) "
                     f"VALUES (?, {marks}, ?, ?)", (account, *values, stamp(first), stamp(last)))

    put(lower, "W-1", "seen first, older copy", 0, 1)   # both accounts have W-1 and W-2
    put(upper, "W-1", "seen last, newer copy", 2, 5)
    put(lower, "W-2", "newer under lower-case", 1, 6)
    put(upper, "W-2", "older under upper-case", 0, 2)
    put(upper, "W-3", "only upper-case", 3, 5)
    for account, started in ((lower, 0), (upper, 5)):
        conn.execute("INSERT INTO runs(account, trigger_type, started_at, status) VALUES (?, 'manual', ?, 'success')",
                     (account, stamp(started)))
    conn.execute("INSERT INTO changes(run_id, account, number, kind) VALUES (2, ?, 'W-3', 'new')", (upper,))
    conn.execute("INSERT INTO schedules(account, interval_hours, timezone, created_at, updated_at) "
                 "VALUES (?, 1, 'UTC', ?, ?)", (upper, stamp(0), stamp(0)))
    conn.execute("INSERT INTO alert_state(account, last_alert_at) VALUES (?, ?), (?, ?)", (upper, stamp(4), lower, stamp(1)))
    conn.execute("INSERT INTO progress(account, status) VALUES (?, 'idle'), (?, 'idle')", (upper, lower))
    conn.execute("INSERT INTO locations(account, location_id, equipment_checked_at) VALUES (?, 7, ?), (?, 7, ?)",
                 (upper, stamp(1), lower, stamp(3)))
    for account, last in ((upper, 4), (lower, 2)):
        conn.execute("INSERT INTO dispensers(account, location_id, position, make, first_seen_at, last_seen_at) "
                     "VALUES (?, 7, '1/2', ?, ?, ?)", (account, account, stamp(0), stamp(last)))
    conn.commit()
    conn.close()

    with Store(path) as store:  # opening applies 0006
        assert [(a.username, a.base_url) for a in store.list_accounts()] == [(lower, "https://new.example")]
        orders = {o["number"]: o for o in store.list_orders(include_completed=True)}
        assert {n: o["customer"] for n, o in orders.items()} == {
            "W-1": "seen last, newer copy", "W-2": "newer under lower-case", "W-3": "only upper-case"}
        assert orders["W-1"]["first_seen_at"] == stamp(0) and orders["W-2"]["first_seen_at"] == stamp(0)
        assert store.count_orders(lower) == {"active": 3, "completed": 0}
        assert {r["account"] for r in store.list_runs()} == {lower} and len(store.list_runs()) == 2
        assert [c["account"] for c in store.list_changes(2)] == [lower]
        assert [s["account"] for s in store.list_schedules()] == [lower]
        assert store.get_alert_state(lower)["last_alert_at"] == stamp(4)
        assert len(store.get_progress()) == 1
        rows = store.conn.execute("SELECT account, equipment_checked_at FROM locations").fetchall()
        assert rows == [(lower, stamp(3))]
        rows = store.conn.execute("SELECT account, make FROM dispensers").fetchall()
        assert rows == [(lower, upper)]  # the dispenser seen last (under the upper-case name)
        assert store.integrity_check() == "ok"
        assert store.find_account("Tech@Example.Com").username == lower
