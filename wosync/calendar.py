"""The next visits as an iCalendar (RFC 5545) feed: `wosync calendar` and a schedule's
`--calendar FILE`, which the daemon rewrites after every successful sync.

One VEVENT per active order with a next visit. Its UID is derived from the account and the
order number, so a calendar app that reads the feed again updates the event instead of adding
a second one; an order that is completed or loses its next visit is simply not in the next
feed. A visit with a time window ("8:00am - 12:00pm") is a timed event in the schedule's time
zone (else the machine's); "anytime", no window, or --all-day give an all-day event.

Written with the `icalendar` library (imported when a feed is built, never at start-up): it
renders each distinct typed value and the VCALENDAR around the events, and its escaping and
folding rules write the text (see wosync/calendar_lines.py: 4,243 visits took 1.5 s of CPU
as one icalendar Event each, about 0.15 s so).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from wosync.errors import UsageError
from wosync.text import clean, customer_text, item_text
from wosync.week import visit_summary

if TYPE_CHECKING:
    import logging

    from wosync.store import Store

PRODID = "-//wosync//WorkFossa visits//EN"
_CLOCK = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m?\.?\s*$|^\s*(\d{1,2}):(\d{2})\s*$", re.IGNORECASE)


def parse_clock(text: str) -> time | None:
    """Given "8:00am", "12pm", "8 a.m." or "14:30", return the time of day (None if it is none)."""
    match = _CLOCK.match(text)
    if not match:
        return None
    if match.group(4) is not None:
        hour, minute = int(match.group(4)), int(match.group(5))
    else:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(3).lower() == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


@lru_cache(maxsize=1024)  # a feed of thousands of visits has a handful of windows
def parse_window(window: str | None) -> tuple[time, time] | None:
    """Given the site's time window ("8:00am - 12:00pm"), return (start, end); None for
    "anytime", an empty window, or a text that is not two times of day."""
    if not window or "-" not in window:
        return None
    start_text, _, end_text = window.partition("-")
    start, end = parse_clock(start_text), parse_clock(end_text)
    if start is None or end is None:
        return None
    return start, end


def event_uid(account: str, number: str) -> str:
    """Given an account and an order number, return the event's UID: the same on every sync
    (and in every feed), different for two accounts that share a number, no e-mail in it."""
    digest = hashlib.sha256(f"{account.lower()}\n{number}".encode()).hexdigest()[:16]
    return f"{number.lower()}-{digest}@wosync"


def address_text(order: dict[str, Any]) -> str:
    """Given an order, return its full address on one line: "street, city, ST zip"."""
    state, code = clean(order.get("state")), clean(order.get("zip"))
    region = f"{state} {code}" if state and code else state or code
    return ", ".join([x for x in (clean(order.get("street")), clean(order.get("city")), region) if x])


def description_text(order: dict[str, Any], dispensers: int | None = None, customer: str | None = None) -> str:
    """Given an order, the dispensers stored at its location (None: not read) and its
    customer_text (None: made here), return the event's description: the visit on one line
    (store, city, window, dispensers, as `wosync week` shows it), what and why, the due date,
    the visit count and contact, the items one per line, the full instructions, the order's link."""
    get = order.get
    lines = [visit_summary(order, dispensers, customer)]
    category, reason = clean(get("category")), clean(get("reason"))
    kind = f"{category} · {reason}" if category and reason else category or reason
    if kind:
        lines.append(kind)
    due = clean(get("due_date"))  # the time window is in the first line
    if due:
        lines.append(f"Due: {due}")
    if get("visits_planned"):
        lines.append(f"Visit {(get('visits_done') or 0) + 1} of {order['visits_planned']}")
    for label, key in (("At", "intersection"), ("Contact", "contact")):
        value = clean(get(key))
        if value:  # a value that was nothing but escape codes is left out
            lines.append(f"{label}: {value}")
    items = get("items")
    if items:
        lines += ["", "Items:", *map(item_text, items)]
    instructions = _instructions_text(get("instructions"))
    if instructions:
        lines += ["", "Instructions:", instructions]
    url = clean(get("url"))
    if url:
        lines += ["", f"Work order: {url}"]
    return "\n".join(lines)


# The same few instructions recur over thousands of orders: each text is cleaned once.
def _instructions_text(value: Any) -> str:
    """Given an order's stored instructions, return them cleaned (line breaks kept), stripped."""
    try:
        return _instructions_of(value)
    except TypeError:  # a value that cannot be a key (a damaged row)
        return clean(value, multiline=True).strip()


# typed=True: 1 and 1.0 would be one key otherwise, and clean writes them differently.
@lru_cache(maxsize=1024, typed=True)
def _instructions_of(value: Any) -> str:
    """Given stored instructions, return _instructions_text of them."""
    return clean(value, multiline=True).strip()


def summary_text(order: dict[str, Any], customer: str | None = None) -> str:
    """Given an order and its customer_text (None: made here), return "W-110229 Wawa #5154:
    Meter Calibration"."""
    number = clean(order.get("number"))
    if customer is None:
        customer = customer_text(order)
    text = f"{number} {customer}" if number and customer else number or customer
    return f"{text}: {clean(order['category'])}" if order.get("category") else text


# The years a visit may fall in: an all-day event ends the next day and the zone's rules are
# written from the year before to two years after, so 9999 (the last year a date can hold, and
# the last an iCalendar DATE can write) is out; a date the site gave beyond these is skipped.
FIRST_YEAR, LAST_YEAR = 1, 9998
# The zone's rules are written for the visits' years, but never beyond this many years from
# now: a site that dates one visit in year 1 and another in 9998 would make 270 kB of rules.
ZONE_RULES_YEARS = 20


@dataclass(frozen=True)
class Skipped:
    """A visit the feed left out: its order number and the next visit date as stored."""

    number: str
    day: str


@dataclass(frozen=True)
class CalendarFeed:
    """A feed built: its bytes and the visits it could not hold (each named in `skipped_text`)."""

    data: bytes
    skipped: tuple[Skipped, ...] = ()


def skipped_text(skipped: Iterable[Skipped]) -> str | None:
    """Given the visits a feed left out, return "skipped 1 visit that a calendar cannot hold:
    W-123 (9999-11-01)" (None when there is none)."""
    skipped = list(skipped)
    if not skipped:
        return None
    shown = ", ".join(f"{clean(s.number)} ({clean(s.day)})" for s in skipped[:10])
    more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
    noun = "visit" if len(skipped) == 1 else "visits"
    return f"skipped {len(skipped)} {noun} that a calendar cannot hold: {shown}{more}"


def visit_day(text: Any) -> date | None:
    """Given a stored next visit date, return it as a date a calendar can hold, or None (not an
    ISO date, or outside FIRST_YEAR..LAST_YEAR)."""
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def build_calendar(orders: Iterable[dict[str, Any]], account_of, zone_name: str, now: datetime,
                   all_day: bool = False, dispensers_of=None) -> bytes:
    """Given order records, a function giving each order's account, the IANA zone the time
    windows are in, the current time and whether every event is all-day, return the feed
    (see build_feed, which also names the visits left out)."""
    return build_feed(orders, account_of, zone_name, now, all_day, dispensers_of).data


def build_feed(orders: Iterable[dict[str, Any]], account_of, zone_name: str, now: datetime,
               all_day: bool = False, dispensers_of=None) -> CalendarFeed:
    """Given order records, a function giving each order's account, the IANA zone the time
    windows are in, the current time, whether every event is all-day and a function giving
    the dispensers stored at an order's location (None: not read; default: none known), return
    the feed and the visits it skipped.

    Completed orders and orders without a next visit are left out; a next visit date that a
    calendar cannot hold (not a date, or a year past LAST_YEAR) is skipped and named.
    """
    from zoneinfo import ZoneInfo

    from icalendar import Calendar

    from wosync.calendar_lines import FeedWriter, day_span

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "WorkFossa visits")
    calendar.add("x-wr-timezone", zone_name)
    writer = FeedWriter(EVENT_PROPERTIES)
    times = _VisitTimes(writer, ZoneInfo(zone_name), all_day)
    stamp = writer.typed_line("DTSTAMP", now)  # the same in every event
    days = []
    events: list[bytes] = []
    skipped: list[Skipped] = []
    for order in orders:
        if order.get("completed_at") or not order.get("next_visit_date"):
            continue
        try:
            dispensers = dispensers_of(order) if dispensers_of is not None else None
            visit = times(order["next_visit_date"], order.get("time_window"))
            event = None if visit is None else _event(order, visit, account_of, stamp, dispensers, writer)
        except (ValueError, OverflowError):  # a value no event can hold: skip it, keep the feed
            event = None
        if event is None:
            skipped.append(Skipped(str(order.get("number")), str(order["next_visit_date"])))
            continue
        days.append(visit[0])
        events.append(event)
    # The zone's rules around the visits only (the default span, 1970-2038, is 13 kB of dates).
    span = day_span(days, now, ZONE_RULES_YEARS, FIRST_YEAR)
    return CalendarFeed(writer.calendar(calendar, events, span), tuple(skipped))


# The order keys the feed reads (build_feed, _event and the texts they write): the store reads
# only these (a key left out here would read as missing; a test compares with whole records).
FEED_KEYS = ("number", "status", "category", "reason", "customer", "store_number", "street", "intersection", "city",
             "state", "zip", "contact", "items", "visits_done", "visits_planned", "next_visit_date", "time_window",
             "due_date", "instructions", "url", "visit_url", "completed_at", "location_id")

# The properties of a visit's VEVENT (written in the order icalendar gives them).
EVENT_PROPERTIES = ("UID", "DTSTAMP", "SUMMARY", "DTSTART", "DTEND", "TRANSP", "LOCATION", "DESCRIPTION",
                    "URL", "CATEGORIES")


class _VisitTimes:
    """A feed's visit times: for a stored next visit date and time window, the day, the
    DTSTART and DTEND lines and the TRANSP of the event, worked out once for each distinct
    pair (thousands of visits fall on a few hundred days in a few windows)."""

    def __init__(self, writer, zone, all_day: bool) -> None:
        """Given the feed's FeedWriter, the zone of the time windows and whether every visit
        is all-day, start with no pair known."""
        self._writer, self._zone, self._all_day = writer, zone, all_day
        self._known: dict[tuple[Any, Any], tuple | None] = {}

    def __call__(self, stored_day: Any, stored_window: Any) -> tuple[date, bytes, bytes, str | None] | None:
        """Given an order's stored next visit date and time window, return (day, DTSTART line,
        DTEND line, TRANSP or None); None for a date a calendar cannot hold. ValueError or
        OverflowError: a time no event can hold."""
        key = (stored_day, stored_window)
        try:
            return self._known[key]
        except KeyError:
            known = self._known[key] = self._times(stored_day, stored_window)
            return known
        except TypeError:  # a stored value that is no text (a damaged row): no key, no reuse
            return self._times(stored_day, stored_window)

    def _times(self, stored_day: Any, stored_window: Any) -> tuple[date, bytes, bytes, str | None] | None:
        """Given a stored next visit date and time window, return what __call__ returns."""
        day = visit_day(stored_day)
        if day is None:
            return None
        window = None if self._all_day else parse_window(stored_window)
        if window is None:
            start, end = day, day + timedelta(days=1)
            transp = "TRANSPARENT"  # an all-day "visit some time today" does not block the day
        else:
            zone = self._zone
            start = datetime.combine(day, window[0], tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1) if window[1] <= window[0] else day, window[1], tzinfo=zone)
            transp = None
        return day, self._writer.typed_line("DTSTART", start), self._writer.typed_line("DTEND", end), transp


def _event(order: dict[str, Any], visit: tuple[date, bytes, bytes, str | None], account_of, stamp: bytes,
           dispensers: int | None, writer) -> bytes:
    """Given an order, its visit (see _VisitTimes), the account function, the DTSTAMP line, the
    dispensers stored at its location and the feed's FeedWriter, return its VEVENT.
    Every text goes through wosync.text.clean: calendar apps show it too, no control characters."""
    status = clean(order.get("status"))
    customer = customer_text(order)  # in the summary and the description's first line
    return writer.event({
        "UID": event_uid(account_of(order), order["number"]),
        "DTSTAMP": stamp,
        "SUMMARY": summary_text(order, customer),
        "DTSTART": visit[1],
        "DTEND": visit[2],
        "TRANSP": visit[3],
        "LOCATION": address_text(order) or None,
        "DESCRIPTION": description_text(order, dispensers, customer),
        "URL": clean(order.get("visit_url") or order.get("url")) or None,
        "CATEGORIES": [status] if status else None,
    })


def check_output_path(path: Path | str) -> Path:
    """Given a --calendar/--output FILE, return the regular file to write, absolute (the daemon
    runs elsewhere); UsageError (exit 2) for what wosync.safe_paths.output_target refuses: an
    empty path, a folder, a device, the database, a folder that does not exist."""
    from wosync.safe_paths import output_target

    return output_target(path, "the calendar")


def write_atomically(path: Path, data: bytes) -> None:
    """Given a path and bytes, write them to a temporary file beside it (mode 0600), flush it
    to disk and rename it over `path`, so a reader sees the old feed or the new one, never half."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)  # the rename itself survives a crash
    except OSError:
        pass
    finally:
        os.close(folder)


def zone_for(store: "Store", account: str | None) -> str:
    """Given the store and an account (None: any), return the time zone of the time windows:
    the account's first enabled schedule's (else its first schedule's), else the machine's."""
    rows = [r for r in store.list_schedules() if account is None or r["account"] in (account, None)]
    rows.sort(key=lambda r: (not r["enabled"], r["account"] is None, r["id"]))
    if rows:
        return rows[0]["timezone"]
    from wosync.schedules import local_timezone  # only then: a module of its own to load

    return local_timezone()


def feed_for(store: "Store", account: str | None, now: datetime, zone_name: str | None = None,
             all_day: bool = False) -> bytes:
    """Given the store, an account (None: every account) and now, return the feed of its visits."""
    return stored_feed(store, account, now, zone_name, all_day).data


def stored_feed(store: "Store", account: str | None, now: datetime, zone_name: str | None = None,
                all_day: bool = False) -> CalendarFeed:
    """Given the store, an account (None: every account) and now, return the feed of its
    visits and the visits it skipped."""
    # The listing has no account column: read it per account, so each UID names its own.
    usernames = [account] if account is not None else [a.username for a in store.list_accounts()]
    reads = [(username, store.list_visits(FEED_KEYS, username)) for username in usernames]
    if len(reads) == 1:  # one account, the usual store: no lookup for each order
        only = reads[0][0]
        account_of = lambda order: only  # noqa: E731
    else:
        owner = {id(order): username for username, visits in reads for order in visits}
        account_of = lambda order: owner[id(order)]  # noqa: E731
    counts = store.dispenser_counts(account)
    return build_feed([order for _, visits in reads for order in visits], account_of,
                      zone_name or zone_for(store, account), now, all_day,
                      lambda order: counts.get((account_of(order), order.get("location_id"))))


def rewrite_for_schedule(store: "Store", schedule: dict[str, Any], account: str, now: datetime,
                         log: logging.Logger | None = None) -> bool:
    """Given a schedule row with a calendar_path, its account and now, rewrite that file;
    return True when written. A problem is logged, never raised: the feed never fails a sync."""
    import logging  # here: `wosync calendar` itself logs nothing

    log = log or logging.getLogger("wosync.calendar")
    path = schedule.get("calendar_path")
    if not path:
        return False
    try:
        target = check_output_path(path)
        feed = stored_feed(store, account, now, schedule.get("timezone"))
        write_atomically(target, feed.data)
    except UsageError as exc:
        log.warning("schedule %s: calendar not written: %s", schedule["id"], exc.message)
        return False
    except Exception as exc:  # a full disk, a permission change: type and message only
        log.warning("schedule %s: calendar %s not written: %s: %s", schedule["id"], path, type(exc).__name__, exc)
        return False
    log.info("schedule %s: calendar %s rewritten", schedule["id"], target)
    if feed.skipped:
        log.warning("schedule %s: calendar %s: %s", schedule["id"], target, skipped_text(feed.skipped))
    return True
