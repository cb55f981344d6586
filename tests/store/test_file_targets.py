"""Files wosync writes at a path a user names: only regular files, never the database.

`calendar --output`, `schedule create/update --calendar`, `backup FILE` and `daemon --log-file`
all go through wosync.safe_paths.output_target: the database and its -wal/-shm are refused
(a feed written there used to replace the data), a link is followed (the file it points to is
replaced, the link stays), a pipe or device is refused (an atomic rename used to replace the
node itself), an empty path is called empty, and a folder that does not exist is named, not
created. Commands that only read create no data folder and no database where there is none.
Everything runs on real files under tmp_path and a real SQLite database.
"""

from __future__ import annotations

import hashlib
import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wosync.errors import ExitCode
from wosync.store import Store

ACCOUNT = "tech@example.com"
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def no_daemon(monkeypatch):
    """`daemon --log-file` must be refused before the daemon starts: if it starts, fail at once."""
    import wosync.daemon

    def refuse(*args, **kwargs):
        raise AssertionError("the daemon started with a log file that should have been refused")

    monkeypatch.setattr(wosync.daemon, "serve", refuse)


@pytest.fixture
def db(wosync_home) -> Path:
    """A real database in the data folder with one account and one stored order; return its path."""
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
        assert store.path == wosync_home / "wosync.db"
        return store.path


# ------------------------------------------------------------------ never the database


@pytest.mark.parametrize("name", ["wosync.db", "wosync.db-wal", "wosync.db-shm"])
def test_a_calendar_is_never_written_over_the_database_or_its_side_files(cli, error_line, db, name):
    before = sha256(db)
    message = error_line(cli("calendar", "--output", str(db.parent / name)), ExitCode.USAGE)
    assert "wosync's database" in message, message
    assert sha256(db) == before
    assert not (db.parent / "wosync.db-wal").exists() or name != "wosync.db-wal"
    with Store(db) as store:  # still the database, with its account
        assert [a.username for a in store.list_accounts()] == [ACCOUNT]


def test_a_hard_link_to_the_database_is_the_database(cli, error_line, db, tmp_path):
    link = tmp_path / "innocent.ics"
    os.link(db, link)
    before = sha256(db)
    assert "wosync's database" in error_line(cli("calendar", "--output", str(link)), ExitCode.USAGE)
    assert sha256(db) == before and os.path.samefile(db, link)


def test_the_other_writers_refuse_the_database_too(cli, error_line, db, tmp_path):
    before = sha256(db)
    message = error_line(cli("schedule", "create", "--interval", "1", "--calendar", str(db)), ExitCode.USAGE)
    assert "wosync's database" in message
    assert cli("schedule", "list", "--json").stdout == "[]\n"  # nothing stored either
    assert "wosync's database" in error_line(cli("daemon", "--log-file", str(db)), ExitCode.USAGE)
    # A backup named like the -wal of a closed database would be read as its WAL next time.
    wal = db.parent / "wosync.db-wal"
    assert not wal.exists()
    assert "wosync's database" in error_line(cli("backup", str(wal)), ExitCode.USAGE)
    assert not wal.exists()
    assert sha256(db) == before


def test_any_sqlite_file_is_never_overwritten_by_a_feed(cli, error_line, db, tmp_path):
    other = tmp_path / "other.db"
    with Store(other):
        pass
    before = sha256(other)
    assert "SQLite database" in error_line(cli("calendar", "--output", str(other)), ExitCode.USAGE)
    assert sha256(other) == before


# ------------------------------------------------------------------ links, pipes, devices, folders


def test_a_link_is_followed_and_stays_a_link(cli, db, tmp_path):
    real = tmp_path / "synced" / "visits.ics"
    real.parent.mkdir()
    real.write_text("old feed\n")
    link = tmp_path / "visits.ics"
    link.symlink_to(real)

    result = cli("calendar", "--output", str(link))

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert f"to {real} (through the link {link})" in result.stderr
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert sorted(p.name for p in real.parent.iterdir()) == ["visits.ics"]  # no temporary left


def test_a_schedule_keeps_its_calendar_link_and_writes_where_it_points(cli, db, tmp_path):
    real = tmp_path / "synced" / "visits.ics"
    real.parent.mkdir()
    link = tmp_path / "visits.ics"
    link.symlink_to(real)

    result = cli("schedule", "create", "--interval", "1", "--calendar", str(link))

    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_bytes().startswith(b"BEGIN:VCALENDAR")
    with Store(db) as store:  # the link is stored, so a later rewrite follows it again
        assert [row["calendar_path"] for row in store.list_schedules()] == [str(link)]


def test_a_dangling_link_writes_where_it_points_and_a_backup_never_follows_one(cli, error_line, db, tmp_path):
    real = tmp_path / "feeds" / "new.ics"
    real.parent.mkdir()
    link = tmp_path / "new.ics"
    link.symlink_to(real)
    assert cli("calendar", "--output", str(link)).exit_code == 0
    assert link.is_symlink() and real.read_bytes().startswith(b"BEGIN:VCALENDAR")

    gone = tmp_path / "gone.ics"
    gone.symlink_to(tmp_path / "missing-folder" / "x.ics")
    message = error_line(cli("calendar", "--output", str(gone)), ExitCode.USAGE)
    assert f"the folder {tmp_path / 'missing-folder'} does not exist" in message
    assert gone.is_symlink() and not (tmp_path / "missing-folder").exists()

    backup_link = tmp_path / "backup.db"
    backup_link.symlink_to(tmp_path / "elsewhere.db")
    assert "already exists" in error_line(cli("backup", str(backup_link)), ExitCode.USAGE)
    assert not (tmp_path / "elsewhere.db").exists()


def test_a_pipe_is_refused_and_left_a_pipe(cli, error_line, db, tmp_path):
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    for args in (["calendar", "--output", str(fifo)], ["daemon", "--log-file", str(fifo)],
                 ["schedule", "create", "--interval", "1", "--calendar", str(fifo)]):
        message = error_line(cli(*args), ExitCode.USAGE)
        assert "not a regular file" in message, args
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode), f"{args} replaced the pipe"


def test_a_device_is_refused_left_a_device_and_dash_is_stdout(cli, error_line, db, tmp_path):
    # A node of its own (the same as /dev/null): as root, a rename over a device replaces it.
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    for args in (["calendar", "--output", str(device)], ["daemon", "--log-file", str(device)]):
        assert "not a regular file" in error_line(cli(*args), ExitCode.USAGE), args
        assert stat.S_ISCHR(os.lstat(device).st_mode), f"{args} replaced the device node"
    result = cli("calendar", "--output", "-")
    assert result.exit_code == 0 and result.stdout.startswith("BEGIN:VCALENDAR")
    assert not Path("-").exists()


def test_an_empty_path_is_called_empty_and_a_folder_a_folder(cli, error_line, db, tmp_path):
    assert "the path is empty" in error_line(cli("calendar", "--output", ""), ExitCode.USAGE)
    assert "the path is empty" in error_line(
        cli("schedule", "create", "--interval", "1", "--calendar", " "), ExitCode.USAGE)
    assert "is a folder" in error_line(cli("calendar", "--output", str(tmp_path)), ExitCode.USAGE)
    assert "names a folder" in error_line(cli("calendar", "--output", f"{tmp_path}/new.ics/"), ExitCode.USAGE)


@pytest.mark.parametrize("args", [
    ["backup", "{missing}/x.db"],
    ["calendar", "--output", "{missing}/x.ics"],
    ["schedule", "create", "--interval", "1", "--calendar", "{missing}/x.ics"],
    ["daemon", "--log-file", "{missing}/wosync.log"],
], ids=["backup", "calendar", "schedule-calendar", "log-file"])
def test_a_missing_folder_is_named_and_never_created(cli, error_line, db, tmp_path, args):
    missing = tmp_path / "nonexistent" / "deeper"
    message = error_line(cli(*[a.format(missing=missing) for a in args]), ExitCode.USAGE)
    assert f"the folder {missing} does not exist" in message
    assert not (tmp_path / "nonexistent").exists()


# ------------------------------------------------------------------ backups get their own name


def test_two_backups_in_one_second_get_two_names(cli, db, monkeypatch):
    from wosync.cli import common

    monkeypatch.setattr(common, "clock", lambda: T0)
    first, second = cli("backup"), cli("backup")
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    made = sorted(p.name for p in db.parent.glob("wosync-backup-*.db"))
    stamp = T0.astimezone().strftime("%Y%m%d-%H%M%S")  # the name is in local time
    assert made == [f"wosync-backup-{stamp}-2.db", f"wosync-backup-{stamp}.db"]
    for name in made:
        assert name in first.stdout + second.stdout


# ------------------------------------------------------------------ reading creates nothing


READ_ONLY = [["status"], ["status", "--json"], ["status", "--line"], ["orders"], ["orders", "--json"],
             ["history"], ["changes"], ["dispensers"], ["calendar"], ["schedule", "list"]]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_reading_without_a_data_folder_shows_nothing_yet_and_creates_nothing(cli, wosync_home, args):
    assert not wosync_home.exists()
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert not wosync_home.exists(), f"`wosync {' '.join(args)}` created {sorted(wosync_home.rglob('*'))}"


def test_doctor_without_a_data_folder_says_nothing_yet_and_creates_nothing(cli, wosync_home, monkeypatch):
    import wosync.actions.doctor as doctor

    monkeypatch.setattr(doctor, "check_browser", lambda: [])  # no Chromium needed here
    result = cli("doctor")
    assert result.exit_code == 1  # as before: no account yet is a failed check
    assert "nothing yet: no database at" in result.stdout
    assert not wosync_home.exists()


def test_the_status_line_process_creates_nothing(data_folder):
    """`status --line` skips Typer (wosync.cli.main): run as a status bar runs it."""
    from support.run import wosync

    result = wosync("status", "--line", env=data_folder.env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "0 orders" in result.stdout
    assert not data_folder.home.exists()


def test_reading_an_empty_existing_folder_creates_no_database(cli, wosync_home):
    wosync_home.mkdir(mode=0o700)
    assert cli("orders").exit_code == 0
    assert list(wosync_home.iterdir()) == []
