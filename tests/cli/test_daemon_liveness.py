"""The daemon's life in every status: `status`, `status --line` (text, waybar, json), `watch`
and `doctor` say "daemon not running" when an enabled schedule exists and no live daemon has a
fresh heartbeat, and how to start it; a manual `sync-now` is the account's last result.

What a user sees is asserted: the exact status-bar line, waybar's class, the status table's
row and daemon line, watch's sentence and doctor's daemon line.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wosync.cli import common
from wosync.store import Store
from support.cli_helpers import daemon_alive, status_json
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc
NOW = datetime(2026, 11, 29, 19, 55, tzinfo=UTC)
PAST = datetime(2026, 11, 29, 19, 50, tzinfo=UTC)


@pytest.fixture
def at_five_to_eight(monkeypatch, local_zone, tmp_path):
    """Commands see 2026-11-29 19:55 UTC as now, in a UTC local zone, with no systemd unit installed."""
    local_zone("UTC")
    monkeypatch.setattr(common, "clock", lambda: NOW)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"


def a_schedule_due_at_ten_to_eight(orders: int = 250) -> None:
    """One enabled schedule whose next run (19:50) has passed, and a manual sync of 250 orders at 19:00."""
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", NOW - timedelta(days=1))
        store.create_schedule(ACCOUNT, 1.0, None, None, "UTC", True, PAST, NOW - timedelta(days=1))
        store_sync(store, [make_order(n) for n in range(orders)], NOW - timedelta(minutes=55))


def line(cli, fmt: str = "text") -> str:
    result = cli("status", "--line", "--format", fmt)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_line_says_the_daemon_is_not_running_and_how_to_start_it(cli, wosync_home, at_five_to_eight):
    a_schedule_due_at_ten_to_eight()
    assert line(cli) == "■ daemon not running: wosync install-service or wosync daemon\n"
    waybar = json.loads(line(cli, "waybar"))
    assert (waybar["class"], waybar["alt"], waybar["text"]) == (
        "stopped", "stopped", "■ daemon not running: wosync install-service or wosync daemon")
    assert "start it with wosync install-service or wosync daemon" in waybar["tooltip"]
    record = json.loads(line(cli, "json"))
    assert record["state"] == "stopped"
    assert record["daemon"]["running"] is False and record["daemon"]["start"] == ["wosync install-service", "wosync daemon"]

    # Once the unit is installed, the line names the command that starts it.
    unit = at_five_to_eight / "systemd" / "user" / "wosync.service"
    unit.parent.mkdir(parents=True)
    unit.write_text("[Unit]\n")
    assert line(cli) == "■ daemon not running: systemctl --user start wosync\n"


def test_only_a_live_daemon_with_a_fresh_heartbeat_counts(cli, wosync_home, at_five_to_eight):
    a_schedule_due_at_ten_to_eight()
    daemon_alive(NOW - timedelta(seconds=30))
    assert line(cli) == "✓ 250 orders · next now\n"
    daemon_alive(NOW - timedelta(minutes=10))  # alive, but silent for ten minutes: hung
    assert line(cli).startswith("■ daemon not running")
    with Store() as store:  # a fresh heartbeat from a process that is gone (killed -9)
        store.set_daemon_state(2**22 + 12345, "waiting", NOW)
    assert line(cli).startswith("■ daemon not running")
    with Store() as store:  # stopped as a daemon stops
        store.set_daemon_state(None, "stopped", NOW)
    assert line(cli).startswith("■ daemon not running")


def test_no_enabled_schedule_needs_no_daemon(cli, wosync_home, at_five_to_eight):
    a_schedule_due_at_ten_to_eight()
    cli("schedule", "pause", "1")
    assert line(cli) == "‖ paused\n"
    assert "Daemon: not running (start it with `wosync daemon`, or see `wosync install-service`)." in cli("status").stdout


def test_status_shows_the_missed_run_the_stopped_schedule_and_a_manual_sync_as_last_result(
        cli, wosync_home, at_five_to_eight):
    a_schedule_due_at_ten_to_eight()
    output = cli("status").stdout
    row = next(text for text in output.splitlines() if text.startswith("│ 1 "))
    assert "stopped: daemon not running" in row
    assert "2026-11-29 19:50 (missed)" in row
    assert "success" in row and "never run" not in row
    assert ("Daemon: not running, so 1 scheduled sync missed, and no schedule runs until it starts; "
            "start it with `wosync install-service` or `wosync daemon`.") in output
    [item] = status_json(cli)["schedules"]
    assert (item["state"], item["last_result"], item["overdue"]) == ("stopped", "success", True)

    daemon_alive(NOW)
    output = cli("status").stdout
    row = next(text for text in output.splitlines() if text.startswith("│ 1 "))
    assert "active" in row and "(missed)" not in row and "success" in row
    assert f"Daemon: running (pid {os.getpid()})." in output


def test_status_colours_the_stopped_daemon_red(cli, wosync_home, at_five_to_eight, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    a_schedule_due_at_ten_to_eight()
    output = cli("status").stdout
    assert "\x1b[31mstopped: daemon not running" in output
    assert "\x1b[31mDaemon: not running, so 1 scheduled sync missed" in output


def test_a_failed_manual_sync_is_the_schedules_last_result(cli, wosync_home, at_five_to_eight):
    a_schedule_due_at_ten_to_eight()
    daemon_alive(NOW)
    with Store() as store:
        run_id = store.start_run(ACCOUNT, "manual", None, 1, NOW - timedelta(minutes=2))
        store.finish_run(run_id, NOW - timedelta(minutes=1), status="failed", error_kind="unreachable",
                         error_message="the site did not answer")
    [item] = status_json(cli)["schedules"]
    assert (item["state"], item["last_result"], item["last_error"]) == ("failed", "failed", "the site did not answer")


def test_watch_says_the_daemon_is_not_running(data_folder, tmp_path):
    from support.run import wosync

    with Store(data_folder.home / "wosync.db") as store:
        store.create_schedule(None, 1.0, None, None, "UTC", True, datetime.now(UTC) - timedelta(minutes=5),
                              datetime.now(UTC))
    env = dict(data_folder.env, XDG_CONFIG_HOME=str(tmp_path / "config"))
    result = wosync("watch", env=env, timeout=30)
    assert result.returncode == 0
    # Rich wraps the sentence at the terminal's width: read it as one line.
    assert " ".join(result.stdout.split()) == ("No sync is running; daemon not running, so no scheduled sync will "
                                               "run; start it with `wosync install-service` or `wosync daemon`.")
    (tmp_path / "config" / "systemd" / "user").mkdir(parents=True)
    (tmp_path / "config" / "systemd" / "user" / "wosync.service").write_text("[Unit]\n")
    result = wosync("watch", env=env, timeout=30)
    assert "start it with `systemctl --user start wosync`." in " ".join(result.stdout.split())
