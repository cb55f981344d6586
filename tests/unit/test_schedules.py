"""The scheduling rules of docs/design.md, checked to the exact instant.

Every clock is passed in explicitly. Instants are written in UTC with the local wall time in a
comment, so a reader can check each expectation against a calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from wosync.errors import ExitCode, UsageError
from wosync.schedule_rules import (
    CLOCK_JUMP_TOLERANCE_SECONDS,
    after_failed_start,
    after_missing_account,
    after_skip,
    clock_jump,
    counters_after_run,
    due_schedules,
    earliest_next_run,
    on_create,
    on_pause,
    on_resume,
    on_update,
    plan_after_run,
    unplanned_schedules,
    when_text,
)
from wosync.schedules import (
    ALWAYS_WORDS,
    DEFAULT_INTERVAL_HOURS,
    ScheduleRule,
    describe_window,
    first_run,
    in_window,
    is_due,
    local_timezone,
    make_rule,
    next_regular_run,
    next_retry,
    next_window_start,
    parse_active_hours,
    parse_interval,
    parse_window,
    retry_delay,
    validate_timezone,
)

NY = "America/New_York"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def rule(start=None, end=None, zone="UTC", interval=1.0) -> ScheduleRule:
    return ScheduleRule(interval, active_start_hour=start, active_end_hour=end, timezone=zone)


# --- windows -------------------------------------------------------------------------------

OVERNIGHT = rule(22, 6)
DAYTIME = rule(6, 22)


@pytest.mark.parametrize(
    "at, inside",
    [
        (utc(2026, 5, 4, 23, 0), True),
        (utc(2026, 5, 4, 22, 0), True),
        (utc(2026, 5, 5, 0, 0), True),
        (utc(2026, 5, 5, 5, 59), True),
        (utc(2026, 5, 5, 6, 0), False),
        (utc(2026, 5, 5, 12, 0), False),
        (utc(2026, 5, 5, 21, 59), False),
    ],
)
def test_overnight_window_covers_late_evening_and_early_morning(at, inside):
    assert in_window(OVERNIGHT, at) is inside


def test_overnight_window_next_start_from_noon_is_22_the_same_day():
    assert next_window_start(OVERNIGHT, utc(2026, 5, 5, 12, 0)) == utc(2026, 5, 5, 22, 0)


def test_overnight_window_next_start_from_inside_is_the_next_evening():
    assert next_window_start(OVERNIGHT, utc(2026, 5, 5, 3, 0)) == utc(2026, 5, 5, 22, 0)


@pytest.mark.parametrize(
    "at, inside",
    [
        (utc(2026, 5, 5, 5, 59), False),
        (utc(2026, 5, 5, 6, 0), True),
        (utc(2026, 5, 5, 21, 59), True),
        (utc(2026, 5, 5, 22, 0), False),
        (utc(2026, 5, 5, 23, 30), False),
    ],
)
def test_daytime_window_is_start_inclusive_end_exclusive(at, inside):
    assert in_window(DAYTIME, at) is inside


@pytest.mark.parametrize(
    "after, expected",
    [
        (utc(2026, 5, 5, 2, 0), utc(2026, 5, 5, 6, 0)),  # before: this morning
        (utc(2026, 5, 5, 6, 0), utc(2026, 5, 5, 6, 0)),  # the opening instant itself
        (utc(2026, 5, 5, 12, 0), utc(2026, 5, 6, 6, 0)),  # inside: the next opening
        (utc(2026, 5, 5, 22, 0), utc(2026, 5, 6, 6, 0)),  # after: tomorrow morning
        (utc(2026, 12, 31, 23, 0), utc(2027, 1, 1, 6, 0)),  # across a year end
    ],
)
def test_daytime_window_next_start(after, expected):
    assert next_window_start(DAYTIME, after) == expected


def test_active_hours_are_local_time_not_utc():
    berlin = rule(6, 22, "Europe/Berlin")
    # 05:30 UTC in January is 06:30 in Berlin (CET, UTC+1): inside, though 05:30 is not in 6-22.
    assert in_window(berlin, utc(2026, 1, 15, 5, 30))
    assert not in_window(berlin, utc(2026, 1, 15, 21, 30))  # 22:30 in Berlin
    # In July (CEST, UTC+2) the window opens at 04:00 UTC.
    assert next_window_start(berlin, utc(2026, 7, 1, 0, 0)) == utc(2026, 7, 1, 4, 0)


def test_always_active_rule_is_always_inside_and_open_now():
    always = rule()
    now = utc(2026, 5, 5, 3, 17)
    assert in_window(always, now)
    assert next_window_start(always, now) == now
    assert first_run(always, now) == now


# --- DST in America/New_York: spring forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00 UTC);
#     fall back 2026-11-01 02:00 EDT -> 01:00 EST (06:00 UTC) --------------------------------


def test_spring_forward_window_starting_at_skipped_hour_opens_at_three():
    from_two = rule(2, 22, NY)
    assert not in_window(from_two, utc(2026, 3, 8, 6, 59))  # 01:59 EST
    assert in_window(from_two, utc(2026, 3, 8, 7, 0))  # 03:00 EDT
    assert next_window_start(from_two, utc(2026, 3, 8, 5, 0)) == utc(2026, 3, 8, 7, 0)


def test_spring_forward_window_wholly_inside_skipped_hour_opens_next_day():
    skipped = rule(2, 3, NY)
    # 02:00-03:00 does not exist on 2026-03-08; the next one is 2026-03-09 02:00 EDT.
    assert next_window_start(skipped, utc(2026, 3, 8, 5, 0)) == utc(2026, 3, 9, 6, 0)


def test_spring_forward_window_starting_after_the_jump_uses_the_new_offset():
    from_six = rule(6, 22, NY)
    assert next_window_start(from_six, utc(2026, 3, 8, 5, 0)) == utc(2026, 3, 8, 10, 0)  # 06:00 EDT


def test_fall_back_window_over_repeated_hour_lasts_three_real_hours():
    one_to_three = rule(1, 3, NY)
    opens = next_window_start(one_to_three, utc(2026, 11, 1, 0, 0))
    assert opens == utc(2026, 11, 1, 5, 0)  # the first 01:00 (EDT)
    assert in_window(one_to_three, utc(2026, 11, 1, 6, 30))  # 01:30 EST, the repeat
    assert in_window(one_to_three, utc(2026, 11, 1, 7, 59))  # 02:59 EST
    assert not in_window(one_to_three, utc(2026, 11, 1, 8, 0))  # 03:00 EST
    # The repeated 01:00 EST (06:00 UTC) is not a new opening; the next is tomorrow 01:00 EST.
    assert next_window_start(one_to_three, utc(2026, 11, 1, 5, 30)) == utc(2026, 11, 2, 6, 0)


def test_window_opens_when_the_clock_jumps_over_its_start_mid_gap():
    # Antarctica/Troll springs forward two hours: 01:00 UTC+0 -> 03:00 UTC+2 on 2026-03-29.
    # A window from 02:00 opens at the jump itself (01:00 UTC), not an hour later.
    from_two = rule(2, 22, "Antarctica/Troll")
    assert next_window_start(from_two, utc(2026, 3, 28, 23, 0)) == utc(2026, 3, 29, 1, 0)


@pytest.mark.parametrize(
    "last_start, expected",
    [
        # 01:30 EST + 1 h = 03:30 EDT: one real hour across spring forward.
        (utc(2026, 3, 8, 6, 30), utc(2026, 3, 8, 7, 30)),
        # 01:30 EDT + 1 h = 01:30 EST: one real hour across fall back.
        (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 30)),
    ],
)
def test_interval_is_real_time_across_dst(last_start, expected):
    always_ny = rule(zone=NY)
    assert next_regular_run(always_ny, last_start, last_start) == expected


def test_next_run_leaving_window_moves_to_spring_forward_opening():
    from_two = rule(2, 22, NY)
    last_start = utc(2026, 3, 8, 2, 30)  # 21:30 EST on 2026-03-07
    # 22:30 EST is outside; the window next opens when 02:00 is skipped: 03:00 EDT.
    assert next_regular_run(from_two, last_start, last_start) == utc(2026, 3, 8, 7, 0)


def test_next_run_leaving_window_moves_to_fall_back_opening():
    from_six = rule(6, 22, NY)
    last_start = utc(2026, 11, 1, 1, 30)  # 21:30 EDT on 2026-10-31
    # Next opening is 06:00 EST on 2026-11-01 = 11:00 UTC (five hours, not four, after 01:00 UTC).
    assert next_regular_run(from_six, last_start, last_start) == utc(2026, 11, 1, 11, 0)


# --- intervals, catch-up -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "hours, gap", [(0.25, timedelta(minutes=15)), (1.0, timedelta(hours=1)), (24, timedelta(days=1))]
)
def test_next_regular_run_is_last_start_plus_interval(hours, gap):
    last_start = utc(2026, 5, 5, 10, 0)
    now = last_start + timedelta(minutes=3)
    assert next_regular_run(rule(interval=hours), last_start, now) == last_start + gap


def test_overdue_by_a_week_gives_one_catch_up_then_the_regular_rhythm():
    hourly = rule(interval=1.0)
    last_start = utc(2026, 5, 1, 10, 0)
    now = utc(2026, 5, 8, 10, 17)
    catch_up = next_regular_run(hourly, last_start, now)
    assert catch_up == now
    # The catch-up ran (started at `now`, took 4 minutes): the next is one interval later,
    # not another of the ~168 missed runs.
    assert next_regular_run(hourly, catch_up, now + timedelta(minutes=4)) == utc(2026, 5, 8, 11, 17)


def test_overdue_outside_window_catches_up_at_next_window_start():
    last_start = utc(2026, 5, 1, 10, 0)
    now = utc(2026, 5, 8, 23, 0)  # outside 6-22
    assert next_regular_run(DAYTIME, last_start, now) == utc(2026, 5, 9, 6, 0)


@pytest.mark.parametrize(
    "now, expected",
    [
        (utc(2026, 5, 5, 12, 0), utc(2026, 5, 5, 12, 0)),  # inside: at once
        (utc(2026, 5, 5, 23, 0), utc(2026, 5, 6, 6, 0)),  # outside: next opening
    ],
)
def test_first_run(now, expected):
    assert first_run(DAYTIME, now) == expected


@pytest.mark.parametrize(
    "next_run, due", [(None, False), (utc(2026, 5, 5, 11, 59), True), (utc(2026, 5, 5, 12, 0), True),
                      (utc(2026, 5, 5, 12, 1), False)]
)
def test_is_due(next_run, due):
    assert is_due(next_run, utc(2026, 5, 5, 12, 0)) is due


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        in_window(DAYTIME, datetime(2026, 5, 5, 12, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        next_regular_run(DAYTIME, datetime(2026, 5, 5, 12, 0), utc(2026, 5, 5, 12, 0))


def test_results_are_utc_even_for_other_aware_inputs():
    berlin_noon = datetime(2026, 5, 5, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    result = first_run(rule(), berlin_noon)
    assert result == utc(2026, 5, 5, 10, 0) and result.tzinfo == timezone.utc


# --- backoff ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "failures, interval_hours, minutes",
    [
        (1, 1.0, 1),
        (2, 1.0, 2),
        (3, 1.0, 4),
        (4, 1.0, 8),
        (6, 1.0, 32),
        (7, 1.0, 60),  # 64 capped at the hour
        (5, 0.25, 15),  # 16 capped at 15 minutes
        (30, 0.25, 15),
        (30, 24, 1440),
        (10_000, 24, 1440),  # no overflow however long the failures go on
    ],
)
def test_retry_delay_doubles_from_one_minute_up_to_the_interval(failures, interval_hours, minutes):
    assert retry_delay(failures, interval_hours) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "failures, jitter, expected",
    [
        (1, 0.5, timedelta(seconds=63)),  # +5% of 60 s
        (4, 0.999, timedelta(minutes=8) * 1.0999),
        (7, 0.999, timedelta(hours=1)),  # already at the cap: jitter cannot exceed it
    ],
)
def test_retry_jitter_adds_at_most_ten_percent_and_never_exceeds_interval(failures, jitter, expected):
    assert retry_delay(failures, 1.0, jitter) == expected


def test_next_retry_is_failure_plus_delay():
    failed_at = utc(2026, 5, 5, 12, 0)
    assert next_retry(DAYTIME, failed_at, 3) == utc(2026, 5, 5, 12, 4)


def test_next_retry_outside_window_waits_for_the_window():
    failed_at = utc(2026, 5, 5, 21, 58)
    assert next_retry(DAYTIME, failed_at, 3) == utc(2026, 5, 6, 6, 0)  # 22:02 is outside


def test_rejected_credentials_wait_for_the_next_regular_run():
    last_start = utc(2026, 5, 5, 12, 0)
    failed_at = utc(2026, 5, 5, 12, 1)
    retry_at = next_retry(
        DAYTIME, failed_at, 1, credentials_rejected=True, last_start=last_start
    )
    assert retry_at == utc(2026, 5, 5, 13, 0)


def test_rejected_credentials_after_a_run_longer_than_the_interval_still_wait_an_interval():
    quarter = rule(interval=0.25)
    last_start = utc(2026, 5, 5, 12, 0)
    failed_at = utc(2026, 5, 5, 12, 20)  # the login hung past the 15-minute interval
    retry_at = next_retry(quarter, failed_at, 1, credentials_rejected=True, last_start=last_start)
    assert retry_at == utc(2026, 5, 5, 12, 35)


def test_rejected_credentials_without_last_start_count_from_the_failure():
    failed_at = utc(2026, 5, 5, 21, 30)
    # 22:30 is outside 6-22: the next regular run is tomorrow's opening.
    assert next_retry(DAYTIME, failed_at, 5, credentials_rejected=True) == utc(2026, 5, 6, 6, 0)


# --- parsing user input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, hours", [("0.25", 0.25), ("1", 1.0), (" 2.5 ", 2.5), ("24", 24.0), (0.25, 0.25), (24, 24.0)]
)
def test_parse_interval_accepts_the_range(text, hours):
    assert parse_interval(text) == hours


@pytest.mark.parametrize("text", ["abc", "", "0.1", "0", "-1", "25", "24.01", "nan", "inf", "-inf"])
def test_parse_interval_rejects_with_the_range_in_the_message(text):
    with pytest.raises(UsageError) as caught:
        parse_interval(text)
    assert str(caught.value) == (
        f"interval must be a number of hours from 0.25 to 24, got '{text}'"
    )
    assert caught.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    "text, hours",
    [("6-22", (6, 22)), ("22-6", (22, 6)), ("0-23", (0, 23)), (" 8 - 17 ", (8, 17)),
     ("06:00-22:00", (6, 22))],
)
def test_parse_active_hours(text, hours):
    assert parse_active_hours(text) == hours


@pytest.mark.parametrize("text", ["6-6", "0-0", "23-23"])
def test_parse_active_hours_rejects_equal_start_and_end(text):
    with pytest.raises(UsageError, match="leave active hours off .*24/7"):
        parse_active_hours(text)


@pytest.mark.parametrize("text", ["6-24", "24-6", "25-3", "99-1"])
def test_parse_active_hours_rejects_hours_outside_0_to_23(text):
    with pytest.raises(UsageError, match="outside 0-23"):
        parse_active_hours(text)


@pytest.mark.parametrize("text", ["", "6", "6-", "six-ten", "6to22", "-1-5", "6.5-22", "06:30-22:00"])
def test_parse_active_hours_rejects_bad_format_naming_the_form(text):
    with pytest.raises(UsageError, match="START-END"):
        parse_active_hours(text)


@pytest.mark.parametrize("name", ["Europe/Berlin", NY, "UTC", "Asia/Kathmandu"])
def test_validate_timezone_accepts_iana_names(name):
    assert validate_timezone(name) == name


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "", "Europe", "../etc/passwd", "/etc/localtime"])
def test_validate_timezone_rejects_unknown_zones_suggesting_an_iana_name(name):
    with pytest.raises(UsageError, match="IANA name like Europe/Berlin"):
        validate_timezone(name)


def test_make_rule_validates_and_builds():
    assert make_rule("0.5", "22-6", "Europe/Berlin") == ScheduleRule(0.5, 22, 6, "Europe/Berlin")
    assert make_rule(None, None, "UTC") == ScheduleRule(DEFAULT_INTERVAL_HOURS, None, None, "UTC")
    assert make_rule(2, "always", "UTC").always_active
    with pytest.raises(UsageError):
        make_rule("0.1", "6-22", "UTC")
    with pytest.raises(UsageError):
        make_rule("1", "6-6", "UTC")
    with pytest.raises(UsageError):
        make_rule("1", "6-22", "Nowhere/Land")


def test_make_rule_without_zone_uses_the_machines_zone():
    assert make_rule("1", "6-22", None).timezone == local_timezone()


def test_rule_refuses_impossible_values():
    with pytest.raises(ValueError):
        ScheduleRule(0.0)
    with pytest.raises(ValueError):
        ScheduleRule(1.0, 6, None)
    with pytest.raises(ValueError):
        ScheduleRule(1.0, 6, 6)
    with pytest.raises(ValueError):
        ScheduleRule(1.0, 6, 24)
    with pytest.raises(ValueError):
        ScheduleRule(1.0, timezone="Nowhere/Land")


# --- the machine's zone ----------------------------------------------------------------------


def test_local_timezone_prefers_a_valid_tz_variable(tmp_path):
    (tmp_path / "timezone").write_text("Europe/Berlin\n")
    assert local_timezone({"TZ": ":America/New_York"}, tmp_path) == NY
    assert local_timezone({"TZ": "/usr/share/zoneinfo/Asia/Tokyo"}, tmp_path) == "Asia/Tokyo"


def test_local_timezone_falls_back_to_etc_timezone_then_localtime_then_utc(tmp_path):
    (tmp_path / "timezone").write_text("Europe/Berlin\n")
    assert local_timezone({"TZ": "not a zone"}, tmp_path) == "Europe/Berlin"
    (tmp_path / "timezone").unlink()
    (tmp_path / "localtime").symlink_to("/usr/share/zoneinfo/Australia/Sydney")
    assert local_timezone({}, tmp_path) == "Australia/Sydney"
    (tmp_path / "localtime").unlink()
    assert local_timezone({}, tmp_path) == "UTC"


# --- describing a window ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "the_rule, text",
    [
        (rule(6, 22, "Europe/Berlin"), "06:00-22:00 Europe/Berlin"),
        (rule(22, 6, NY), "22:00-06:00 (overnight) America/New_York"),
        (rule(zone=NY), "always"),
    ],
)
def test_describe_window(the_rule, text):
    assert describe_window(the_rule) == text


# --- a schedule's life (wosync.schedule_rules) ----------------------------------------------


def row_of(the_rule: ScheduleRule, **columns) -> dict:
    """A schedules row as the store returns it (times as UTC ISO text)."""
    base = {"id": 1, "enabled": 1, "next_run": None, "last_run": None, "last_success": None,
            "consecutive_failures": 0, "interval_hours": the_rule.interval_hours,
            "active_start_hour": the_rule.active_start_hour, "active_end_hour": the_rule.active_end_hour,
            "timezone": the_rule.timezone}
    return {**base, **columns}


@pytest.mark.parametrize("text", ["always", "off", "none", "24/7", "OFF", " None "])
def test_parse_window_takes_every_word_for_no_window(text):
    assert parse_window(text) == (None, None)
    assert make_rule("1", text, "UTC").always_active


def test_parse_window_reads_hours_and_refuses_the_rest():
    assert parse_window("22-6") == (22, 6)
    with pytest.raises(UsageError, match="START-END"):
        parse_window("never")
    assert ALWAYS_WORDS == {"always", "off", "none", "24/7"}


def test_on_create_runs_at_once_inside_the_window_and_never_when_paused():
    assert on_create(rule(6, 22), utc(2026, 3, 10, 9)) == utc(2026, 3, 10, 9)
    assert on_create(rule(6, 22), utc(2026, 3, 10, 23)) == utc(2026, 3, 11, 6)
    assert on_create(rule(6, 22), utc(2026, 3, 10, 9), paused=True) is None


def test_pause_and_resume():
    assert on_pause() == {"enabled": 0, "next_run": None}
    paused = row_of(rule(6, 22), enabled=0, consecutive_failures=3)
    assert on_resume(paused, utc(2026, 3, 10, 9)) == {"enabled": 1, "next_run": utc(2026, 3, 10, 9)}
    assert on_resume(paused, utc(2026, 3, 10, 22)) == {"enabled": 1, "next_run": utc(2026, 3, 11, 6)}


def test_on_update_plans_from_the_last_start_or_from_now():
    now = utc(2026, 3, 10, 9, 30)
    ran = row_of(rule(), last_run="2026-03-10T09:00:00Z")
    assert on_update(ran, {"interval_hours": 4.0}, now) == {"interval_hours": 4.0, "next_run": utc(2026, 3, 10, 13)}
    # A window that excludes the next regular run moves it to the next opening.
    changes = {"active_start_hour": 6, "active_end_hour": 12}
    assert on_update(ran, {**changes, "interval_hours": 4.0}, now)["next_run"] == utc(2026, 3, 11, 6)
    never_ran = row_of(rule(6, 22))
    assert on_update(never_ran, {"interval_hours": 2.0}, now)["next_run"] == now
    # A paused schedule gets no next run; only the changes are written.
    assert on_update(row_of(rule(), enabled=0), {"interval_hours": 2.0}, now) == {"interval_hours": 2.0}


def test_counters_after_run():
    started = utc(2026, 3, 10, 9)
    assert counters_after_run(3, started, True) == {"last_run": started, "last_success": started,
                                                   "consecutive_failures": 0}
    assert counters_after_run(3, started, False) == {"last_run": started, "consecutive_failures": 4}
    assert counters_after_run(0, started, False) == {"last_run": started, "consecutive_failures": 1}


def test_plan_after_run_success_failure_and_rejected_credentials():
    now = utc(2026, 3, 10, 9, 5)
    hourly = rule(interval=1.0)
    started = {"started_at": "2026-03-10T09:00:00Z"}
    assert plan_after_run(hourly, {**started, "status": "success"}, 0, now, 0.0) == utc(2026, 3, 10, 10)
    assert plan_after_run(hourly, {**started, "status": "success"}, 0, now, 0.0,
                          test_interval=timedelta(seconds=30)) == now  # 09:00:30 is past: now
    assert plan_after_run(hourly, {**started, "status": "failed"}, 3, now, 0.0) == now + timedelta(minutes=4)
    assert plan_after_run(hourly, {**started, "status": "partial"}, 1, now, 0.0) == now + timedelta(minutes=1)
    rejected = {**started, "status": "failed", "error_kind": "credentials_rejected"}
    assert plan_after_run(hourly, rejected, 1, now, 0.0) == utc(2026, 3, 10, 10)
    interrupted = {**started, "status": "interrupted"}
    assert plan_after_run(hourly, interrupted, 1, now, 0.0, stopping=True) == now
    assert plan_after_run(hourly, interrupted, 1, now, 0.0) == now + timedelta(minutes=1)


def test_a_skip_retries_soon_without_counting_a_failure():
    now = utc(2026, 3, 10, 9)
    assert after_skip(row_of(rule(), consecutive_failures=2), now, 0.0) == {"next_run": now + timedelta(minutes=1)}


def test_a_missing_account_counts_a_failure_and_waits_for_the_next_regular_run():
    now = utc(2026, 3, 10, 9)
    changes = after_missing_account(row_of(rule(interval=2.0), consecutive_failures=1), now, 0.5)
    assert changes == {"consecutive_failures": 2, "next_run": utc(2026, 3, 10, 11)}


def test_a_failed_start_counts_a_failure_and_backs_off():
    now = utc(2026, 3, 10, 9)
    changes = after_failed_start(row_of(rule(), consecutive_failures=2), now, 0.0)
    assert changes == {"consecutive_failures": 3, "next_run": now + timedelta(minutes=4)}


def test_which_schedules_are_unplanned_due_and_earliest():
    rows = [
        row_of(rule(), id=1, next_run="2026-03-10T09:00:00Z"),
        row_of(rule(), id=2, next_run="2026-03-10T08:00:00Z"),
        row_of(rule(), id=3, next_run="2026-03-10T07:00:00Z", enabled=0),  # paused: never counts
        row_of(rule(), id=4, next_run=None),
        row_of(rule(), id=5, next_run="2026-03-10T10:00:00Z"),
    ]
    assert [r["id"] for r in unplanned_schedules(rows)] == [4]
    assert [r["id"] for r in due_schedules(rows, utc(2026, 3, 10, 9))] == [2, 1]  # most overdue first
    assert earliest_next_run(rows) == utc(2026, 3, 10, 8)
    assert earliest_next_run([rows[2], rows[3]]) is None


def test_clock_jump_beyond_the_tolerance_only():
    assert clock_jump(2.0, 2.0 + CLOCK_JUMP_TOLERANCE_SECONDS) is None
    assert clock_jump(2.0, 3602.0) == pytest.approx(3600)
    assert clock_jump(2.0, -598.0) == pytest.approx(-600)


def test_when_text_in_full_and_short():
    now = utc(2026, 11, 29, 9)  # a Sunday
    berlin = ZoneInfo("Europe/Berlin")
    assert when_text(utc(2026, 11, 29, 14, 30), now, timezone.utc) == "14:30"
    assert when_text(utc(2026, 11, 29, 14, 30), now, berlin) == "15:30"
    assert when_text(utc(2026, 11, 30, 14, 30), now, timezone.utc) == "2026-11-30 14:30"
    assert when_text(utc(2026, 11, 29, 14, 30), now, timezone.utc, short=True) == "14:30"
    assert when_text(utc(2026, 12, 1, 6), now, timezone.utc, short=True) == "Tue 06:00"
    assert when_text(utc(2026, 12, 10, 6), now, timezone.utc, short=True) == "2026-12-10"
