"""The calendar feed written line by line (wosync/calendar_lines.py) is the feed icalendar writes
from one Event object per visit, byte for byte: folding, escaping, visit times (daylight-saving
edges, zones with and without a VTIMEZONE), and the fallbacks to icalendar when its way differs.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
from icalendar.parser import _foldline

from wosync import calendar as feeds
from wosync import calendar_lines
from wosync.calendar_lines import FeedWriter, fold
from support.stored_orders import ACCOUNT, make_order, store_sync
from wosync.store import Store

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
ZONES = ["America/Chicago", "UTC", "Australia/Lord_Howe", "Asia/Kolkata", "Etc/GMT+5", "Europe/London"]
# Text a calendar must escape or fold with care: separators, backslashes and carets where a line
# is cut, characters of 2 to 4 bytes, a byte order mark, markup, escape codes wosync.text removes.
PIECES = list("abc xyz,;:\\^\"'\t\n\r<>&·é€𝄞中\ufeff\u200b\x00") + [
    "\\n", "\\N", "\r\n", "^^", "\\\\", "  ", "\x1b[31m", "[bold]x[/bold]", "L" * 90]


def reference_feed(orders, account_of, zone_name, now, all_day=False, dispensers_of=None) -> bytes:
    """The feed as it was written before the line writer: an icalendar Event per visit, the
    Calendar serialised by icalendar (the format the writer must keep)."""
    zone = ZoneInfo(zone_name)
    calendar = icalendar.Calendar()
    for name, value in (("prodid", feeds.PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                        ("x-wr-calname", "WorkFossa visits"), ("x-wr-timezone", zone_name)):
        calendar.add(name, value)
    days = []
    for order in orders:
        if order.get("completed_at") or not order.get("next_visit_date"):
            continue
        day = feeds.visit_day(order["next_visit_date"])
        if day is None:
            continue
        event = icalendar.Event()
        event.add("uid", feeds.event_uid(account_of(order), order["number"]))
        event.add("dtstamp", now)
        event.add("summary", feeds.summary_text(order))
        window = None if all_day else feeds.parse_window(order.get("time_window"))
        if window is None:
            event.add("dtstart", day)
            event.add("dtend", day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            end_day = day + timedelta(days=1) if window[1] <= window[0] else day
            event.add("dtstart", datetime.combine(day, window[0], tzinfo=zone))
            event.add("dtend", datetime.combine(end_day, window[1], tzinfo=zone))
        if feeds.address_text(order):
            event.add("location", feeds.address_text(order))
        event.add("description", feeds.description_text(order, dispensers_of(order) if dispensers_of else None))
        link = feeds.clean(order.get("visit_url") or order.get("url"))
        if link:
            event.add("url", link)
        if feeds.clean(order.get("status")):
            event.add("categories", [feeds.clean(order["status"])])
        days.append(day)
        calendar.add_component(event)
    span = calendar_lines.day_span(days, now, feeds.ZONE_RULES_YEARS, feeds.FIRST_YEAR)
    if span:
        calendar.add_missing_timezones(first_date=span[0], last_date=span[1])
    return calendar.to_ical()


def random_text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, longest)))


def random_orders(rng: random.Random, count: int) -> list[dict]:
    """Orders with odd text in every field, windows across midnight and daylight-saving changes."""
    windows = ["8:00am - 12:00pm", "anytime", None, "10:00pm - 2:30am", "1:30am - 2:30am", "2:00am - 3:00am",
               "12pm - 12pm", "7 a.m. - 11:15 a.m."]
    days = ["2026-12-01", "2026-03-08", "2026-11-01", "2026-10-25", "2026-03-29", "2026-04-05", "0001-01-02",
            "9998-12-31", "2027-03-14"]
    orders = []
    for n in range(count):
        fields = {name: random_text(rng, rng.choice([8, 60, 300]))
                  for name in ("customer", "street", "city", "category", "contact", "instructions", "status",
                               "visit_url", "reason", "intersection") if rng.random() < 0.5}
        if rng.random() < 0.3:
            fields["items"] = [{"category": random_text(rng, 8), "quantity": rng.choice([1, 1.0, True, None, 12]),
                                "name": random_text(rng, 40), "code": rng.choice([None, "", "2861", True])}]
        orders.append(make_order(n, next_visit_date=rng.choice(days), time_window=rng.choice(windows), **fields))
    return orders


def test_fold_cuts_where_icalendar_folds():
    rng = random.Random(5545)
    lines = ["", "x" * 74, "x" * 75, "é" * 37 + "x", "x" * 73 + "\\n" + "y" * 80, "x" * 73 + "^^" + "y" * 80]
    lines += ["DESCRIPTION:" + random_text(rng, 300).replace("\n", " ").replace("\r", " ") for _ in range(400)]
    for line in lines:
        assert fold(line.encode()) == _foldline(line).encode(), line


@pytest.mark.parametrize("zone", ZONES)
def test_the_feed_is_the_one_icalendar_events_make(zone):
    rng = random.Random(zone)
    orders = random_orders(rng, 60) + [make_order(n) for n in range(8)]
    counts = {id(order): rng.choice([None, 0, 3]) for order in orders}
    for now in (NOW, datetime(2026, 7, 1, 9, 30, 15, 250000, tzinfo=ZoneInfo("Europe/London"))):
        for all_day in (False, True):
            arguments = (orders, lambda order: "tech@example.com", zone, now, all_day, lambda order: counts[id(order)])
            assert feeds.build_feed(*arguments).data == reference_feed(*arguments)


def test_an_empty_feed_is_icalendars():
    assert feeds.build_feed([], lambda order: "x", "America/Chicago", NOW).data == reference_feed(
        [], lambda order: "x", "America/Chicago", NOW)


def written_by_icalendar(summary: str, line: bytes, account: str, seed: int) -> None:
    """With icalendar's escaping patched by the caller: assert that an event's SUMMARY `summary`
    is written as `line` (icalendar's way, the fast path refused by the probes) and that a feed
    of random orders of `account` equals the one icalendar's Events make."""
    import icalendar

    writer = FeedWriter(feeds.EVENT_PROPERTIES)
    assert writer.event({"SUMMARY": summary}) == icalendar.Event().to_ical().replace(
        b"BEGIN:VEVENT\r\n", b"BEGIN:VEVENT\r\n" + line + b"\r\n")
    assert writer._text_mode["SUMMARY"] == "icalendar"
    orders = random_orders(random.Random(seed), 20)
    arguments = (orders, lambda order: account, "America/Chicago", NOW)
    assert feeds.build_feed(*arguments).data == reference_feed(*arguments)


def test_text_icalendar_would_write_otherwise_goes_through_icalendar(monkeypatch):
    # The fast path given an escaping that is not the one icalendar's text values use: the
    # probes see it, and every text is written by icalendar.
    import icalendar.parser

    monkeypatch.setattr(icalendar.parser, "_escape_char", lambda text: text.upper())
    written_by_icalendar("a, b", b"SUMMARY:a\\, b", account="x", seed=1)


def test_times_icalendar_would_write_otherwise_go_through_icalendar(monkeypatch):
    # A date written otherwise than at the end of icalendar's line: no kind's line is reused.
    monkeypatch.setattr(calendar_lines, "_stamp", lambda value: "19000101")
    orders = random_orders(random.Random(2), 30)
    arguments = (orders, lambda order: "x", "Europe/London", NOW)
    assert feeds.build_feed(*arguments).data == reference_feed(*arguments)


def test_a_kind_whose_line_ends_otherwise_is_rendered_each_time():
    writer = FeedWriter(["DTSTAMP", "DTSTART"])
    london = ZoneInfo("Europe/London")
    winter, summer = datetime(2026, 1, 5, 8, 0, tzinfo=london), datetime(2026, 7, 5, 8, 0, tzinfo=london)
    # DTSTAMP is written in UTC: 08:00 in London is 08:00Z in winter, 07:00Z in summer.
    assert writer.typed_line("DTSTAMP", winter) == b"DTSTAMP:20260105T080000Z"
    assert writer.typed_line("DTSTAMP", summer) == b"DTSTAMP:20260705T070000Z"
    assert writer.typed_line("DTSTART", summer) == b"DTSTART;TZID=Europe/London:20260705T080000"
    assert writer.typed_line("DTSTART", date(2026, 7, 5)) == b"DTSTART;VALUE=DATE:20260705"


def test_text_icalendar_would_escape_more_goes_through_icalendar(monkeypatch):
    # A text with none of the characters icalendar's escaping replaces is written unescaped; an
    # icalendar that escaped one more character (here "@") is seen by the probes, and every text
    # is written by icalendar.
    import icalendar.prop.text

    escape = icalendar.prop.text._escape_char
    monkeypatch.setattr(icalendar.prop.text, "_escape_char", lambda text: escape(text).replace("@", "\\@"))
    written_by_icalendar("tech@example.com", b"SUMMARY:tech\\@example.com", account="tech@example.com", seed=3)


def test_the_stored_feed_reads_only_what_the_feed_shows(tmp_path):
    # stored_feed reads FEED_KEYS of the active orders with a next visit date: the same feed as
    # whole records of every active order give.
    orders = random_orders(random.Random(4), 40) + [make_order(n, next_visit_date=day)
                                                    for n, day in ((40, None), (41, ""), (42, "2026-12-02"))]
    with Store(tmp_path / "wosync.db") as store:
        store_sync(store, orders, NOW)
        store_sync(store, orders[1:], NOW + timedelta(hours=1), to_complete=(orders[0]["number"],))
        store_sync(store, orders[:30], NOW, account="other@example.com")
        counts = store.dispenser_counts(None)
        for account in (None, ACCOUNT):
            usernames = [account] if account else [a.username for a in store.list_accounts()]
            assert len(usernames) == (1 if account else 2)
            whole = [(username, order) for username in usernames for order in store.list_orders(account=username)]
            owner = {id(order): username for username, order in whole}
            expected = feeds.build_feed([order for _, order in whole], lambda order: owner[id(order)],
                                        "America/Chicago", NOW, False,
                                        lambda order: counts.get((owner[id(order)], order.get("location_id"))))
            assert feeds.stored_feed(store, account, NOW, "America/Chicago") == expected
