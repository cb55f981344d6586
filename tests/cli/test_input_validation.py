"""What a user may type: every id and integer option range-checked, numbers in ASCII digits,
paths checked before use, usernames that are e-mail addresses (compared case-insensitively),
Apprise URLs with what their service needs, and WOSYNC_DEBUG for the unexpected.

Each case is a mistyped line as a user would type it, through the real CLI (in-process),
and must give exit 2 with exactly one `Error:` line naming the option and what it takes.
"""

from __future__ import annotations

import pytest

from wosync.errors import ExitCode

HUGE = "99999999999999999999999"  # past SQLite's 64-bit INTEGER


@pytest.mark.parametrize("args, names", [
    (["schedule", "pause", HUGE], "schedule id"),
    (["schedule", "resume", HUGE], "schedule id"),
    (["schedule", "delete", HUGE], "schedule id"),
    (["schedule", "update", HUGE, "--interval", "2"], "schedule id"),
    (["changes", "--run", "1e30"], "--run"),
    (["changes", "--run", "1" + "0" * 30], "--run"),
    (["history", "--limit", "10**30"], "--limit"),
    (["history", "--limit", "1" + "0" * 30], "--limit"),
    (["history", "--limit", "0"], "--limit"),
    (["history", "--report", "--days", "1_0"], "--days"),
    (["notify", "remove", "99999999999999999999"], "notification target id"),
    (["sync-now", "--schedule", HUGE], "--schedule"),
    (["sync-now", "--purge-completed-after", "inf"], "--purge-completed-after"),
    (["sync-now", "--purge-completed-after", "1e400"], "--purge-completed-after"),
])
def test_integers_past_the_range_are_one_usage_error_line(cli, error_line, args, names):
    message = error_line(cli(*args), ExitCode.USAGE)
    assert names in message and "unexpected" not in message


def test_a_huge_number_of_digits_is_refused_too(cli, error_line):
    assert "--limit must be from 1 to" in error_line(cli("history", "--limit", "9" * 5000), ExitCode.USAGE)


@pytest.mark.parametrize("args, names", [
    (["schedule", "pause", "-1"], "schedule id"),
    (["schedule", "update", "-3", "--interval", "2"], "schedule id"),
    (["notify", "remove", "-1"], "notification target id"),
])
def test_a_negative_id_is_told_to_be_positive_not_no_such_option(cli, error_line, args, names):
    message = error_line(cli(*args), ExitCode.USAGE)
    assert f"{names} must be a positive whole number" in message
    assert "No such option" not in message


@pytest.mark.parametrize("interval", ["1_0", "١", "٢.٥", "１", "1e1", "+2"])
def test_an_interval_takes_ascii_digits_only(cli, error_line, interval):
    message = error_line(cli("schedule", "create", "--interval", interval, "--timezone", "UTC"), ExitCode.USAGE)
    assert "digits 0-9" in message and repr(interval) in message
    assert cli("schedule", "list", "--json").stdout.strip() == "[]"


def test_update_refuses_an_underscored_interval_and_changes_nothing(cli, error_line):
    assert cli("schedule", "create", "--interval", "2", "--timezone", "UTC").exit_code == 0
    assert "digits 0-9" in error_line(cli("schedule", "update", "1", "--interval", "1_0"), ExitCode.USAGE)
    assert '"interval_hours": 2.0' in cli("schedule", "list", "--json").stdout


@pytest.mark.parametrize("hours", ["٦-22", "6-２２"])
def test_active_hours_take_ascii_digits_only(cli, error_line, hours):
    message = error_line(cli("schedule", "create", "--active-hours", hours, "--timezone", "UTC"), ExitCode.USAGE)
    assert "digits 0-9" in message


@pytest.mark.parametrize("args", [["history", "--limit", "٣"], ["changes", "--run", "٣"], ["notify", "remove", "٣"]])
def test_ids_and_counts_take_ascii_digits_only(cli, error_line, args):
    assert "digits 0-9" in error_line(cli(*args), ExitCode.USAGE)


def test_the_ranges_themselves_are_accepted(cli):
    assert cli("history", "--limit", "9223372036854775807", "--json").exit_code == 0
    assert cli("history", "--limit", "1", "--json").exit_code == 0
    missing = cli("changes", "--run", "9223372036854775807")
    assert missing.exit_code == ExitCode.USAGE and "no run 9223372036854775807" in missing.stderr


# ------------------------------------------------------------------ paths


@pytest.mark.parametrize("args", [
    ["daemon", "--log-file", "/proc/nope/log"],
    ["backup", "/proc/nope/backup.db"],
    ["restore", "/proc/nope/backup.db"],
])
def test_a_path_that_cannot_be_used_is_refused_before_anything_runs(cli, error_line, args):
    message = error_line(cli(*args), ExitCode.USAGE)
    assert "/proc/nope" in message


def test_a_log_file_that_is_a_folder_is_refused(cli, error_line, tmp_path):
    assert "is a folder" in error_line(cli("daemon", "--log-file", str(tmp_path)), ExitCode.USAGE)


# ------------------------------------------------------------------ usernames


@pytest.mark.parametrize("username", ["notanemail", "tech@", "@example.com", "tech@example", "tech @example.com",
                                      "tech@exa\x1bmple.com"])
def test_a_username_must_look_like_an_email_address_before_any_browser_starts(
        cli, error_line, monkeypatch, username):
    import wosync.actions.login

    def no_browser(*args, **kwargs):
        raise AssertionError("a browser was started for a username that is not an e-mail address")

    monkeypatch.setattr(wosync.actions.login, "verify_login", no_browser)
    message = error_line(cli("login", "--username", username, "--password-stdin", input="pw\n"), ExitCode.USAGE)
    assert "e-mail address" in message


@pytest.mark.parametrize("args", [["history", "--username", "notanemail"], ["orders", "--username", "notanemail"],
                                  ["changes", "--username", "notanemail"], ["sync-now", "--username", "notanemail"],
                                  ["logout", "--username", "notanemail"]])
def test_every_username_option_is_checked(cli, error_line, args):
    assert "--username must be the e-mail address" in error_line(cli(*args), ExitCode.USAGE)


def test_a_bad_wosync_username_is_named(cli, error_line, monkeypatch):
    monkeypatch.setenv("WOSYNC_USERNAME", "tech")
    monkeypatch.setenv("WOSYNC_PASSWORD", "pw")
    assert "WOSYNC_USERNAME must be the e-mail address" in error_line(cli("sync-now"), ExitCode.USAGE)


def test_usernames_compare_case_insensitively_and_are_stored_lower_case(cli, wosync_home, monkeypatch):
    import json

    from wosync.store import Store

    for name in ("TECH@EXAMPLE.COM", "tech@example.com", " Tech@Example.com "):
        result = cli("schedule", "create", "--username", name, "--timezone", "UTC", "--force")
        assert result.exit_code == 0, result.output
    with Store() as store:
        assert [a.username for a in store.list_accounts()] == ["tech@example.com"]
        assert {row["account"] for row in store.list_schedules()} == {"tech@example.com"}
    history = cli("history", "--username", "TECH@example.COM", "--json")
    assert history.exit_code == 0 and json.loads(history.stdout) == []


# ------------------------------------------------------------------ notification URLs


@pytest.mark.parametrize("url, needs", [("ntfys://", "topic"), ("ntfy://", "topic"), ("irc://", "target")])
def test_a_notification_url_without_what_its_service_needs_is_refused(cli, error_line, url, needs):
    message = error_line(cli("notify", "add", url), ExitCode.USAGE)
    assert f"names no {needs}" in message
    assert cli("notify", "list", "--json").stdout.strip() == "[]"


def test_doctor_names_a_stored_url_without_a_topic(wosync_home):
    from datetime import datetime, timezone

    from wosync.actions.doctor import check_notifications
    from wosync.store import Store

    with Store() as store:  # stored by an older wosync, which let it through
        store.add_notification_target("ntfys://", datetime.now(timezone.utc))
        store.add_notification_target("ntfys://my-topic", datetime.now(timezone.utc))
        checks = check_notifications(store)
    assert checks[0].status == "FAILED" and "names no topic" in checks[0].detail
    assert "wosync notify remove 1" in checks[0].detail
    assert checks[1].status == "ok"


# ------------------------------------------------------------------ WOSYNC_DEBUG


@pytest.fixture
def broken_listing(monkeypatch):
    """Make `wosync schedule list` meet an unexpected error (a local holds a secret)."""
    from wosync.store import Store

    def explode(self, enabled_only=False):
        password = "hunter2-in-a-local"  # noqa: F841 - must never reach the output
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(Store, "list_schedules", explode)


def test_an_unexpected_error_is_one_line_without_wosync_debug(cli, error_line, broken_listing):
    message = error_line(cli("schedule", "list"), ExitCode.SYNC_FAILED)
    assert message == ("Error: unexpected RuntimeError: something nobody expected; run `wosync doctor`, "
                       "and set WOSYNC_DEBUG=1 to see the details")


def test_wosync_debug_adds_the_traceback_on_stderr_without_locals(cli, broken_listing, monkeypatch):
    monkeypatch.setenv("WOSYNC_DEBUG", "1")
    result = cli("schedule", "list")
    assert result.exit_code == ExitCode.SYNC_FAILED
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert "RuntimeError: something nobody expected" in lines
    assert lines[-1] == ("Error: unexpected RuntimeError: something nobody expected; run `wosync doctor`, "
                         "and report the traceback above")
    assert "in explode" in result.stderr  # the frames are there, their locals are not
    assert "hunter2-in-a-local" not in result.stderr
