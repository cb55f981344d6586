"""A damaged database is refused before anything is written to it, by every command that opens it.

"nothing was written to it" (the DatabaseDamaged message) must be true to the byte: the file's
sha256 and whether a -wal or -shm exists beside it are the same after each command. The file
is a real database, closed in WAL mode (as wosync leaves it) or in journal mode DELETE (as a
restored backup is), then damaged: random bytes over its middle pages, or cut to 99 %.
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
from wosync.errors import ExitCode
from wosync.fields import SCRAPED_FIELDS
from wosync.store import Store
from support.damage import cut_to_99_percent, overwrite_middle_pages

USER = "tech@example.com"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)

COMMANDS = [["status"], ["status", "--line"], ["orders"], ["history"], ["sync-now"], ["schedule", "list"],
            ["calendar"], ["backup"], ["doctor"]]


def order(n: int) -> dict:
    record = {name: None for name in SCRAPED_FIELDS}
    record.update(number=f"W-{n}", status="Work Created", customer=f"Customer {n} " + "x" * 200, items=[])
    return record


def seed(path: Path, journal_mode: str, count: int = 2000) -> None:
    """Create a database with one account, one schedule and one sync of `count` orders, closed
    in `journal_mode` (wal: as wosync leaves it; delete: as `restore` puts a backup in place)."""
    with Store(path) as store:
        store.ensure_account(USER, "http://127.0.0.1:9", T0)
        store.create_schedule(USER, 1.0, None, None, "UTC", False, None, T0)
        run_id = store.start_run(USER, "manual", None, os.getpid(), T0)
        orders = [order(n) for n in range(count)]
        store.apply_sync(run_id, USER, orders, [o["number"] for o in orders], {}, {}, [], T0,
                         {"status": "success", "items_processed": count, "added": count}, None, {})
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal_mode}")
    conn.close()


def state_of(path: Path) -> tuple[str, bool, bool]:
    """Return (sha256 of the file, whether its -wal exists, whether its -shm exists)."""
    return (hashlib.sha256(path.read_bytes()).hexdigest(), Path(f"{path}-wal").exists(),
            Path(f"{path}-shm").exists())


class Untouchable:
    """A sync source that fails the test if a sync ever gets as far as scraping."""

    def __call__(self, account, password, on_page, cancel):
        raise AssertionError("a sync scraped the account of a damaged database")


@pytest.fixture
def no_browser(monkeypatch):
    """No Chromium in these tests: sync-now scrapes nothing, doctor does not start a browser."""
    import wosync.actions.doctor as doctor

    monkeypatch.setattr(wosync.sync, "run_sync", functools.partial(wosync.sync.run_sync, source=Untouchable()))
    monkeypatch.setattr(doctor, "check_browser", lambda: [])
    monkeypatch.setenv("WOSYNC_USERNAME", USER)
    monkeypatch.setenv("WOSYNC_PASSWORD", "not used")


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
@pytest.mark.parametrize("damage", [overwrite_middle_pages, cut_to_99_percent], ids=["garbage-pages", "cut-99"])
def test_every_command_that_opens_the_store_leaves_a_damaged_file_as_it_was(
        cli, wosync_home, no_browser, journal_mode, damage):
    path = wosync_home / "wosync.db"
    seed(path, journal_mode)
    damage(path)
    before = state_of(path)
    assert not before[1] and not before[2]

    for command in COMMANDS:
        result = cli(*command)
        shown = " ".join(command)
        assert state_of(path) == before, f"`wosync {shown}` wrote to the damaged database"
        if command == ["doctor"]:
            assert result.exit_code == 1 and "is damaged" in result.stdout, result.output
            continue
        assert result.exit_code == ExitCode.USAGE, (shown, result.output)
        assert "is damaged" in result.stderr and "nothing was written to it" in result.stderr, (shown, result.stderr)
    assert not list(wosync_home.glob("wosync-backup-*"))


def test_a_damaged_live_database_is_read_through_its_wal_and_not_written(wosync_home, no_browser, cli):
    """With a -wal beside it (another process has it open) the check reads through that -wal."""
    path = wosync_home / "wosync.db"
    seed(path, "wal")
    holder = sqlite3.connect(path)  # keeps the -wal and -shm, as a running daemon does
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE work_orders SET customer = customer || '!'")
    holder.commit()
    try:
        overwrite_middle_pages(path)
        before = state_of(path)
        assert before[1] and before[2]
        result = cli("status")
        assert result.exit_code == ExitCode.USAGE and "is damaged" in result.stderr
        assert state_of(path) == before
    finally:
        holder.close()


def test_a_sound_database_in_journal_mode_delete_is_opened_and_switched_to_wal(cli, wosync_home):
    """The read-only check is only a check: a sound restored file is used as before."""
    path = wosync_home / "wosync.db"
    seed(path, "delete", count=20)
    result = cli("orders", "--json")
    assert result.exit_code == 0 and "W-19" in result.stdout
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_a_write_cut_short_in_journal_mode_delete_is_rolled_back_then_opened(cli, wosync_home):
    """A hot -journal (a process killed mid-write) is not damage: SQLite puts the last commit back."""
    import subprocess
    import sys

    path = wosync_home / "wosync.db"
    seed(path, "delete", count=20)
    cut_short = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA cache_size = 1')\n"  # spill pages to the file before the commit
        "conn.execute('BEGIN')\n"
        "conn.execute(\"UPDATE work_orders SET customer = hex(randomblob(3000))\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", cut_short, str(path)], check=True)
    assert Path(f"{path}-journal").exists()

    result = cli("orders", "--json")

    assert result.exit_code == 0, result.output
    assert "Customer 19 " in result.stdout  # the committed names, not the cut-short update
    assert not Path(f"{path}-journal").exists()
