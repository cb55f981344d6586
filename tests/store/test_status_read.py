"""wosync.status_read, the read-only reader `status --line` and `status` use: it agrees with the
Store it stands in for (constants, rows, the line and the report drawn from either), and hands
every case it does not answer to the Store (StoreNeeded)."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from wosync import busy, config, status_read
from wosync.status import _clean, status_line, status_report
from wosync.store import Store
from wosync.store.schema import SCHEMA_MIGRATIONS
from wosync.text import clean
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def test_its_constants_are_the_stores():
    assert status_read.SCHEMA_VERSION == len(SCHEMA_MIGRATIONS.steps)
    assert status_read.DB_FILE_NAME == config.DB_FILE_NAME
    assert status_read.STATUS_LINE_WAIT == busy.STATUS_LINE_WAIT
    assert (status_read.BUSY_TIMEOUT_ENV, status_read.MAX_BUSY_TIMEOUT) == (busy.BUSY_TIMEOUT_ENV, busy.MAX_BUSY_TIMEOUT)


@pytest.mark.parametrize("value", [None, 7, "tech@example.com", "two  spaces", " outer", "tab\there", "é accent",
                                   "\x1b[31mred\x1b[0m", "line\nbreak", "‮reversed", ""])
def test_the_lines_clean_is_wosync_text_clean(value):
    assert _clean(value) == clean(value)


@pytest.fixture
def filled(wosync_home):
    """A store with orders, two schedules (one paused), a finished run of each kind and a daemon."""
    with Store() as store:
        store_sync(store, [make_order(n) for n in range(12)], NOW - timedelta(hours=3), schedule_id=None)
        store.create_schedule(ACCOUNT, 1.0, 6, 22, "Europe/Berlin", True, NOW + timedelta(hours=1), NOW)
        store.create_schedule(ACCOUNT, 4.0, None, None, "UTC", False, None, NOW)
        run_id = store.start_run(ACCOUNT, "scheduled", 1, 1, NOW - timedelta(minutes=40))
        store.finish_run(run_id, NOW - timedelta(minutes=39), status="partial", error_kind="incomplete",
                         error_message="read 11 of 12")
        store.set_daemon_state(os.getpid(), "waiting", NOW, started_at=NOW)
    return wosync_home


def test_its_reads_are_the_stores(filled):
    reader = status_read.open_reader(str(filled))
    runs = ("id", "schedule_id", "account", "status", "started_at", "completed_at", "error_kind", "error_message")
    with reader, Store() as store:
        assert reader.list_schedules() == store.list_schedules()
        assert reader.list_schedules(enabled_only=True) == store.list_schedules(enabled_only=True)
        assert reader.count_orders() == store.count_orders()
        assert reader.get_daemon_state() == store.get_daemon_state()
        assert reader.get_progress() == store.get_progress()
        assert [(a.username, a.base_url) for a in reader.list_accounts()] == list(map(tuple, store.list_accounts()))
        pick = lambda run: run and {k: run[k] for k in runs}  # noqa: E731
        assert [pick(r) for r in reader.latest_finished_runs()] == [pick(r) for r in store.latest_finished_runs()]
        assert pick(reader.latest_run(1)) == pick(store.latest_run(schedule_id=1))
        assert pick(reader.find_run(1)) == pick(store.find_run(1))
        assert reader.running_runs() == []
        assert status_line(reader, NOW, UTC) == status_line(store, NOW, UTC)
        assert status_report(reader, NOW) == status_report(store, NOW)


def test_without_a_database_every_read_is_empty_and_nothing_is_created(wosync_home):
    with status_read.open_reader(str(wosync_home)) as reader:
        with Store.blank(wosync_home / "wosync.db") as blank:
            assert status_line(reader, NOW) == status_line(blank, NOW)
            assert status_report(reader, NOW) == status_report(blank, NOW)
    assert not wosync_home.exists()


def test_what_only_the_store_may_do_is_left_to_it(filled, monkeypatch):
    path = filled / "wosync.db"
    monkeypatch.setenv("WOSYNC_BUSY_TIMEOUT", "soon")  # the Store says why this is wrong
    with pytest.raises(status_read.StoreNeeded):
        status_read.open_reader(str(filled))
    monkeypatch.delenv("WOSYNC_BUSY_TIMEOUT")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")  # as a restored backup is: the Store switches it to WAL
    conn.close()
    with pytest.raises(status_read.StoreNeeded):
        status_read.open_reader(str(filled))
    with Store():  # back to WAL
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {status_read.SCHEMA_VERSION + 1}")  # from a newer wosync
    conn.close()
    with pytest.raises(status_read.StoreNeeded):
        status_read.open_reader(str(filled))
    (filled.parent / "a-file").write_text("")
    with pytest.raises(status_read.StoreNeeded):  # a file where the data folder must be
        status_read.open_reader(str(filled.parent / "a-file" / "wosync"))


def test_a_folder_without_a_database_opens_nothing(tmp_path):
    with status_read.open_reader(str(tmp_path / "not" / "yet")) as reader:
        assert reader.conn is None and reader.count_orders() == {"active": 0, "completed": 0}


@pytest.mark.parametrize("environ", [
    {"HOME": "/home/tech"}, {"HOME": "/home/tech/"}, {"HOME": "/home/tech", "XDG_DATA_HOME": "/data/xdg"},
    {"HOME": "/home/tech", "XDG_DATA_HOME": "/data/xdg/"}, {"HOME": "/home/tech", "XDG_DATA_HOME": "relative"},
    {"HOME": "/home/tech", "XDG_DATA_HOME": ""}, {"HOME": "relative"}, {}, {"WOSYNC_HOME": "~/wosync-data"},
    {"HOME": "/home/tech", "WOSYNC_HOME": "/srv/wosync"}, {"HOME": "/home/tech", "ANDROID_DATA": "/data"},
], ids=str)
def test_the_lines_data_folder_is_configs(monkeypatch, environ):
    from wosync.actions.status import _data_folder

    for name in ("HOME", "XDG_DATA_HOME", "WOSYNC_HOME", "ANDROID_DATA", "ANDROID_ROOT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert _data_folder() == os.path.abspath(config.data_home())
