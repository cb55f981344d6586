"""`wosync backup` and `wosync restore` on real files, and the daemon's seven daily backups.

A backup is checked the way a user would rely on it: it opens on its own (no -wal beside it),
passes integrity_check, holds what the database held, and is mode 0600. A restore is refused
for anything that is not a sound wosync database of a known version, and while the daemon, a
sync or another wosync command has the database; otherwise the backup is in place and the
previous file is kept.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wosync import config
from wosync.backup import DAILY_KEEP, backup_to, daily_backup, daily_backups
from wosync.errors import ExitCode
from wosync.fields import SCRAPED_FIELDS
from wosync.locks import FileLock, account_lock_path
from wosync.store import SCHEMA_MIGRATIONS, Store

USER = "tech@example.com"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)


def order(n: int) -> dict:
    record = {name: None for name in SCRAPED_FIELDS}
    record.update(number=f"W-{n}", status="Work Created", customer=f"Customer {n}", items=[])
    return record


def add_orders(store: Store, numbers: range, at: datetime = T0) -> None:
    """Record one successful sync that found the orders W-n for n in `numbers`."""
    store.ensure_account(USER, "http://127.0.0.1:9", at)
    run_id = store.start_run(USER, "manual", None, os.getpid(), at)
    orders = [order(n) for n in numbers]
    store.apply_sync(run_id, USER, orders, [o["number"] for o in orders], {}, {}, [], at,
                     {"status": "success", "items_processed": len(orders), "added": len(orders)}, None, {})


def numbers_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT number FROM work_orders ORDER BY number")]
    finally:
        conn.close()


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def db(wosync_home) -> Path:
    """A database in the data folder with orders W-0..W-9 (closed again)."""
    path = wosync_home / "wosync.db"
    with Store(path) as store:
        add_orders(store, range(10))
    return path


def backup_file_of(result) -> Path:
    assert result.exit_code == 0, result.output
    return Path(result.stdout.split(" to ", 1)[1].split(" (", 1)[0])


# ------------------------------------------------------------------ wosync backup


def test_backup_writes_a_private_self_contained_copy_beside_the_database(cli, db):
    result = cli("backup")
    target = backup_file_of(result)

    assert target.parent == db.parent and target.name.startswith("wosync-backup-") and target.suffix == ".db"
    assert result.stdout.strip().endswith(f"Put it back with `wosync restore {target}`.")
    assert mode_of(target) == 0o600
    assert not Path(f"{target}-wal").exists() and not Path(f"{target}-journal").exists()
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(SCHEMA_MIGRATIONS.steps)
    conn.close()
    assert numbers_in(target) == numbers_in(db)
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_backup_to_a_named_file_and_never_over_an_existing_one(cli, error_line, db, tmp_path):
    target = tmp_path / "elsewhere" / "mine.db"
    target.parent.mkdir()  # a folder that does not exist is refused (tests/store/test_file_targets.py)
    assert backup_file_of(cli("backup", str(target))) == target
    before = checksum(target)
    message = error_line(cli("backup", str(target)), ExitCode.USAGE)
    assert str(target) in message and "already exists" in message
    assert checksum(target) == before
    assert "the folder /proc/nope does not exist" in error_line(cli("backup", "/proc/nope/x.db"), ExitCode.USAGE)


def test_a_backup_taken_while_a_write_is_open_is_the_committed_state(db, tmp_path):
    """The online backup API copies a consistent snapshot: an open transaction is not in it."""
    with Store(db) as store, Store(db) as writer:
        writer.conn.execute("BEGIN IMMEDIATE")
        writer.conn.execute("DELETE FROM work_orders")
        backup_to(store, tmp_path / "snapshot.db")
        writer.conn.execute("ROLLBACK")
    assert len(numbers_in(tmp_path / "snapshot.db")) == 10


# ------------------------------------------------------------------ wosync restore


def test_restore_puts_the_backup_back_and_keeps_the_replaced_database(cli, db):
    target = backup_file_of(cli("backup"))
    with Store(db) as store:  # later syncs: the restored file must not have them
        add_orders(store, range(10, 15), T0 + timedelta(hours=1))
        add_orders(store, range(15, 20), T0 + timedelta(hours=2))

    result = cli("restore", str(target))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Restored {target} as {db}: 10 active work orders; its last sync started ")
    kept = Path(lines[1].removeprefix("The database it replaced is kept as ").rstrip("."))
    assert kept.name.startswith("wosync-before-restore-") and len(numbers_in(kept)) == 20
    assert numbers_in(db) == numbers_in(target)
    assert mode_of(db) == 0o600 and mode_of(kept) == 0o600
    # The restored file is used as usual from then on (WAL again, integrity ok).
    with Store(db) as store:
        assert store.integrity_check() == "ok" and store.count_orders()["active"] == 10
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert cli("status").exit_code == 0


def test_restore_into_an_empty_data_folder(cli, db, tmp_path, monkeypatch):
    target = backup_file_of(cli("backup"))
    monkeypatch.setenv("WOSYNC_HOME", str(tmp_path / "new-machine"))
    result = cli("restore", str(target))
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1  # nothing was replaced
    assert numbers_in(tmp_path / "new-machine" / "wosync.db") == numbers_in(db)


def test_restore_replaces_a_damaged_database(cli, db):
    target = backup_file_of(cli("backup"))
    with open(db, "r+b") as handle:  # garbage over every page but the first
        handle.seek(4096)
        handle.write(os.urandom(db.stat().st_size - 4096))
    assert cli("status").exit_code == ExitCode.USAGE
    assert cli("restore", str(target)).exit_code == 0
    assert cli("status").exit_code == 0
    assert numbers_in(db) == numbers_in(target)


def refuse(cli, error_line, db: Path, source: Path, exit_code: int) -> str:
    before = checksum(db)
    message = error_line(cli("restore", str(source)), exit_code)
    assert checksum(db) == before, "a refused restore changed the database"
    assert not [p for p in db.parent.iterdir() if p.name.startswith((".", "wosync-before-restore-"))]
    return message


def test_restore_refuses_what_is_not_a_sound_wosync_database_of_a_known_version(cli, error_line, db, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 400)
    assert "not a database" in refuse(cli, error_line, db, text, ExitCode.USAGE)

    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    assert "not a wosync database" in refuse(cli, error_line, db, foreign, ExitCode.USAGE)

    damaged = backup_file_of(cli("backup", str(tmp_path / "damaged.db")))
    with open(damaged, "r+b") as handle:
        handle.seek(4096 * 3)
        handle.write(os.urandom(4096 * 2))
    message = refuse(cli, error_line, db, damaged, ExitCode.USAGE)
    assert "cannot be restored" in message and "nothing was changed" in message

    newer = backup_file_of(cli("backup", str(tmp_path / "newer.db")))
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {len(SCHEMA_MIGRATIONS.steps) + 1}")
    conn.close()
    assert "upgrade wosync" in refuse(cli, error_line, db, newer, ExitCode.USAGE)

    assert "does not exist" in refuse(cli, error_line, db, tmp_path / "missing.db", ExitCode.USAGE)
    assert "is the database itself" in refuse(cli, error_line, db, db, ExitCode.USAGE)


def test_restore_is_refused_while_the_daemon_a_sync_or_another_command_uses_the_database(
        cli, error_line, db, tmp_path):
    target = backup_file_of(cli("backup", str(tmp_path / "good.db")))
    now = datetime.now(timezone.utc)

    daemon = FileLock(config.locks_dir() / "daemon.lock", "the wosync daemon")
    daemon.acquire(now)
    try:
        message = refuse(cli, error_line, db, target, ExitCode.ALREADY_RUNNING)
        assert f"the wosync daemon is already running (pid {os.getpid()}" in message and "stop it" in message
    finally:
        daemon.release()

    sync = FileLock(account_lock_path(config.locks_dir(), USER), "a sync")
    sync.acquire(now)
    try:
        assert "a sync is already running" in refuse(cli, error_line, db, target, ExitCode.ALREADY_RUNNING)
    finally:
        sync.release()

    with Store(db):  # e.g. a `wosync watch` in another terminal
        assert "has" in refuse(cli, error_line, db, target, ExitCode.ALREADY_RUNNING)
    assert cli("restore", str(target)).exit_code == 0  # and once all of them are gone, it works


# ------------------------------------------------------------------ the daemon's dailies


def test_daily_backups_one_per_local_day_the_last_seven_kept(wosync_home, local_zone):
    local_zone("America/New_York")
    with Store() as store:
        add_orders(store, range(3))
        manual = backup_to(store, wosync_home / "wosync-backup-20261101-120000.db")
        # 23:30 New York on the 1st is already the 2nd in UTC: the local day names the file.
        start = datetime(2026, 12, 2, 4, 30, tzinfo=timezone.utc)
        made = []
        for day in range(10):
            moment = start + timedelta(days=day)
            made.append(daily_backup(store, moment))
            assert daily_backup(store, moment + timedelta(minutes=10)) is None  # once a day

    names = [p.name for p in daily_backups(wosync_home)]
    assert names == [f"wosync-daily-2026-12-{day:02d}.db" for day in range(4, 11)]
    assert len(names) == DAILY_KEEP and made[0].name == "wosync-daily-2026-12-01.db"
    for path in daily_backups(wosync_home):
        assert mode_of(path) == 0o600 and numbers_in(path) == ["W-0", "W-1", "W-2"]
    assert manual.exists()  # only the daemon's own dailies are ever deleted


def test_the_daemon_backs_up_when_idle_and_not_while_a_sync_runs(wosync_home):
    import threading

    from wosync.daemon import Daemon

    with Store() as store:
        add_orders(store, range(3))
        daemon = Daemon(store_factory=lambda: store)
        daemon.store = store
        busy = threading.Event()
        daemon._worker = threading.Thread(target=busy.wait, daemon=True)
        daemon._worker.start()
        daemon._daily_backup()
        assert daily_backups(wosync_home) == []  # a sync runs: not now
        busy.set()
        daemon._worker.join()
        daemon._daily_backup()
        assert len(daily_backups(wosync_home)) == 1


def old_daily(folder: Path, day: str, made: datetime) -> Path:
    """Write a daily backup file named for `day` whose modification time is `made`."""
    path = folder / f"wosync-daily-{day}.db"
    path.write_bytes(b"an earlier daily backup")
    os.utime(path, (made.timestamp(), made.timestamp()))
    return path


def test_after_the_clock_was_set_ahead_todays_daily_is_kept_and_the_wrong_ones_go(wosync_home, local_zone):
    local_zone("UTC")
    now = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
    with Store() as store:
        add_orders(store, range(2))
        # A week of dailies made while the clock said June 2027: their names and times are wrong.
        ahead = [old_daily(wosync_home, f"2027-06-{day:02d}", datetime(2027, 6, day, 12, 0, tzinfo=timezone.utc))
                 for day in range(1, 8)]
        made = daily_backup(store, now)

    assert made is not None and made.exists(), "today's backup was deleted the moment it was made"
    assert made.name == "wosync-daily-2026-12-06.db" and numbers_in(made) == ["W-0", "W-1"]
    assert made.stat().st_mtime == now.timestamp()
    assert len(daily_backups(wosync_home)) == DAILY_KEEP
    assert [p for p in ahead if not p.exists()] == [ahead[-1]]  # one of the wrong clock's, not today's


def test_dailies_rotate_by_their_files_age_not_their_names(wosync_home, local_zone):
    local_zone("UTC")
    now = datetime(2026, 12, 10, 12, 0, tzinfo=timezone.utc)
    folder = wosync_home
    folder.mkdir(parents=True, exist_ok=True)
    # Named in one order, made in another: the file named the 9th is the oldest.
    made_days = {9: 1, 1: 2, 2: 3, 3: 4, 4: 5, 5: 6, 6: 7, 7: 8}
    files = {name: old_daily(folder, f"2026-12-{name:02d}", datetime(2026, 12, made, tzinfo=timezone.utc))
             for name, made in made_days.items()}
    with Store() as store:
        made = daily_backup(store, now)
    assert made.exists()
    gone = sorted(name for name, path in files.items() if not path.exists())
    assert gone == [1, 9]  # the two oldest by their files' times; 7 kept with today's


def test_the_rotation_rule_never_deletes_the_backup_just_made():
    from wosync.backup_rotation import to_delete

    now = datetime(2026, 12, 6, tzinfo=timezone.utc).timestamp()
    day = 86400.0
    entries = [(Path(f"d{n}.db"), now - n * day) for n in range(1, 10)]
    just_made = Path("today.db")
    future = (Path("ahead.db"), now + 30 * day)
    result = to_delete([*entries, future, (just_made, now - 90 * day)], 3, now, just_made)
    # Kept: the one just made (whatever its time says) and the two newest believable ones.
    assert result == [future[0], *[p for p, _ in reversed(entries[2:])]]
    assert to_delete([(just_made, now)], 0, now, just_made) == []
    assert to_delete([(Path("a.db"), now)], 0, now) == [Path("a.db")]
