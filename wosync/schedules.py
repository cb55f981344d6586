"""Pure scheduling arithmetic: intervals, active-hours windows, next run, catch-up and backoff.

The rules are those of docs/design.md "Scheduling rules":

- An interval is 0.25 to 24 hours. Intervals are added in UTC, so one hour is one real hour
  even across a daylight-saving change.
- Active hours are whole local wall-clock hours in the schedule's IANA time zone:
  ``[start, end)``; when ``start > end`` the window runs overnight, ``[start, 24) + [0, end)``;
  no active hours means 24/7. Whether an instant is inside is decided by its local hour, so on
  a spring-forward day a window starting at the skipped hour opens when the clock jumps, and
  on a fall-back day a window covering the repeated hour lasts one real hour longer.
- A new or resumed schedule runs at once when inside its window, else at the next opening.
- Missed runs give one catch-up run, never one per missed interval.
- Failures are retried after 1, 2, 4, 8 ... minutes, capped at the interval; rejected
  credentials are never retried before the next regular run.

Nothing here reads a clock: every instant comes in as a parameter. Every datetime passed in
must be timezone-aware (naive ones raise ValueError); every datetime returned is in UTC.
Only ``validate_timezone``/``local_timezone`` touch files (the tz database, /etc).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wosync.errors import UsageError

MIN_INTERVAL_HOURS = 0.25
MAX_INTERVAL_HOURS = 24
DEFAULT_INTERVAL_HOURS = 1.0

# The words that mean "no active hours" (24/7), in any case, wherever active hours are read
# (parse_window: `schedule create` and `schedule update` alike).
ALWAYS_WORDS = frozenset({"always", "off", "none", "24/7"})

# The first retry waits this long; each further failure doubles it, up to the interval.
FIRST_RETRY_DELAY = timedelta(minutes=1)
# Jitter adds at most this fraction of the delay (so retries of many accounts spread out).
MAX_JITTER_FRACTION = 0.10

UTC = timezone.utc

# The smallest step of time datetime can represent: "the instant just before t".
_TICK = timedelta(microseconds=1)
# How many local days next_window_start looks ahead before deciding a window never opens.
# Any real zone opens a window of at least one hour within two days; this is a safety bound.
_MAX_DAYS_AHEAD = 8


@dataclass(frozen=True)
class ScheduleRule:
    """What the arithmetic needs of a schedule: its interval and its active-hours window.

    ``active_start_hour``/``active_end_hour`` are both None for 24/7, else whole hours 0-23
    (different from each other) in ``timezone``, an IANA name. Build one from user input with
    ``make_rule``; constructing one with impossible values raises ValueError.
    """

    interval_hours: float
    active_start_hour: int | None = None
    active_end_hour: int | None = None
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if not _is_valid_interval(self.interval_hours):
            raise ValueError(
                f"interval_hours must be from {MIN_INTERVAL_HOURS} to {MAX_INTERVAL_HOURS}, "
                f"got {self.interval_hours!r}"
            )
        hours = (self.active_start_hour, self.active_end_hour)
        if hours.count(None) == 1:
            raise ValueError("active_start_hour and active_end_hour must both be set or both None")
        if hours[0] is not None:
            for hour in hours:
                if not _is_whole_hour(hour):
                    raise ValueError(f"active hours must be whole hours 0-23, got {hour!r}")
            if hours[0] == hours[1]:
                raise ValueError("active_start_hour must differ from active_end_hour")
        _zone(self.timezone)  # raises ValueError for an unknown zone

    @property
    def interval(self) -> timedelta:
        """Return the interval as a timedelta (real elapsed time)."""
        return timedelta(hours=self.interval_hours)

    @property
    def always_active(self) -> bool:
        """Return True when the schedule has no active-hours window (24/7)."""
        return self.active_start_hour is None

    @property
    def overnight(self) -> bool:
        """Return True when the window runs across midnight (start > end)."""
        return not self.always_active and self.active_start_hour > self.active_end_hour


# --- parsing and validation of user input -------------------------------------------------


def rule_from_row(row: Mapping[str, Any]) -> ScheduleRule:
    """Given a stored schedules row (interval_hours, active_*_hour, timezone), return its ScheduleRule."""
    return ScheduleRule(
        interval_hours=row["interval_hours"],
        active_start_hour=row["active_start_hour"],
        active_end_hour=row["active_end_hour"],
        timezone=row["timezone"],
    )


def parse_interval(value: str | float) -> float:
    """Given an interval in hours (text or number), return it as a float.

    Raises UsageError naming the allowed range for anything that is not a finite number of
    hours from 0.25 to 24 ("abc", "nan", "inf", "0.1", "25").
    """
    problem = UsageError(
        f"interval must be a number of hours from {MIN_INTERVAL_HOURS:g} to "
        f"{MAX_INTERVAL_HOURS:g}, got '{value}'"
    )
    if isinstance(value, bool):
        raise problem
    try:
        hours = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise problem from None
    if not _is_valid_interval(hours):
        raise problem
    return hours


_ACTIVE_HOURS = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*-\s*(\d{1,2})(?::(\d{2}))?\s*$")


def parse_active_hours(text: str) -> tuple[int, int]:
    """Given active hours as "START-END" ("6-22", "22-6", "06:00-22:00"), return (start, end).

    Hours are whole local hours 0-23; START > END is an overnight window. Raises UsageError
    for a bad format (naming the form START-END), an hour outside 0-23, minutes other than
    :00, or START == END (telling the user to leave active hours off for 24/7).
    """
    expected = "expected START-END in whole hours 0-23, like 6-22 (or 22-6 overnight)"
    match = _ACTIVE_HOURS.match(text or "")
    if not match:
        raise UsageError(f"active hours {text!r} not understood: {expected}")
    start_text, start_minutes, end_text, end_minutes = match.groups()
    if (start_minutes or "00") != "00" or (end_minutes or "00") != "00":
        raise UsageError(f"active hours {text!r} must be whole hours: {expected}")
    start, end = int(start_text), int(end_text)
    for hour in (start, end):
        if not 0 <= hour <= 23:
            raise UsageError(
                f"active hours {text!r}: hour {hour} is outside 0-23 (use 0 for midnight)"
            )
    if start == end:
        raise UsageError(
            f"active hours {text!r} start and end at the same hour; "
            "leave active hours off for a schedule that runs 24/7"
        )
    return start, end


def parse_window(text: str) -> tuple[int, int] | tuple[None, None]:
    """Given --active-hours text, return (None, None) for a word of ALWAYS_WORDS ("always",
    "off", "none", "24/7", any case: no window, 24/7), else (start, end) from parse_active_hours
    (UsageError for anything else)."""
    if (text or "").strip().lower() in ALWAYS_WORDS:
        return None, None
    return parse_active_hours(text)


def validate_timezone(name: str) -> str:
    """Given an IANA time-zone name, return it; raise UsageError when the zone is unknown."""
    try:
        _zone(name)
    except ValueError:
        raise UsageError(
            f"unknown time zone {name!r}; use an IANA name like Europe/Berlin or "
            "America/New_York (`timedatectl list-timezones` lists them)"
        ) from None
    return name


def local_timezone(
    environ: dict[str, str] | None = None, etc: Path = Path("/etc")
) -> str:
    """Return the machine's IANA time-zone name, "UTC" when it cannot be found.

    Looks at, in order: $TZ (if it names an IANA zone, optionally ":"-prefixed or a zoneinfo
    path), /etc/timezone, the target of the /etc/localtime symlink. ``environ`` and ``etc``
    exist so tests can point at their own files.
    """
    env = os.environ if environ is None else environ
    candidates: list[str] = []
    tz_variable = (env.get("TZ") or "").strip().lstrip(":")
    if tz_variable:
        candidates.append(_zone_name_from_path(tz_variable))
    try:
        candidates.append((etc / "timezone").read_text().strip().splitlines()[0].strip())
    except (OSError, IndexError, UnicodeDecodeError):
        pass
    try:
        candidates.append(_zone_name_from_path(os.readlink(etc / "localtime")))
    except OSError:
        pass
    for name in candidates:
        if _looks_like_iana_name(name):
            return name
    return "UTC"


def make_rule(
    interval: str | float | None, active_hours: str | None, timezone: str | None
) -> ScheduleRule:
    """Given user input (an interval, "START-END" active hours, a zone), return a checked rule.

    Every part is validated with the parse_* functions above (UsageError on bad input).
    ``interval`` None means the default of 1 hour; ``active_hours`` None or blank (not given)
    or a word of ALWAYS_WORDS means no window.
    """
    hours = DEFAULT_INTERVAL_HOURS if interval is None else parse_interval(interval)
    zone = local_timezone() if timezone is None else validate_timezone(timezone)
    start, end = parse_window(active_hours) if active_hours and active_hours.strip() else (None, None)
    return ScheduleRule(hours, active_start_hour=start, active_end_hour=end, timezone=zone)


# --- windows ---------------------------------------------------------------------------------


def in_window(rule: ScheduleRule, at: datetime) -> bool:
    """Given a rule and an instant, return True when the instant is inside the active hours.

    Decided by the local wall-clock hour in the rule's zone: ``[start, end)``, or for an
    overnight window ``[start, 24) + [0, end)``. Always True for a 24/7 rule.
    """
    at = _as_utc(at, "at")
    if rule.always_active:
        return True
    hour = at.astimezone(_zone(rule.timezone)).hour
    start, end = rule.active_start_hour, rule.active_end_hour
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def next_window_start(rule: ScheduleRule, after: datetime) -> datetime:
    """Given a rule and an instant, return the first instant >= ``after`` at which the window opens.

    An opening is an instant inside the window whose previous instant is outside. If ``after``
    is inside a window (and not its very first instant) the result is the next opening after
    it. A 24/7 rule never closes: the result is ``after`` itself.
    """
    after = _as_utc(after, "after")
    if rule.always_active:
        return after
    zone = _zone(rule.timezone)
    first_day = after.astimezone(zone).date() - timedelta(days=1)
    found: list[datetime] = []
    day_of_first_find: int | None = None
    for offset in range(_MAX_DAYS_AHEAD + 1):
        day = first_day + timedelta(days=offset)
        found.extend(
            candidate
            for candidate in _opening_candidates(rule, zone, day)
            if candidate >= after and _is_opening(rule, candidate)
        )
        if found and day_of_first_find is None:
            day_of_first_find = offset
        # Around a change of offset near midnight, instants of adjacent local days can be out
        # of order in UTC: scan one more day after the first find, then take the earliest.
        if day_of_first_find is not None and offset > day_of_first_find:
            break
    if not found:  # pragma: no cover - every real zone has each hour on most days
        raise ValueError(f"the window {describe_window(rule)} never opens")
    return min(found)


def describe_window(rule: ScheduleRule) -> str:
    """Given a rule, return its window for people: "06:00-22:00 Europe/Berlin", "22:00-06:00
    (overnight) America/New_York", or "always" for 24/7."""
    if rule.always_active:
        return "always"
    span = f"{rule.active_start_hour:02d}:00-{rule.active_end_hour:02d}:00"
    if rule.overnight:
        span += " (overnight)"
    return f"{span} {rule.timezone}"


# --- when to run -----------------------------------------------------------------------------


def first_run(rule: ScheduleRule, now: datetime) -> datetime:
    """Given a new or resumed schedule and the current instant, return when it should first run:
    ``now`` if inside the window, else the next window start."""
    now = _as_utc(now, "now")
    return now if in_window(rule, now) else next_window_start(rule, now)


def next_regular_run(rule: ScheduleRule, last_start: datetime, now: datetime) -> datetime:
    """Given the start of the last run and the current instant, return the next regular run.

    That is ``last_start + interval`` (in real time), moved to the next window start when it
    falls outside the window. When it is already in the past (the daemon was down, the machine
    asleep, the run took longer than the interval) there is exactly one catch-up: ``now``, or
    the next window start when ``now`` is outside the window. Never one run per missed interval.
    """
    last_start = _as_utc(last_start, "last_start")
    now = _as_utc(now, "now")
    due = last_start + rule.interval
    if due < now:
        return first_run(rule, now)
    return due if in_window(rule, due) else next_window_start(rule, due)


def retry_delay(consecutive_failures: int, interval_hours: float, jitter: float = 0.0) -> timedelta:
    """Given the number of failures in a row (1 for the first), return the wait before a retry.

    1, 2, 4, 8 ... minutes, capped at the interval; ``jitter`` in [0, 1) (the caller passes
    ``random.random()``) lengthens the wait by up to 10%. The result never exceeds the interval,
    and any number of failures is fine (the exponent is bounded before it can overflow).
    """
    if consecutive_failures < 1:
        raise ValueError(f"consecutive_failures must be at least 1, got {consecutive_failures}")
    if not 0.0 <= jitter < 1.0:
        raise ValueError(f"jitter must be in [0, 1), got {jitter}")
    if not _is_valid_interval(interval_hours):
        raise ValueError(f"interval_hours out of range: {interval_hours!r}")
    cap = timedelta(hours=interval_hours)
    # 2**11 minutes already exceeds the longest interval (24 h = 1440 min); stop doubling there.
    doublings = min(consecutive_failures - 1, 11)
    delay = min(FIRST_RETRY_DELAY * (2**doublings), cap)
    return min(delay * (1.0 + MAX_JITTER_FRACTION * jitter), cap)


def next_retry(
    rule: ScheduleRule,
    failed_at: datetime,
    consecutive_failures: int,
    jitter: float = 0.0,
    credentials_rejected: bool = False,
    last_start: datetime | None = None,
) -> datetime:
    """Given a failed run, return when to try again.

    Normally ``failed_at + retry_delay(...)``, moved to the next window start when that falls
    outside the window. When the site rejected the credentials there is no retry: the result is
    the next regular run (from ``last_start``, else ``failed_at``), because repeated bad logins
    lock accounts. Should that regular run already be due (a run longer than its interval), the
    result is one interval after the failure instead, so a rejected login is never retried at once.
    """
    failed_at = _as_utc(failed_at, "failed_at")
    if credentials_rejected:
        regular = next_regular_run(rule, last_start or failed_at, failed_at)
        if regular <= failed_at:
            regular = next_regular_run(rule, failed_at, failed_at)
        return regular
    retry_at = failed_at + retry_delay(consecutive_failures, rule.interval_hours, jitter)
    return retry_at if in_window(rule, retry_at) else next_window_start(rule, retry_at)


def is_due(next_run: datetime | None, now: datetime) -> bool:
    """Given a schedule's next run (None: not scheduled) and the current instant, return True
    when the run should start now."""
    now = _as_utc(now, "now")
    return next_run is not None and _as_utc(next_run, "next_run") <= now


# --- helpers ---------------------------------------------------------------------------------


def _as_utc(moment: datetime, name: str) -> datetime:
    """Given an aware datetime, return it in UTC; raise ValueError for a naive one."""
    if not isinstance(moment, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def _zone(name: str) -> ZoneInfo:
    """Given an IANA name, return its ZoneInfo; raise ValueError when it is unknown."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError/OSError: names that are paths ("/etc/x", "../x") or folders ("Europe").
        raise ValueError(f"unknown time zone {name!r}") from None


def _looks_like_iana_name(name: str) -> bool:
    """Return True when ``name`` is a zone the tz database knows (POSIX TZ strings are not)."""
    try:
        _zone(name)
    except ValueError:
        return False
    return True


def _zone_name_from_path(text: str) -> str:
    """Given ".../zoneinfo/Europe/Berlin" return "Europe/Berlin"; other text unchanged."""
    marker = "zoneinfo/"
    return text.rsplit(marker, 1)[1] if marker in text else text


def _is_valid_interval(hours: object) -> bool:
    """Return True for a finite number of hours within the allowed range (bools are not)."""
    return (
        isinstance(hours, (int, float))
        and not isinstance(hours, bool)
        and math.isfinite(hours)
        and MIN_INTERVAL_HOURS <= hours <= MAX_INTERVAL_HOURS
    )


def _is_whole_hour(hour: object) -> bool:
    return isinstance(hour, int) and not isinstance(hour, bool) and 0 <= hour <= 23


def _is_opening(rule: ScheduleRule, instant: datetime) -> bool:
    """Return True when the window is open at ``instant`` but was closed just before it."""
    return in_window(rule, instant) and not in_window(rule, instant - _TICK)


def _opening_candidates(rule: ScheduleRule, zone: ZoneInfo, day: date) -> set[datetime]:
    """Given a local day, return the UTC instants at which the window could open on it.

    The local hour changes only when the wall clock reaches a whole hour or when the zone's
    offset changes, so a window can only open at local ``start:00`` (either occurrence, on a
    fall-back day) or at an offset transition (the clock jumping over ``start:00``). The
    caller keeps those that really are openings.
    """
    wall = datetime.combine(day, time(rule.active_start_hour), tzinfo=zone)
    candidates = {wall.replace(fold=fold).astimezone(UTC) for fold in (0, 1)}
    transition = _offset_transition(zone, day)
    if transition is not None:
        candidates.add(transition)
    return candidates


def _offset_transition(zone: ZoneInfo, day: date) -> datetime | None:
    """Given a local day, return the UTC instant its zone's offset changes (None if it doesn't)."""
    day_start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    next_day_start = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    before = day_start.astimezone(zone).utcoffset()
    if next_day_start.astimezone(zone).utcoffset() == before:
        return None
    # Bisect on whole seconds (zone transitions fall on whole seconds): find the first second
    # whose offset differs from the day's starting offset.
    low, high = 0, int((next_day_start - day_start).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if (day_start + timedelta(seconds=middle)).astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return day_start + timedelta(seconds=high)
