"""A newer, damaged or full database: refused or reported with the fix, never written into.

Every test works on a real SQLite file: one written by a "newer wosync" (a higher user_version),
one with garbage pages in the middle (header intact), one cut to 99 % of its size, and one on a
real 2 MB tmpfs that fills up during a sync. Checksums prove that nothing was written.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

import wosync.sync
from wosync.errors import DiskFull, ExitCode
from wosync.fields import SCRAPED_FIELDS
from wosync.store import SCHEMA_MIGRATIONS, Store

from support.disks import tmpfs
from support.damage import cut_to_99_percent, overwrite_middle_pages

USER = "tech@example.com"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
KNOWN = len(SCHEMA_MIGRATIONS.steps)


def order(n: int, filler: int = 200) -> dict:
    """Return a scraped order W-n with a long customer name (so a few thousand fill many pages)."""
    record = {name: None for name in SCRAPED_FIELDS}
    record.update(number=f"W-{n}", status="Work Created", customer=f"Customer {n} " + "x" * filler, items=[])
    return record


def seed(path: Path, count: int = 3000) -> None:
    """Create a database at `path` with one account and one successful sync of `count` orders."""
    with Store(path) as store:
        store.ensure_account(USER, "http://127.0.0.1:9", T0)
        run_id = store.start_run(USER, "manual", None, os.getpid(), T0)
        orders = [order(n) for n in range(count)]
        store.apply_sync(run_id, USER, orders, [o["number"] for o in orders], {}, {}, [], T0,
                         {"status": "success", "items_processed": count, "added": count}, None, {})


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Untouchable:
    """A source for run_sync that fails the test if a sync ever gets as far as scraping."""

    calls = 0

    def __call__(self, account, password, on_page, cancel):
        Untouchable.calls += 1
        raise AssertionError("the sync scraped a damaged database's account")


@pytest.fixture
def scripted_sync(monkeypatch):
    """Return use(source): make `wosync sync-now` (in-process) sync through `source`."""

    def use(source) -> None:
        monkeypatch.setattr(wosync.sync, "run_sync", functools.partial(wosync.sync.run_sync, source=source))

    return use


# --------------------------------------------------------------------- a newer database


def make_newer(path: Path, journal_mode: str) -> int:
    """Seed a database, then make it look written by a newer wosync (in `journal_mode`)."""
    seed(path, count=20)
    newer = KNOWN + 3
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    return newer


NEWER_COMMANDS = [
    ["status"], ["status", "--json"], ["history"], ["orders"], ["orders", "--json"], ["changes"],
    ["schedule", "list"], ["schedule", "create", "--interval", "1"], ["schedule", "pause", "1"],
    ["sync-now"], ["notify", "list"], ["notify", "add", "json://127.0.0.1:9/"], ["backup"],
]


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_a_newer_database_is_refused_by_every_command_and_left_byte_for_byte(
        cli, error_line, wosync_home, journal_mode, monkeypatch):
    path = wosync_home / "wosync.db"
    newer = make_newer(path, journal_mode)
    before = checksum(path)
    monkeypatch.setenv("WOSYNC_USERNAME", USER)
    monkeypatch.setenv("WOSYNC_PASSWORD", "not used")

    for command in NEWER_COMMANDS:
        message = error_line(cli(*command), ExitCode.USAGE)
        assert f"schema version {newer}" in message and f"up to version {KNOWN}" in message, command
        assert "upgrade wosync" in message, command
        assert checksum(path) == before, f"`wosync {' '.join(command)}` changed the file"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == newer
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == journal_mode
    conn.close()


def test_a_newer_database_in_the_daemon_and_doctor_is_named_too(wosync_home):
    from wosync.actions.doctor import check_database

    path = wosync_home / "wosync.db"
    make_newer(path, "delete")
    before = checksum(path)
    checks, store = check_database()
    assert store is None
    assert checks[0].status == "FAILED" and "upgrade wosync" in checks[0].detail
    assert checksum(path) == before


# --------------------------------------------------------------------- a damaged database


@pytest.mark.parametrize("damage", [overwrite_middle_pages, cut_to_99_percent], ids=["garbage-pages", "cut-99"])
def test_sync_now_refuses_a_damaged_database_before_writing_anything(
        cli, error_line, wosync_home, scripted_sync, monkeypatch, damage):
    path = wosync_home / "wosync.db"
    seed(path)
    damage(path)
    before = checksum(path)
    scripted_sync(Untouchable())
    monkeypatch.setenv("WOSYNC_USERNAME", USER)
    monkeypatch.setenv("WOSYNC_PASSWORD", "not used")
    Untouchable.calls = 0

    message = error_line(cli("sync-now"), ExitCode.USAGE)

    assert "is damaged" in message and "nothing was written" in message
    assert "wosync restore FILE" in message and "move it aside" in message
    assert Untouchable.calls == 0
    assert checksum(path) == before


def test_the_quick_check_runs_before_the_run_row(wosync_home):
    """In-process, with a store that opened fine: the damaged file gets no `runs` row."""
    from wosync.clock import system_clock
    from wosync.errors import DatabaseDamaged
    from wosync.sync import run_sync

    path = wosync_home / "wosync.db"
    seed(path)
    with Store(path) as store:
        account = store.find_account(USER)
        runs_before = len(store.list_runs())
        overwrite_middle_pages_live(store)
        before = checksum(path)
        with pytest.raises(DatabaseDamaged) as raised:
            run_sync(store, account, system_clock, source=Untouchable())
        assert raised.value.exit_code == ExitCode.USAGE
        assert checksum(path) == before
    # Read raw: Store itself now refuses the damaged file before opening it for writing.
    reopened_raw = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    assert len(reopened_raw.execute("SELECT id FROM runs").fetchall()) == runs_before
    reopened_raw.close()


def overwrite_middle_pages_live(store: Store) -> None:
    """Damage the file under an open store: checkpoint first so the pages live in the main file."""
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    overwrite_middle_pages(store.path)


@pytest.mark.parametrize("damage", [overwrite_middle_pages, cut_to_99_percent], ids=["garbage-pages", "cut-99"])
def test_status_on_a_damaged_database_is_one_error_line(cli, error_line, wosync_home, damage):
    path = wosync_home / "wosync.db"
    seed(path)
    damage(path)
    message = error_line(cli("status"), ExitCode.USAGE)
    assert "is damaged" in message and "wosync restore FILE" in message


# --------------------------------------------------------------------- a full disk


@pytest.fixture
def tiny_disk(tmp_path):
    """Mount a 2 MB tmpfs and return its path (unmounted afterwards); skip where mount is not allowed."""
    with tmpfs(tmp_path / "tiny-disk", "2m") as folder:
        yield folder


def fill(folder: Path, leave_bytes: int) -> Path:
    """Write a filler file in `folder` until only about `leave_bytes` are free; return it."""
    filler = folder / "filler"
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(free - leave_bytes, 0))
    return filler


class ManyOrders:
    """A source that reads `count` orders (about 0.5 kB each stored), enough to fill the disk."""

    def __init__(self, count: int):
        self.count = count

    def __call__(self, account, password, on_page, cancel):
        from dataclasses import dataclass, field

        @dataclass
        class Outcome:
            orders: list = field(default_factory=list)
            matches: int = 0
            rows_read: int = 0
            completeness: str | None = "count"

        orders = [order(n, filler=400) for n in range(self.count)]
        return Outcome(orders, self.count, self.count)


def test_a_full_disk_fails_the_run_with_disk_full_exit_1_naming_the_folder(
        cli, tiny_disk, monkeypatch, scripted_sync):
    home = tiny_disk / "wosync"
    monkeypatch.setenv("WOSYNC_HOME", str(home))
    monkeypatch.setenv("WOSYNC_USERNAME", USER)
    monkeypatch.setenv("WOSYNC_PASSWORD", "not used")
    seed(home / "wosync.db", count=10)
    fill(tiny_disk, leave_bytes=300_000)
    scripted_sync(ManyOrders(3000))  # about 1.5 MB to store: more than is left

    result = cli("sync-now")

    assert result.exit_code == ExitCode.SYNC_FAILED, result.output
    assert "Traceback" not in result.output
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error: sync failed: disk full:")
    assert str(home) in error
    for advice in ("move", "delete", "remove", "aside"):
        assert advice not in error.lower()
    with Store(home / "wosync.db") as store:
        run = store.latest_run()
        assert (run["status"], run["error_kind"]) == ("failed", "disk_full")
        assert "disk full" in run["error_message"]
        assert store.count_orders() == {"active": 10, "completed": 0}  # the old orders are intact
        assert store.integrity_check() == "ok"

    # Later commands (still no space) neither relabel the run nor advise moving the database.
    history = cli("history", "--json")
    assert history.exit_code == 0, history.output
    assert '"status": "failed"' in history.stdout and "interrupted" not in history.stdout
    status = cli("status")
    assert "aside" not in status.output and "interrupted" not in status.output


def test_a_full_disk_at_the_first_write_is_the_disk_full_error(cli, error_line, tiny_disk, monkeypatch):
    home = tiny_disk / "wosync"
    monkeypatch.setenv("WOSYNC_HOME", str(home))
    seed(home / "wosync.db", count=10)
    fill(tiny_disk, leave_bytes=0)  # not one WAL frame fits

    message = error_line(cli("schedule", "create", "--interval", "1"), ExitCode.SYNC_FAILED)
    assert message.startswith("Error: disk full:") and str(home) in message
    assert "aside" not in message and "delete" not in message


def test_disk_full_through_sqlite_max_page_count_records_the_run_failed(wosync_home):
    """The same path without a mount: SQLite's page limit gives the very same SQLITE_FULL."""
    from wosync.clock import system_clock
    from wosync.sync import SyncOptions, run_sync

    seed(wosync_home / "wosync.db", count=10)
    with Store(wosync_home / "wosync.db") as store:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages + 20}")
        run = run_sync(store, store.find_account(USER), system_clock, SyncOptions(notify=False),
                       source=ManyOrders(3000))
        assert (run["status"], run["error_kind"]) == ("failed", "disk_full")
        assert run["error_message"] == DiskFull(wosync_home).message
        assert store.count_orders()["active"] == 10
