"""`wosync calendar` and `schedule --calendar FILE` (visits where a technician already looks): the next visits as an
iCalendar feed, read back with the `icalendar` library and imported into a real calendar client
(khal, from Debian's packages), which then lists the visits on their days.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from wosync.calendar import event_uid, parse_window
from wosync.daemon import run_schedule
from wosync.errors import ExitCode
from wosync.store import Store
from support.stored_orders import ACCOUNT, make_order, store_sync

UTC = timezone.utc
T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
CHICAGO = "America/Chicago"


def events_of(data: bytes) -> dict[str, icalendar.Event]:
    """Given a feed, return its events by the order number that starts their summary."""
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["SUMMARY"]).split()[0]: e for e in calendar.walk("VEVENT")}


@pytest.fixture
def orders_stored(wosync_home: Path) -> list[dict]:
    """Four active orders with a next visit (windows: 8-12, anytime, 12-4, none) plus one without,
    and a schedule in Chicago time."""
    orders = [make_order(n) for n in range(4)] + [make_order(4, next_visit_date=None, time_window=None)]
    with Store() as store:
        store.create_schedule(ACCOUNT, 1.0, None, None, CHICAGO, True, None, T0)
        store_sync(store, orders, T0)
    return orders


def feed(cli, *options: str) -> bytes:
    result = cli("calendar", *options)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("window, expected", [
    ("8:00am - 12:00pm", ((8, 0), (12, 0))), ("12:30pm - 4pm", ((12, 30), (16, 0))),
    ("7 a.m. - 11:15 a.m.", ((7, 0), (11, 15))), ("08:00 - 17:00", ((8, 0), (17, 0))),
    ("anytime", None), ("", None), (None, None), ("morning - evening", None), ("13:00pm - 2pm", None),
])
def test_time_windows(window, expected):
    parsed = parse_window(window)
    assert (None if parsed is None else tuple((t.hour, t.minute) for t in parsed)) == expected


def test_one_event_per_visit_with_summary_location_description_url(cli, orders_stored):
    events = events_of(feed(cli))
    assert sorted(events) == ["W-110229", "W-110230", "W-110231", "W-110232"]  # W-110233 has no next visit
    wawa = events["W-110229"]
    assert str(wawa["SUMMARY"]) == "W-110229 Wawa #5154: Meter Calibration"
    assert str(wawa["LOCATION"]) == "100 N Dale Mabry Hwy, Tampa, FL 33623"
    assert str(wawa["URL"]) == "https://app.workfossa.com/app/work/600000/visits/130000/"
    description = str(wawa["DESCRIPTION"]).splitlines()
    assert "Due: 2026-12-15" in description
    assert "4 x All Dispensers (2861)" in description and "1 x Miscellaneous Hardware" in description
    assert description.index("4 x All Dispensers (2861)") + 1 == description.index("1 x Miscellaneous Hardware")
    assert "Gate code 4471. Do NOT block the <diesel> lane." in description
    assert "Put stickers on the inner side of the uprights." in description
    assert str(wawa["UID"]) == event_uid(ACCOUNT, "W-110229") and ACCOUNT not in str(wawa["UID"])


def test_a_time_window_is_a_timed_event_in_the_schedules_zone_else_all_day(cli, orders_stored):
    events = events_of(feed(cli))
    start, end = events["W-110229"].decoded("DTSTART"), events["W-110229"].decoded("DTEND")
    assert start == datetime(2026, 12, 1, 8, 0, tzinfo=ZoneInfo(CHICAGO))
    assert end == datetime(2026, 12, 1, 12, 0, tzinfo=ZoneInfo(CHICAGO))
    assert events["W-110229"]["DTSTART"].params["TZID"] == CHICAGO
    assert events["W-110231"].decoded("DTSTART") == datetime(2026, 12, 3, 12, 0, tzinfo=ZoneInfo(CHICAGO))
    for anytime, index in (("W-110230", 1), ("W-110232", 3)):  # "anytime", and no window at all
        day = date.fromisoformat(orders_stored[index]["next_visit_date"])
        assert events[anytime].decoded("DTSTART") == day and not isinstance(events[anytime].decoded("DTSTART"), datetime)
        assert events[anytime].decoded("DTEND") == day + timedelta(days=1)
    every = events_of(feed(cli, "--all-day"))
    assert all(not isinstance(e.decoded("DTSTART"), datetime) for e in every.values())
    assert b"BEGIN:VTIMEZONE" in feed(cli) and b"TZID:America/Chicago" in feed(cli)


def test_without_a_schedule_the_machines_zone_is_used(cli, wosync_home, monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    with Store() as store:
        store_sync(store, [make_order(0)], T0)
    [event] = events_of(feed(cli)).values()
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"


def test_uids_are_stable_across_syncs_and_gone_orders_leave_the_feed(cli, orders_stored):
    before = {n: str(e["UID"]) for n, e in events_of(feed(cli)).items()}
    with Store() as store:
        moved = make_order(0, next_visit_date="2026-12-20", time_window="12:00pm - 4:00pm")
        no_visit = make_order(1, next_visit_date=None, time_window=None)
        store_sync(store, [moved, no_visit, make_order(3), orders_stored[4]], T0 + timedelta(hours=1),
                   to_complete=("W-110231",))
    after = events_of(feed(cli))
    assert sorted(after) == ["W-110229", "W-110232"]  # W-110230 lost its visit, W-110231 was completed
    assert {n: str(e["UID"]) for n, e in after.items()} == {n: before[n] for n in after}
    assert after["W-110229"].decoded("DTSTART") == datetime(2026, 12, 20, 12, 0, tzinfo=ZoneInfo(CHICAGO))


def test_uids_differ_between_accounts_and_username_filters(cli, orders_stored):
    with Store() as store:
        store_sync(store, [make_order(0)], T0, account="second@example.com")
    calendar = icalendar.Calendar.from_ical(feed(cli))
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("W-110229")]
    assert len(uids) == 2 and len(set(uids)) == 2
    assert sorted(events_of(feed(cli, "--username", "second@example.com"))) == ["W-110229"]


def test_output_is_written_atomically_with_mode_0600(cli, orders_stored, tmp_path):
    target = tmp_path / "cal" / "visits.ics"
    target.parent.mkdir()
    result = cli("calendar", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert "Wrote 4 visits to" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(events_of(target.read_bytes())) == ["W-110229", "W-110230", "W-110231", "W-110232"]
    inode = target.stat().st_ino
    cli("calendar", "--output", str(target))
    assert target.stat().st_ino != inode  # replaced by a rename, never rewritten in place
    assert sorted(p.name for p in target.parent.iterdir()) == ["visits.ics"]  # no temporary file left


@pytest.mark.parametrize("where, words", [
    ("missing/visits.ics", ["does not exist"]), (".", ["is a folder"]),
])
def test_a_bad_output_path_is_one_usage_error(cli, error_line, orders_stored, tmp_path, where, words):
    message = error_line(cli("calendar", "--output", str(tmp_path / where)), ExitCode.USAGE)
    assert all(word in message for word in words), message


# ----------------------------------------------------------------------------- a real client


@pytest.fixture
def khal(tmp_path: Path):
    """Return run(*args): khal with its own configuration and calendar folder under tmp_path."""
    assert shutil.which("khal"), "khal is needed for the calendar tests: bash scripts/install.sh --test installs it"
    folder = tmp_path / "khal-calendar"
    folder.mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        "[calendars]\n[[visits]]\npath = {folder}\ntype = calendar\n\n"
        "[locale]\nlocal_timezone = {zone}\ndefault_timezone = {zone}\ntimeformat = %H:%M\n"
        "dateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%d %H:%M\n"
        "longdatetimeformat = %Y-%m-%d %H:%M\n\n[default]\ndefault_calendar = visits\n".format(folder=folder, zone=CHICAGO)
    )
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg-data"), XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
               XDG_CACHE_HOME=str(tmp_path / "xdg-cache"))

    def run(*args: str) -> str:
        done = subprocess.run(["khal", "-c", str(config), *args], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run.folder = folder
    return run


def test_khal_imports_the_feed_and_lists_the_visits_on_their_days(cli, orders_stored, tmp_path, khal):
    target = tmp_path / "visits.ics"
    cli("calendar", "--output", str(target))
    khal("import", "--batch", "-a", "visits", str(target))
    listing = khal("list", "--format", "{start-date} {start-time}-{end-time} {title}", "2026-12-01", "10d")
    lines = [line for line in listing.splitlines() if line.startswith("2026-")]
    assert "2026-12-01 08:00-12:00 W-110229 Wawa #5154: Meter Calibration" in lines
    assert "2026-12-02 - W-110230 Circle K Stores Inc. #99291: Annual Inspection" in lines  # all-day: no times
    assert "2026-12-03 12:00-16:00 W-110231 Bay Area Quick Stop #64810: Combo" in lines
    assert any(line.startswith("2026-12-04 - W-110232 ") for line in lines)
    assert len(lines) == 4

    # The next feed moves a visit: importing it again updates the event (same UID), never adds one.
    with Store() as store:
        store_sync(store, [make_order(0, next_visit_date="2026-12-05")] + orders_stored[1:], T0 + timedelta(hours=1))
    cli("calendar", "--output", str(target))
    khal("import", "--batch", "-a", "visits", str(target))
    listing = khal("list", "--format", "{start-date} {start-time}-{end-time} {title}", "2026-12-01", "10d")
    wawa = [line for line in listing.splitlines() if "W-110229" in line]
    assert wawa == ["2026-12-05 08:00-12:00 W-110229 Wawa #5154: Meter Calibration"]
    assert len(list(khal.folder.iterdir())) == 4


# --------------------------------------------------------------------- schedule --calendar FILE


def fake_sync(orders: list[dict], status: str = "success"):
    """Return a sync function for run_schedule that stores `orders` as a run with `status`."""

    def sync(store, account, clock, options, cancel=None):
        run_id = store_sync(store, orders, clock(), account=account.username, schedule_id=options.schedule_id,
                            status=status, error_kind=None if status == "success" else "layout",
                            error_message=None if status == "success" else "the list moved")
        return store.get_run(run_id)

    return sync


def test_schedule_calendar_is_written_at_once_and_after_each_successful_sync(cli, wosync_home, tmp_path):
    target = tmp_path / "schedule.ics"
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
    result = cli("schedule", "create", "--interval", "1", "--timezone", CHICAGO, "--calendar", str(target))
    assert result.exit_code == 0, result.output
    assert f"Calendar {target}: written now" in result.stdout
    assert events_of(target.read_bytes()) == {} and stat.S_IMODE(target.stat().st_mode) == 0o600
    [row] = __import__("json").loads(cli("schedule", "list", "--json").stdout)
    assert row["calendar_path"] == str(target)

    with Store() as store:
        outcome = run_schedule(store, 1, lambda: T0, sync=fake_sync([make_order(0), make_order(1)]))
    assert outcome.status == "success"
    assert sorted(events_of(target.read_bytes())) == ["W-110229", "W-110230"]

    with Store() as store:  # a failed sync leaves the feed as it was
        before = target.read_bytes()
        run_schedule(store, 1, lambda: T0 + timedelta(hours=1), sync=fake_sync([make_order(5)], status="failed"))
    assert target.read_bytes() == before

    assert cli("schedule", "update", "1", "--no-calendar").exit_code == 0
    with Store() as store:
        run_schedule(store, 1, lambda: T0 + timedelta(hours=2), sync=fake_sync([make_order(7)]))
    assert target.read_bytes() == before  # no longer rewritten (and not deleted)


def test_schedule_calendar_in_a_missing_folder_is_refused_before_anything_is_stored(cli, error_line, wosync_home, tmp_path):
    message = error_line(cli("schedule", "create", "--calendar", str(tmp_path / "nope" / "x.ics")), ExitCode.USAGE)
    assert "does not exist" in message
    assert cli("schedule", "list", "--json").stdout == "[]\n"


def test_a_calendar_that_cannot_be_written_never_fails_the_sync(cli, wosync_home, tmp_path, caplog):
    folder = tmp_path / "gone"
    folder.mkdir()
    with Store() as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", T0)
    cli("schedule", "create", "--calendar", str(folder / "x.ics"))
    shutil.rmtree(folder)
    with Store() as store:
        outcome = run_schedule(store, 1, lambda: T0, sync=fake_sync([make_order(0)]))
    assert outcome.status == "success"
    assert any("calendar not written" in r.getMessage() for r in caplog.records)


# --------------------------------------------------------------------- dates a calendar cannot hold


@pytest.fixture
def far_dates_stored(wosync_home: Path) -> None:
    """One ordinary visit and three the site dated beyond what a calendar can hold: the last
    year a date has (9999, all-day and across midnight) and a day that does not exist."""
    orders = [make_order(0), make_order(1, next_visit_date="9999-11-01", due_date="9999-12-31"),
              make_order(2, next_visit_date="9999-12-31", time_window="10:00pm - 2:00am"),
              make_order(3, next_visit_date="2026-02-30")]
    with Store() as store:
        store_sync(store, orders, T0)


FAR_SKIPPED = ("W-110230 (9999-11-01)", "W-110231 (9999-12-31)", "W-110232 (2026-02-30)")


def test_visits_a_calendar_cannot_hold_are_skipped_and_named_on_stderr(cli, far_dates_stored):
    result = cli("calendar")
    assert result.exit_code == 0, result.output
    assert sorted(events_of(result.stdout_bytes)) == ["W-110229"]
    [line] = result.stderr.splitlines()
    assert line.startswith("skipped 3 visits that a calendar cannot hold: ")
    assert all(name in line for name in FAR_SKIPPED), line


def test_a_calendar_file_with_a_skipped_visit_is_written_and_says_so(cli, far_dates_stored, tmp_path):
    target = tmp_path / "visits.ics"
    result = cli("calendar", "--output", str(target), "--all-day")
    assert result.exit_code == 0, result.output
    assert sorted(events_of(target.read_bytes())) == ["W-110229"]
    assert result.stderr.splitlines()[-1] == f"Wrote 1 visit to {target}."
    assert "skipped 3 visits that a calendar cannot hold" in result.stderr


def test_schedule_calendar_with_a_far_visit_is_written_and_its_rewrites_warn(cli, far_dates_stored, tmp_path, caplog):
    target = tmp_path / "schedule.ics"
    result = cli("schedule", "create", "--interval", "1", "--calendar", str(target))
    assert result.exit_code == 0, result.output
    assert sorted(events_of(target.read_bytes())) == ["W-110229"]
    assert result.stderr.startswith("skipped 3 visits that a calendar cannot hold: ")
    assert len(__import__("json").loads(cli("schedule", "list", "--json").stdout)) == 1

    far = [make_order(0), make_order(1, next_visit_date="9999-11-01")]
    with Store() as store:
        outcome = run_schedule(store, 1, lambda: T0 + timedelta(hours=1), sync=fake_sync(far))
    assert outcome.status == "success"
    assert sorted(events_of(target.read_bytes())) == ["W-110229"]
    warnings = [r.getMessage() for r in caplog.records if "that a calendar cannot hold" in r.getMessage()]
    assert warnings and "W-110230 (9999-11-01)" in warnings[-1]


@pytest.mark.parametrize("args", [("orders",), ("orders", "--all"), ("orders", "--json"), ("orders", "--csv"),
                                  ("orders", "show", "W-110230"), ("orders", "show", "W-110231"),
                                  ("orders", "show", "W-110232"), ("history",), ("changes",), ("status",)])
def test_far_dates_are_shown_as_read_by_every_listing(cli, far_dates_stored, args):
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "Error" not in result.stderr
    if args[0] == "orders" and len(args) < 3 or args[-1] == "W-110230":
        assert "9999" in result.stdout


def test_the_zone_rules_cover_the_visits_years_near_now_only():
    from wosync.calendar import build_feed

    orders = [make_order(0, next_visit_date="0001-01-02"), make_order(1, next_visit_date="9998-06-01",
                                                                      time_window="8:00am - 12:00pm"),
              make_order(2, next_visit_date="5000-03-01", time_window="8:00am - 12:00pm")]
    feed = build_feed(orders, lambda order: ACCOUNT, CHICAGO, T0)
    assert feed.skipped == ()
    assert len(feed.data) < 20_000  # not 270 kB of daylight-saving dates from year 1 to 9998
    assert sorted(events_of(feed.data)) == ["W-110229", "W-110230", "W-110231"]
