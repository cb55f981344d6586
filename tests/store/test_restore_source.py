"""`wosync restore FILE` reads its source through SQLite, and refuses what cannot be restored at once.

The source is read with the online backup API from a read-only connection, so a -wal beside
it (a copy of a live WAL database, whose last sync is only in the -wal) is part of what is
restored, and the source itself is left as it was. A file that is not an SQLite database is
refused from its first bytes, before anything is copied (a 3 GB sparse file, 100 MB of random
bytes); a database too big for the free space is refused naming both sizes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wosync.errors import ExitCode
from wosync.fields import SCRAPED_FIELDS
from wosync.store import Store

from support.disks import tmpfs

USER = "tech@example.com"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)


def order(n: int, filler: int = 0) -> dict:
    record = {name: None for name in SCRAPED_FIELDS}
    record.update(number=f"W-{n}", status="Work Created", customer=f"Customer {n} " + "x" * filler, items=[])
    return record


def sync(store: Store, numbers: range, at: datetime, filler: int = 0) -> None:
    """Record one successful sync that stored the orders `numbers`."""
    run_id = store.start_run(USER, "manual", None, os.getpid(), at)
    orders = [order(n, filler) for n in numbers]
    store.apply_sync(run_id, USER, orders, [o["number"] for o in orders], {}, {}, [], at,
                     {"status": "success", "items_processed": len(orders), "added": len(orders)}, None, {})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Names restore must not leave in the data folder when it refuses: temporaries, kept copies."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".", "wosync-before-restore-")))


@pytest.fixture
def db(wosync_home) -> Path:
    """The current database: one account, orders W-1..W-3; return its path."""
    with Store() as store:
        store.ensure_account(USER, "http://127.0.0.1:9", T0)
        sync(store, range(1, 4), T0)
        return store.path


def stored_numbers(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return sorted(row[0] for row in conn.execute("SELECT number FROM work_orders"))
    finally:
        conn.close()


def test_a_copy_of_a_live_wal_database_is_restored_with_its_last_sync(cli, db, tmp_path):
    """The copy's last sync (W-100..W-104) is only in its -wal: it is restored all the same."""
    live = tmp_path / "other-home" / "wosync.db"
    live.parent.mkdir()
    with Store(live) as store:
        store.ensure_account(USER, "http://127.0.0.1:9", T0)
        sync(store, range(10, 12), T0)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")  # the next sync stays in the -wal
        sync(store, range(100, 105), T0.replace(hour=11))
        copy = tmp_path / "copied.db"
        shutil.copyfile(live, copy)  # what `cp wosync.db* somewhere/` of a running wosync gives
        shutil.copyfile(f"{live}-wal", f"{copy}-wal")
    source_state = (sha256(copy), sha256(Path(f"{copy}-wal")))

    result = cli("restore", str(copy))

    assert result.exit_code == 0, result.output
    assert "its last sync started" in result.stdout
    assert stored_numbers(db) == ["W-10", "W-100", "W-101", "W-102", "W-103", "W-104", "W-11"]
    # The source is only read: the same bytes, its -wal still there, no -shm left beside it.
    assert (sha256(copy), sha256(Path(f"{copy}-wal"))) == source_state
    assert not Path(f"{copy}-shm").exists()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def refused(cli, error_line, db: Path, source: Path, exit_code: int = ExitCode.USAGE) -> tuple[str, float]:
    """Restore `source`, expect one error line; check nothing changed; return (message, seconds)."""
    before = sha256(db)
    started = time.monotonic()
    result = cli("restore", str(source))
    seconds = time.monotonic() - started
    message = error_line(result, exit_code)
    assert sha256(db) == before
    assert leftovers(db.parent) == []
    return message, seconds


def test_a_3_gb_sparse_file_is_refused_at_once(cli, error_line, db, tmp_path):
    sparse = tmp_path / "sparse.db"
    with open(sparse, "wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB of zeros that take no disk space
    message, seconds = refused(cli, error_line, db, sparse)
    assert "not a database" in message and "nothing was changed" in message, message
    assert seconds < 2, f"refused after {seconds:.1f} s: it was read or copied first"


def test_100_mb_of_random_bytes_is_not_a_database_and_not_a_full_disk(cli, error_line, db, tmp_path):
    noise = tmp_path / "noise.db"
    with open(noise, "wb") as handle:
        for _ in range(100):
            handle.write(os.urandom(1024 * 1024))
    message, seconds = refused(cli, error_line, db, noise)
    assert "not a database" in message and "disk full" not in message, message
    assert seconds < 2, f"refused after {seconds:.1f} s"


def test_a_foreign_sqlite_database_is_refused_before_it_is_copied(cli, error_line, db, tmp_path):
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t SELECT zeroblob(1000000) FROM (SELECT 1 UNION SELECT 2 UNION SELECT 3)")
    conn.commit()
    conn.close()
    message, _ = refused(cli, error_line, db, foreign)
    assert "not a wosync database" in message


@pytest.fixture
def small_disk(tmp_path):
    """Mount a 3 MB tmpfs and return its path (unmounted afterwards); skip where mount is not allowed."""
    with tmpfs(tmp_path / "small-disk", "3m") as folder:
        yield folder


def test_a_backup_bigger_than_the_free_space_is_refused_naming_both_sizes(
        cli, error_line, small_disk, tmp_path, monkeypatch):
    home = small_disk / "wosync"
    monkeypatch.setenv("WOSYNC_HOME", str(home))
    with Store() as store:
        store.ensure_account(USER, "http://127.0.0.1:9", T0)
        sync(store, range(1, 4), T0)
        db = store.path
    big = tmp_path / "big.db"
    with Store(big) as store:  # about 5 MB of orders: more than the small disk has left
        store.ensure_account(USER, "http://127.0.0.1:9", T0)
        sync(store, range(1, 5000), T0, filler=800)
    assert big.stat().st_size > shutil.disk_usage(small_disk).free

    message, _ = refused(cli, error_line, db, big)

    assert "not enough free space to restore" in message, message
    assert str(home) in message and "MB free" in message and "nothing was changed" in message
    assert stored_numbers(db) == ["W-1", "W-2", "W-3"]

    # Random bytes are "not a database" here too: never copied, so never "disk full".
    noise = tmp_path / "noise.db"
    with open(noise, "wb") as handle:
        for _ in range(100):
            handle.write(os.urandom(1024 * 1024))
    message, _ = refused(cli, error_line, db, noise)
    assert "not a database" in message and "disk full" not in message, message
