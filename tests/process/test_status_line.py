"""`wosync status --line [--format text|waybar|json]` (a status bar runs it every few seconds)
and which schedule `status` marks as syncing (only the one whose run is in progress: a manual
sync belongs to no schedule).

The line is read as a status bar reads it: the exact text of each state, waybar's JSON, and the
fast path (`wosync status --line` answered without Typer) giving the same bytes as the app.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from wosync import config, progress
from wosync.cli import common, status_line_format
from wosync.errors import ExitCode
from wosync.locks import FileLock, account_lock_path
from wosync.store import Store
from support.cli_helpers import daemon_alive, status_json
from support.run import wosync
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc
NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@pytest.fixture
def at_nine(monkeypatch, local_zone):
    """Commands see 2026-11-29 09:00 UTC as now, in a UTC local zone."""
    local_zone("UTC")
    monkeypatch.setattr(common, "clock", lambda: NOW)


class LiveSync:
    """What a sync in another process leaves in the store: the account's lock held, a running
    run row (of a schedule, or none for a manual sync-now) and its progress record."""

    def __init__(self, schedule_id: int | None, percentage: int = 45, phase: str = "scraping",
                 message: str = "Scraping work orders page 2 of 3..."):
        self.schedule_id, self.percentage, self.phase, self.message = schedule_id, percentage, phase, message

    def __enter__(self) -> int:
        now = datetime.now(UTC)
        self.lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
        self.lock.acquire(now)
        with Store() as store:
            self.run_id = store.start_run(ACCOUNT, "scheduled" if self.schedule_id else "manual", self.schedule_id,
                                          os.getpid(), now)
            store.set_progress(ACCOUNT, progress.record("in_progress", self.phase, self.percentage, self.message, 90,
                                                        self.run_id, now, now, pid=os.getpid()))
        return self.run_id

    def __exit__(self, *exc) -> None:
        # The sync ends as a successful one does: its run finished, its progress cleared.
        with Store() as store:
            store.finish_run(self.run_id, datetime.now(UTC), status="success", items_processed=3)
            store.clear_progress(ACCOUNT)
        self.lock.release()


def three_schedules(paused_third: bool = True) -> None:
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", NOW)
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, NOW + timedelta(hours=1), NOW)
        store.create_schedule(ACCOUNT, 4.0, None, None, "UTC", True, NOW + timedelta(hours=4), NOW)
        store.create_schedule(ACCOUNT, 2.0, None, None, "UTC", not paused_third, None, NOW)


# ------------------------------------------------------------------- which schedule is syncing


def test_only_the_schedule_whose_run_is_in_progress_is_syncing(cli, wosync_home):
    three_schedules()
    daemon_alive()
    with LiveSync(schedule_id=2) as run_id:
        report = status_json(cli)
        table = cli("status").stdout
    states = {item["id"]: item["state"] for item in report["schedules"]}
    assert states == {1: "active", 2: "syncing", 3: "paused"}
    [live] = report["syncing"]
    assert (live["account"], live["schedule_id"], live["run_id"]) == (ACCOUNT, 2, run_id)
    rows = {line[2]: line for line in table.splitlines() if line.startswith("│ ") and line[2].isdigit()}
    assert "syncing: 45% (scraping)" in rows["2"]
    assert "syncing" not in rows["1"] and "syncing" not in rows["3"]


def test_a_manual_sync_shows_the_account_syncing_and_no_schedule(cli, wosync_home):
    three_schedules()
    daemon_alive()
    with LiveSync(schedule_id=None):
        report = status_json(cli)
        table = cli("status").stdout
    assert [item["state"] for item in report["schedules"]] == ["active", "active", "paused"]
    [live] = report["syncing"]
    assert live["account"] == ACCOUNT and live["schedule_id"] is None
    assert f"Syncing {ACCOUNT}: 45% (scraping) Scraping work orders page 2 of 3..." in table
    assert "syncing:" not in table


# ---------------------------------------------------------------------------------- the line


def line(cli, fmt: str | None = None) -> str:
    result = cli("status", "--line", *(["--format", fmt] if fmt else []))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_line_of_each_state(cli, wosync_home, at_nine):
    three_schedules()
    daemon_alive(NOW)
    with Store() as store:
        store_sync(store, [make_order(n) for n in range(218)], NOW - timedelta(hours=1), schedule_id=1)
        store.update_schedule(1, NOW, next_run=datetime(2026, 11, 29, 14, 30, tzinfo=UTC))
        store.update_schedule(2, NOW, next_run=datetime(2026, 11, 29, 16, 0, tzinfo=UTC))
    assert line(cli) == "✓ 218 orders · next 14:30\n"

    with LiveSync(schedule_id=1):
        assert line(cli) == "● wosync 45% scraping page 2 of 3\n"
    with LiveSync(schedule_id=1, percentage=15, phase="logging_in", message="Logging in to WorkFossa..."):
        assert line(cli) == "● wosync 15% logging in\n"
    with LiveSync(schedule_id=1, percentage=94, phase="equipment", message="Reading equipment 4 of 12..."):
        assert line(cli) == "● wosync 94% equipment 4 of 12\n"

    with Store() as store:
        run_id = store.start_run(ACCOUNT, "scheduled", 1, 1, datetime(2026, 11, 29, 2, 20, tzinfo=UTC))
        store.finish_run(run_id, datetime(2026, 11, 29, 2, 20, 4, tzinfo=UTC), status="failed",
                         error_kind="credentials_rejected", error_message="WorkFossa rejected the password")
    assert line(cli) == "✗ sync failed 02:20 (login rejected)\n"

    for sid in (1, 2):
        cli("schedule", "pause", str(sid))
    assert line(cli) == "‖ paused\n"


def test_idle_without_schedules_and_a_next_run_on_another_day(cli, wosync_home, at_nine):
    assert line(cli) == "✓ 0 orders · no schedule\n"
    with Store() as store:
        store.create_schedule(None, 1.0, None, None, "UTC", True, datetime(2026, 12, 1, 6, 0, tzinfo=UTC), NOW)
    daemon_alive(NOW)
    assert line(cli) == "✓ 0 orders · next Tue 06:00\n"


def test_waybar_and_json_formats(cli, wosync_home, at_nine):
    three_schedules()
    daemon_alive(NOW)
    with Store() as store:
        store_sync(store, [make_order(n) for n in range(3)], NOW - timedelta(hours=1), schedule_id=1)
    with LiveSync(schedule_id=1):
        waybar = json.loads(line(cli, "waybar"))
        record = json.loads(line(cli, "json"))
    assert set(waybar) == {"text", "tooltip", "class", "alt", "percentage"}
    assert (waybar["text"], waybar["class"], waybar["percentage"]) == ("● wosync 45% scraping page 2 of 3", "syncing", 45)
    assert "syncing tech@example.com: Scraping work orders page 2 of 3..." in waybar["tooltip"]
    assert record["state"] == "syncing" and record["syncing"]["schedule_id"] == 1
    assert record["orders"] == {"active": 3, "completed": 0}

    ok = json.loads(line(cli, "waybar"))
    assert (ok["class"], ok["percentage"]) == ("ok", 100) and ok["text"].startswith("✓ 3 orders")
    cli("schedule", "pause", "1")
    cli("schedule", "pause", "2")
    assert json.loads(line(cli, "waybar"))["class"] == "paused"


def test_waybar_text_is_pango_escaped(cli, wosync_home, at_nine):
    with Store() as store:
        run_id = store.start_run(ACCOUNT, "manual", None, 1, NOW - timedelta(minutes=5))
        store.finish_run(run_id, NOW - timedelta(minutes=4), status="failed", error_kind="layout",
                         error_message="<span foreground='red'>&</span>")
    waybar = json.loads(line(cli, "waybar"))
    assert waybar["class"] == "failed" and waybar["text"] == "✗ sync failed 08:55 (page changed)"
    assert "&lt;span foreground='red'&gt;&amp;&lt;/span&gt;" in waybar["tooltip"]


@pytest.mark.parametrize("options, words", [
    (["--line", "--format", "xml"], ["--format", "text, waybar or json", "xml"]),
    (["--line", "--json"], ["--line --format json"]),
    (["--format", "waybar"], ["--format goes with --line"]),
])
def test_bad_line_options_are_one_usage_error(cli, error_line, options, words):
    message = error_line(cli("status", *options), ExitCode.USAGE)
    assert all(word in message for word in words), message


@pytest.mark.parametrize("args, expected", [
    (["status", "--line"], "text"), (["status", "--line", "--format", "waybar"], "waybar"),
    (["status", "--format=json", "--line"], "json"), (["status"], None), (["status", "--line", "--json"], None),
    (["status", "--line", "--help"], None), (["history", "--line"], None), (["status", "--line", "--format"], None),
])
def test_which_calls_take_the_fast_path(args, expected):
    assert status_line_format(args) == expected


# ------------------------------------------------------------------------ the fast path, for real


def test_the_fast_path_prints_what_the_app_prints_and_imports_no_typer_or_rich(cli, data_folder):
    three_schedules()
    cli("schedule", "pause", "1")
    cli("schedule", "pause", "2")
    for fmt in ("text", "waybar", "json"):
        fast = wosync("status", "--line", "--format", fmt, env=data_folder.env, timeout=60)
        assert fast.returncode == 0, fast.stderr
        assert fast.stdout == line(cli, fmt)
    traced = wosync("status", "--line", env=data_folder.env, python_flags=("-X", "importtime"), timeout=60)
    assert traced.stdout == "‖ paused\n"
    modules = {row.rsplit("|", 1)[1].strip() for row in traced.stderr.splitlines() if row.startswith("import time:")}
    # The line reads through wosync.status_read; the store is loaded only when that reader cannot answer.
    assert {"wosync.cli", "wosync.status_read", "wosync.status", "sqlite3"} <= modules
    loaded = sorted(m for m in modules if m.split(".")[0] in ("typer", "click", "rich", "pydantic", "sqlite_utils",
                                                               "playwright", "keyring", "apprise", "icalendar"))
    assert loaded == []
    assert sorted(m for m in modules if m.startswith("wosync.cli.")) == []


def test_the_fast_path_reports_errors_as_the_app_does(data_folder):
    bad = wosync("status", "--line", "--format", "xml", env=data_folder.env, timeout=60)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "Error: --format takes text, waybar or json, got 'xml'\n"
    help_text = wosync("status", "--line", "--help", env=data_folder.env, timeout=60)  # not the fast path: Typer's help
    assert help_text.returncode == 0 and "--format" in help_text.stdout
