"""`wosync schedule ...` as a user types it: exact error lines, and what list/status then show.

The clock is fixed with time-machine (the CLI's clock is datetime.now); time-machine also makes
the destination's zone the local one, so every "next run" below, stored in UTC and shown in
local time, can be checked against a calendar.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine

from wosync.errors import ExitCode
from wosync.schedules import MAX_INTERVAL_HOURS, MIN_INTERVAL_HOURS
from wosync.store import Store
from support.cli_helpers import daemon_alive, status_json

UTC = timezone.utc
# Sunday 2026-11-29 15:00 UTC = 10:00 in New York (EST, UTC-5) = 16:00 in Berlin (CET, UTC+1).
MORNING_IN_NEW_YORK = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
# Monday 2026-11-30 04:00 UTC = Sunday 23:00 in New York = 05:00 in Berlin.
LATE_EVENING_IN_NEW_YORK = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)



def travel(instant: datetime, local: str = "UTC"):
    """Fix the clock at `instant`, with `local` as the machine's time zone, for a `with` block."""
    return time_machine.travel(instant.astimezone(ZoneInfo(local)), tick=False)


SCHEDULE_KEYS = {
    "id", "account", "schedule_type", "interval_hours", "active_start_hour", "active_end_hour", "timezone",
    "enabled", "next_run", "last_run", "last_success", "consecutive_failures", "created_at", "updated_at",
    "calendar_path",
}


def listed(cli) -> list[dict]:
    result = cli("schedule", "list", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)



# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("interval", ["0.1", "abc", "25", "nan", "inf", "-1", "0"])
def test_an_interval_outside_the_range_is_one_error_line_naming_it(cli, error_line, interval):
    message = error_line(cli("schedule", "create", "--interval", interval), ExitCode.USAGE)
    assert f"{MIN_INTERVAL_HOURS:g}" in message and f"{MAX_INTERVAL_HOURS:g}" in message
    assert repr(interval) in message or interval in message
    assert listed(cli) == []  # nothing was created


@pytest.mark.parametrize("interval, stored", [("0.25", 0.25), ("24", 24.0), ("1.5", 1.5)])
def test_the_interval_limits_themselves_are_accepted(cli, interval, stored):
    result = cli("schedule", "create", "--interval", interval, "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    assert listed(cli)[0]["interval_hours"] == stored


@pytest.mark.parametrize(
    "hours, fix",
    [
        ("6-6", "24/7"),        # START == END: leave active hours off instead
        ("24-3", "0-23"),       # an hour outside 0-23
        ("5-30", "0-23"),
        ("5", "START-END"),     # not a range
        ("a-b", "START-END"),
        ("6:30-22", "whole hours"),
    ],
)
def test_bad_active_hours_are_one_error_line_naming_the_fix(cli, error_line, hours, fix):
    message = error_line(cli("schedule", "create", "--active-hours", hours, "--timezone", "UTC"), ExitCode.USAGE)
    assert hours in message and fix in message
    assert listed(cli) == []


def test_an_unknown_time_zone_is_one_error_line(cli, error_line):
    message = error_line(cli("schedule", "create", "--timezone", "Mars/Olympus"), ExitCode.USAGE)
    assert "Mars/Olympus" in message and "IANA" in message
    assert listed(cli) == []


@pytest.mark.parametrize(
    "command",
    [["update", "7", "--interval", "2"], ["pause", "7"], ["resume", "7"], ["delete", "7"]],
)
def test_an_unknown_schedule_id_names_schedule_list(cli, error_line, command):
    assert cli("schedule", "create", "--timezone", "UTC").exit_code == 0  # schedule 1 exists, 7 does not
    assert error_line(cli("schedule", *command), ExitCode.USAGE) == "Error: no schedule 7; see `wosync schedule list`"


def test_a_schedule_id_that_is_not_a_number_is_an_error_line(cli, error_line):
    message = error_line(cli("schedule", "pause", "seven"), ExitCode.USAGE)
    assert "'seven'" in message and "wosync schedule list" in message


@pytest.mark.parametrize("command", [["pause"], ["create", "--every", "2"], ["frobnicate"]])
def test_a_missing_argument_or_unknown_option_is_one_usage_error_line(cli, error_line, command):
    message = error_line(cli("schedule", *command), ExitCode.USAGE)
    assert "unexpected" not in message and "--help" in message


def test_update_without_a_change_says_what_to_give(cli, error_line):
    cli("schedule", "create", "--timezone", "UTC")
    message = error_line(cli("schedule", "update", "1"), ExitCode.USAGE)
    assert "--interval" in message and "--active-hours" in message


# ------------------------------------------------------------- create, list, status


def test_an_overnight_schedule_made_in_the_morning_first_runs_at_22_in_its_zone(cli):
    with travel(MORNING_IN_NEW_YORK, local="Europe/Berlin"):
        created = cli("schedule", "create", "--interval", "1", "--active-hours", "22-6",
                      "--timezone", "America/New_York")
        daemon_alive()
        status = cli("status")
        report = status_json(cli)

    assert created.exit_code == 0, created.output
    # 22:00 in New York is 03:00 UTC, shown in the user's local time (Berlin, 04:00).
    assert "22:00-06:00 (overnight) America/New_York" in created.stdout
    assert "next run 2026-11-30 04:00" in created.stdout
    [schedule] = listed(cli)
    assert (schedule["active_start_hour"], schedule["active_end_hour"]) == (22, 6)
    assert schedule["next_run"] == "2026-11-30T03:00:00Z" and schedule["enabled"] is True

    assert status.exit_code == 0, status.output
    row = next(line for line in status.stdout.splitlines() if "overnight" in line)
    assert "waiting" in row and "outside active hours" in row and "2026-11-30 04:00" in row
    [item] = report["schedules"]
    assert item["state"] == "waiting" and item["next_run"] == "2026-11-30T03:00:00Z"


def test_an_overnight_schedule_made_inside_its_window_runs_now(cli):
    with travel(LATE_EVENING_IN_NEW_YORK, local="Europe/Berlin"):
        assert cli("schedule", "create", "--active-hours", "22-6", "--timezone", "America/New_York").exit_code == 0
        daemon_alive()
        status = cli("status")
        report = status_json(cli)
    [item] = report["schedules"]
    assert item["state"] == "active" and item["next_run"] == "2026-11-30T04:00:00Z"
    assert "2026-11-30 05:00" in status.stdout


def test_create_without_a_time_zone_uses_the_machines(cli, local_zone):
    local_zone("America/Chicago")
    assert cli("schedule", "create", "--active-hours", "6-22").exit_code == 0
    assert listed(cli)[0]["timezone"] == "America/Chicago"


def test_created_paused_has_no_next_run_and_reads_paused(cli):
    result = cli("schedule", "create", "--paused", "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    [schedule] = listed(cli)
    assert schedule["enabled"] is False and schedule["next_run"] is None
    assert status_json(cli)["schedules"][0]["state"] == "paused"


def test_list_json_has_exactly_the_schedule_keys(cli):
    cli("schedule", "create", "--interval", "2", "--active-hours", "6-22", "--timezone", "Europe/Berlin")
    cli("schedule", "create", "--interval", "0.5", "--timezone", "UTC", "--force")
    schedules = listed(cli)
    assert [s["id"] for s in schedules] == [1, 2]
    assert all(set(s) == SCHEDULE_KEYS for s in schedules)
    assert schedules[0]["schedule_type"] == "work_orders"
    assert (schedules[1]["active_start_hour"], schedules[1]["active_end_hour"]) == (None, None)


def test_list_as_a_table_and_when_empty(cli):
    empty = cli("schedule", "list")
    assert empty.exit_code == 0 and "wosync schedule create" in empty.stdout
    cli("schedule", "create", "--interval", "2", "--active-hours", "6-22", "--timezone", "Europe/Berlin")
    table = cli("schedule", "list").stdout
    assert "2 h" in table and "06:00-22:00 Europe/Berlin" in table and "enabled" in table


# --------------------------------------------------------- pause, resume, update, delete


def test_pause_then_resume(cli):
    with travel(MORNING_IN_NEW_YORK):
        cli("schedule", "create", "--active-hours", "6-22", "--timezone", "UTC")
    with travel(MORNING_IN_NEW_YORK + timedelta(hours=2)):
        paused = cli("schedule", "pause", "1")
        assert paused.exit_code == 0 and "paused" in paused.stdout
        assert listed(cli)[0]["enabled"] is False and listed(cli)[0]["next_run"] is None
        assert status_json(cli)["schedules"][0]["state"] == "paused"
        status_row = next(line for line in cli("status").stdout.splitlines() if "06:00-22:00" in line)
        assert "paused" in status_row

    # Resumed inside its window at 17:00 UTC: it runs at once.
    with travel(MORNING_IN_NEW_YORK + timedelta(hours=2)):
        resumed = cli("schedule", "resume", "1")
    assert resumed.exit_code == 0 and "next run 2026-11-29 17:00" in resumed.stdout
    [schedule] = listed(cli)
    assert schedule["enabled"] is True and schedule["next_run"] == "2026-11-29T17:00:00Z"

    # Paused and resumed again after the window closed (23:00): it waits for 06:00 tomorrow.
    with travel(datetime(2026, 11, 29, 23, 0, tzinfo=UTC)):
        cli("schedule", "pause", "1")
        cli("schedule", "resume", "1")
        daemon_alive()
        assert status_json(cli)["schedules"][0]["state"] == "waiting"
    assert listed(cli)[0]["next_run"] == "2026-11-30T06:00:00Z"


def test_update_changes_the_interval_and_recomputes_the_next_run(cli, wosync_home):
    with travel(MORNING_IN_NEW_YORK):
        cli("schedule", "create", "--interval", "1", "--timezone", "UTC")
    with Store() as store:  # the daemon recorded a run at 15:00
        store.update_schedule(1, MORNING_IN_NEW_YORK, last_run=MORNING_IN_NEW_YORK,
                              next_run=MORNING_IN_NEW_YORK + timedelta(hours=1))

    with travel(MORNING_IN_NEW_YORK + timedelta(minutes=30)):
        result = cli("schedule", "update", "1", "--interval", "4")
    assert result.exit_code == 0, result.output
    [schedule] = listed(cli)
    assert schedule["interval_hours"] == 4
    assert schedule["next_run"] == "2026-11-29T19:00:00Z"  # last start 15:00 + 4 h
    assert schedule["updated_at"] == "2026-11-29T15:30:00Z"

    # New active hours that exclude 19:00 move the next run to the window's next opening.
    with travel(MORNING_IN_NEW_YORK + timedelta(minutes=40)):
        assert cli("schedule", "update", "1", "--active-hours", "6-18").exit_code == 0
    [schedule] = listed(cli)
    assert (schedule["active_start_hour"], schedule["active_end_hour"]) == (6, 18)
    assert schedule["next_run"] == "2026-11-30T06:00:00Z"

    # "always" clears the window again.
    with travel(MORNING_IN_NEW_YORK + timedelta(minutes=50)):
        assert cli("schedule", "update", "1", "--active-hours", "always").exit_code == 0
    [schedule] = listed(cli)
    assert schedule["active_start_hour"] is None and schedule["next_run"] == "2026-11-29T19:00:00Z"


@pytest.mark.parametrize("word", ["always", "off", "none", "24/7", "OFF", " Always "])
def test_create_and_update_take_the_same_words_for_no_active_hours(cli, word):
    # create refused "off" and "none" while update took them: one set of words now serves both.
    with travel(MORNING_IN_NEW_YORK):
        created = cli("schedule", "create", "--active-hours", word, "--timezone", "UTC")
        assert created.exit_code == 0, created.output
        assert cli("schedule", "create", "--active-hours", "6-22", "--timezone", "UTC", "--force").exit_code == 0
        updated = cli("schedule", "update", "2", "--active-hours", word)
        assert updated.exit_code == 0, updated.output
    for schedule in listed(cli):
        assert (schedule["active_start_hour"], schedule["active_end_hour"]) == (None, None)
        assert schedule["next_run"] == "2026-11-29T15:00:00Z"  # 24/7: due at once
    assert "always" in created.stdout and "always" in updated.stdout


def test_update_with_bad_values_changes_nothing(cli, error_line):
    cli("schedule", "create", "--interval", "2", "--timezone", "UTC")
    before = listed(cli)
    error_line(cli("schedule", "update", "1", "--interval", "0.1"), ExitCode.USAGE)
    error_line(cli("schedule", "update", "1", "--active-hours", "6-6"), ExitCode.USAGE)
    error_line(cli("schedule", "update", "1", "--timezone", "Mars/Olympus"), ExitCode.USAGE)
    assert listed(cli) == before


def test_delete_removes_the_schedule_but_keeps_its_history(cli, wosync_home):
    cli("schedule", "create", "--timezone", "UTC")
    with Store() as store:
        run_id = store.start_run("tech@example.com", "scheduled", 1, os.getpid(), MORNING_IN_NEW_YORK)
        store.finish_run(run_id, MORNING_IN_NEW_YORK + timedelta(minutes=1), status="success", items_processed=4)

    result = cli("schedule", "delete", "1")
    assert result.exit_code == 0 and "Schedule 1 deleted." in result.stdout
    assert listed(cli) == []
    history = json.loads(cli("history", "--json").stdout)
    assert [(r["id"], r["schedule_id"], r["items_processed"]) for r in history] == [(run_id, 1, 4)]
