"""`wosync history` and `wosync status` on runs written through store.py's own functions.

Until a sync writes them, these rows are what the sync will write: start_run/finish_run,
apply_sync, set_progress, the account lock. The commands are read the way a user reads them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wosync import config, progress
from wosync.errors import ExitCode
from wosync.fields import SCRAPED_FIELDS
from wosync.locks import FileLock, account_lock_path
from wosync.store import Store
from support.cli_helpers import daemon_alive, status_json

UTC = timezone.utc
ACCOUNT = "tech@example.com"
RUN_KEYS = [
    "id", "schedule_id", "account", "trigger_type", "started_at", "completed_at", "status",
    "items_processed", "added", "updated", "removed", "error_kind", "error_message",
    "duration_seconds", "pid", "completeness", "equipment_error", "reopened", "dispensers_changed",
    "bytes_received", "fallback_fields", "removed_orders",
]
STATUS_ITEM_KEYS = {
    "id", "account", "state", "detail", "interval_hours", "window", "enabled", "next_run", "last_run",
    "last_success", "consecutive_failures", "last_result", "last_error", "last_result_at", "overdue",
}
REJECTED = "WorkFossa rejected the password for tech@example.com; run `wosync login`"


def at(day: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC) if day > 0 else datetime(
        2026, 10, 31 + day, hour, minute, second, tzinfo=UTC)


def order(number: str) -> dict:
    record = {name: None for name in SCRAPED_FIELDS}
    record.update(number=number, status="Work Created", items=[])
    return record


def dead_pid() -> int:
    """Return the pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def history_json(cli, *options: str) -> list[dict]:
    result = cli("history", "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)



@pytest.fixture
def five_runs(wosync_home: Path) -> list[int]:
    """Write five finished runs, 30 Oct to 5 Nov 2026 at 12:00 UTC; return their ids, oldest first."""
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", at(-1))
        schedule = store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, None, at(-1))
        sid = schedule["id"]
        ids = []

        run_id = store.start_run(ACCOUNT, "scheduled", sid, 4101, at(-1))
        store.apply_sync(run_id, ACCOUNT, [order("W-1"), order("W-2"), order("W-3")], ["W-1", "W-2", "W-3"],
                         {}, {}, [], at(-1, 12, 0, 20),
                         {"status": "success", "items_processed": 3, "added": 3}, sid, {"last_run": at(-1)})
        ids.append(run_id)

        run_id = store.start_run(ACCOUNT, "scheduled", sid, 4102, at(2))
        store.finish_run(run_id, at(2, 12, 0, 4), status="failed", error_kind="credentials", error_message=REJECTED)
        ids.append(run_id)

        run_id = store.start_run(ACCOUNT, "manual", sid, 4103, at(3))
        store.finish_run(run_id, at(3, 12, 1), status="partial", items_processed=150, error_kind="partial",
                         error_message='read 150 of 152 orders, "page 2" ended early')
        ids.append(run_id)

        run_id = store.start_run(ACCOUNT, "retry", sid, 4104, at(4))
        store.finish_run(run_id, at(4, 12, 0, 30), status="interrupted", error_kind="interrupted",
                         error_message="cancelled by Ctrl-C")
        ids.append(run_id)

        run_id = store.start_run(ACCOUNT, "manual", sid, 4105, at(5))
        store.apply_sync(run_id, ACCOUNT, [order("W-1"), order("W-2"), order("W-4")], ["W-4"],
                         {"W-2": {"status": ["Work Created", "Scheduled"]}}, {}, ["W-3"], at(5, 12, 1, 35),
                         {"status": "success", "items_processed": 3, "added": 1, "updated": 1, "removed": 1},
                         sid, {"last_run": at(5), "last_success": at(5)})
        ids.append(run_id)
    return ids


# ------------------------------------------------------------------------------ history


def test_history_of_an_empty_store(cli):
    assert cli("history", "--json").stdout == "[]\n"
    table = cli("history")
    assert table.exit_code == 0 and "No syncs yet" in table.stdout and "wosync demo" in table.stdout
    assert cli("history", "--csv").stdout.splitlines() == [",".join(RUN_KEYS)]


def test_history_table_shows_result_counts_duration_and_error(cli, five_runs, local_zone):
    local_zone("UTC")
    result = cli("history")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()

    def row(run_id: int) -> str:
        return next(line for line in lines if line.startswith(f"│ {run_id:>3} │"))

    newest = row(five_runs[4])
    assert "2026-11-05 12:00" in newest and "manual" in newest and "success" in newest
    assert "+1 ~1 -1" in newest and "1 min 35 s" in newest
    assert "failed" in row(five_runs[1]) and REJECTED in row(five_runs[1])
    assert "partial" in row(five_runs[2]) and " 150 " in row(five_runs[2])
    assert "interrupted" in row(five_runs[3]) and "retry" in row(five_runs[3])
    assert "+3 ~0 -0" in row(five_runs[0]) and "20.0 s" in row(five_runs[0])
    # Newest first.
    assert lines.index(row(five_runs[4])) < lines.index(row(five_runs[0]))


def test_history_json_keys_and_values(cli, five_runs):
    runs = history_json(cli)
    assert [r["id"] for r in runs] == five_runs[::-1]
    assert all(list(r) == [*RUN_KEYS, "error_summary"] for r in runs)
    newest = runs[0]
    assert newest["status"] == "success" and newest["trigger_type"] == "manual"
    assert (newest["items_processed"], newest["added"], newest["updated"], newest["removed"]) == (3, 1, 1, 1)
    assert newest["started_at"] == "2026-11-05T12:00:00Z" and newest["completed_at"] == "2026-11-05T12:01:35Z"
    assert newest["duration_seconds"] == 95 and newest["pid"] == 4105 and newest["account"] == ACCOUNT
    failed = runs[3]
    assert (failed["status"], failed["error_kind"], failed["error_message"]) == ("failed", "credentials", REJECTED)


def test_history_limit_failed_and_since(cli, five_runs):
    assert [r["id"] for r in history_json(cli, "--limit", "2")] == five_runs[:2:-1]
    assert [r["status"] for r in history_json(cli, "--failed")] == ["interrupted", "partial", "failed"]
    assert [r["id"] for r in history_json(cli, "--since", "2026-11-01")] == five_runs[:0:-1]
    assert [r["id"] for r in history_json(cli, "--failed", "--since", "2026-11-03", "--limit", "1")] == [five_runs[3]]
    assert history_json(cli, "--since", "2026-12-01") == []


def test_history_csv_has_a_header_and_one_row_per_run(cli, five_runs):
    result = cli("history", "--csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(RUN_KEYS)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [int(r["id"]) for r in rows] == five_runs[::-1]
    partial = rows[2]
    assert partial["status"] == "partial" and partial["error_message"] == 'read 150 of 152 orders, "page 2" ended early'
    assert rows[0]["error_message"] == ""  # None is an empty cell, not "None"
    assert len(list(csv.DictReader(io.StringIO(cli("history", "--csv", "--failed").stdout)))) == 3


@pytest.mark.parametrize(
    "options, words",
    [
        (["--json", "--csv"], ["--json", "--csv"]),
        (["--since", "last week"], ["--since", "2026-11-29"]),
    ],
)
def test_history_bad_options_are_one_error_line(cli, error_line, options, words):
    message = error_line(cli("history", *options), ExitCode.USAGE)
    assert all(word in message for word in words), message


@pytest.mark.parametrize(
    "options, words",
    [(["--limit", "0"], ["--limit", "1"]), (["--limit", "abc"], ["--limit"]), (["--bogus"], ["--bogus"])],
)
def test_history_options_typer_rejects_are_one_usage_error_line(cli, error_line, options, words):
    # These are rejected while the options are parsed, before the command runs: still one line, exit 2.
    message = error_line(cli("history", *options), ExitCode.USAGE)
    assert all(word in message for word in words) and "unexpected" not in message, message
    if options == ["--bogus"]:  # Typer's own: it names where to look
        assert "wosync history --help" in message


# ------------------------------------------------------------------------------- status


def test_status_with_no_schedules_says_how_to_create_one(cli):
    result = cli("status")
    assert result.exit_code == 0
    assert "wosync schedule create" in result.stdout and "Daemon: not running" in result.stdout
    assert status_json(cli)["schedules"] == []


def test_status_json_structure(cli, five_runs):
    daemon_alive()
    report = status_json(cli)
    assert set(report) == {"now", "schedules", "syncing", "daemon", "daemon_status", "orders"}
    [item] = report["schedules"]
    assert set(item) == STATUS_ITEM_KEYS
    assert item["state"] == "active" and item["last_result"] == "success" and item["window"] == "always"
    assert report["orders"] == {"active": 3, "completed": 1}
    assert report["syncing"] == [] and report["daemon"]["pid"] == os.getpid()
    assert report["daemon_status"]["running"] is True


def test_status_shows_failed_with_the_last_error(cli, five_runs):
    daemon_alive()
    with Store() as store:
        run_id = store.start_run(ACCOUNT, "scheduled", 1, 4106, at(6))
        store.finish_run(run_id, at(6, 12, 0, 3), status="failed", error_kind="credentials", error_message=REJECTED)
    [item] = status_json(cli)["schedules"]
    assert (item["state"], item["detail"], item["last_error"]) == ("failed", REJECTED, REJECTED)
    row = next(line for line in cli("status").stdout.splitlines() if line.startswith("│ 1 "))
    assert f"failed: {REJECTED}" in row


def test_status_shows_a_running_sync_with_its_percentage(cli, wosync_home):
    now = datetime.now(UTC)
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", now)
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, now, now)
    # What a live sync holds: the account's lock, a running run row and its progress record.
    lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
    lock.acquire(now)
    try:
        with Store() as store:
            run_id = store.start_run(ACCOUNT, "scheduled", 1, os.getpid(), now)
            store.set_progress(ACCOUNT, progress.record(
                "in_progress", "scraping", 45, "Scraping work orders page 2 of 4...", 90, run_id, now, now,
                pid=os.getpid()))
        report = status_json(cli)
        table = cli("status").stdout
    finally:
        lock.release()

    [item] = report["schedules"]
    assert (item["state"], item["detail"]) == ("syncing", "45% (scraping)")
    [live] = report["syncing"]
    assert (live["account"], live["percentage"], live["run_id"]) == (ACCOUNT, 45, run_id)
    assert "syncing: 45% (scraping)" in table
    assert f"Syncing {ACCOUNT}: 45% (scraping) Scraping work orders page 2 of 4..." in table
    with Store() as store:  # looking did not disturb the live run
        assert store.get_run(run_id)["status"] == "running"


def test_status_shows_paused_and_waiting(cli, wosync_home, local_zone):
    local_zone("UTC")
    now = datetime.now(UTC)
    outside = (now.hour + 2) % 24, (now.hour + 4) % 24  # a window that does not contain now
    with Store() as store:
        store.create_schedule(None, 1.0, None, None, "UTC", False, None, now)
        store.create_schedule(None, 2.0, *outside, "UTC", True, now + timedelta(hours=2), now)
    daemon_alive()
    report = {item["id"]: item for item in status_json(cli)["schedules"]}
    assert (report[1]["state"], report[2]["state"]) == ("paused", "waiting")
    assert report[2]["detail"] == "outside active hours"
    lines = cli("status").stdout.splitlines()
    assert "paused" in next(line for line in lines if line.startswith("│ 1 "))
    assert "waiting: outside active hours" in next(line for line in lines if line.startswith("│ 2 "))


def test_status_colours_each_state(cli, wosync_home, monkeypatch):
    # What a colour terminal shows: green active, blue syncing, red failed, grey paused.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLORTERM", "truecolor")
    now = datetime.now(UTC)
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", now)
        store.ensure_account("second@example.com", "https://app.workfossa.com", now)
        store.create_schedule(None, 1.0, None, None, "UTC", True, now, now)
        store.create_schedule(None, 1.0, None, None, "UTC", False, None, now)
        store.create_schedule(None, 1.0, None, None, "UTC", True, now, now)
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, now, now)
        run_id = store.start_run("second@example.com", "scheduled", 3, 4107, now)
        store.finish_run(run_id, now, status="failed", error_message="site down")
    daemon_alive()
    lock = FileLock(account_lock_path(config.locks_dir(), ACCOUNT))
    lock.acquire(now)
    try:
        with Store() as store:
            run_id = store.start_run(ACCOUNT, "scheduled", 4, os.getpid(), now)
            store.set_progress(ACCOUNT, progress.record("in_progress", "saving", 90, "Saving...", 3, run_id,
                                                        now, now, pid=os.getpid()))
        output = cli("status").stdout
    finally:
        lock.release()

    def coloured(code: str, text: str) -> bool:
        return re.search(re.escape(f"\x1b[{code}m{text}") + r" *\x1b\[0m", output) is not None

    assert coloured("32", "active")
    assert coloured("34", "syncing: 90% (saving)")
    assert coloured("31", "failed: site down")
    assert coloured("38;5;244", "paused")


def test_status_names_a_running_daemon(cli, wosync_home):
    now = datetime.now(UTC)
    with Store() as store:
        store.set_daemon_state(os.getpid(), "waiting", now, started_at=now)
    assert f"Daemon: running (pid {os.getpid()})." in cli("status").stdout
    with Store() as store:
        store.set_daemon_state(dead_pid(), "waiting", now)
    assert "Daemon: not running" in cli("status").stdout


# ---------------------------------------------------------------- runs whose process died


def test_a_running_run_whose_process_died_is_marked_interrupted(cli, wosync_home):
    now = datetime.now(UTC)
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", now)
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, now, now)
        run_id = store.start_run(ACCOUNT, "scheduled", 1, dead_pid(), now - timedelta(minutes=5))
        store.set_progress(ACCOUNT, progress.record(
            "in_progress", "scraping", 60, "Scraping work orders page 3 of 4...", 120, run_id,
            now - timedelta(minutes=5), now - timedelta(minutes=4), pid=None))
    daemon_alive()

    report = status_json(cli)

    [item] = report["schedules"]
    assert item["state"] == "failed" and item["last_result"] == "interrupted"  # never "syncing" forever
    assert report["syncing"] == []
    [run] = history_json(cli)
    assert run["id"] == run_id and run["status"] == "interrupted" and run["completed_at"] is not None
    assert run["error_kind"] == "interrupted" and "ended before finishing" in run["error_message"]
    with Store() as store:
        assert store.get_progress(ACCOUNT) == []


def test_a_running_run_with_a_live_pid_but_no_lock_is_interrupted_too(cli, wosync_home):
    # The pid may belong to an unrelated process now (pids are reused); only the lock proves a sync.
    now = datetime.now(UTC)
    with Store() as store:
        run_id = store.start_run(ACCOUNT, "manual", None, os.getpid(), now)
    assert [r["status"] for r in history_json(cli)] == ["interrupted"]
    with Store() as store:
        assert store.get_run(run_id)["status"] == "interrupted"
