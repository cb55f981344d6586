"""Pure: one notification target's rules, the size and form of the bodies its service takes,
and when its daily digest is due.

A target's rules (`wosync notify add URL --only ... --store ... --customer ... --digest ...`):

- only      which changes and alerts it gets: the schedule kinds of wosync.change_kinds
            (visit_added, visit_removed, rescheduled, swapped, replaced, details), the aliases
            `new` (a visit added by a new order), `removed` (a visit removed), `completed` (an
            order completed) and `failures` (failure alerts); None: everything
- stores, customers   glob patterns (case-insensitive) an entry's store number / customer must
            match (any pattern of a list; both lists when both are given)
- digest    "immediate" (one message per run with changes) or "daily" at `at` in `timezone`
            (one message a day holding every run since the last digest)
- urgent_now  urgent changes go at once even to a target on a daily digest
- max_length  the body's cap in characters, overriding the service's (0: none)

Nothing here reads the store, the clock or the network: the caller passes them in.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wosync.change_kinds import KINDS
from wosync.errors import UsageError

FAILURES = "failures"
ALIASES = ("new", "removed", "completed")
# Every name --only takes, in the order the help lists them.
ONLY_NAMES: tuple[str, ...] = (*ALIASES, *(k for k in KINDS if k != "details"), "details", FAILURES)

IMMEDIATE = "immediate"
DAILY = "daily"

# Body caps by Apprise URL scheme (characters); None: the service takes any length.
SCHEME_CAPS: dict[str, int | None] = {
    "discord": 2000, "telegram": 4096, "tgram": 4096, "pover": 1024, "pushover": 1024,
    "mailto": None, "mailtos": None, "email": None,
    "json": None, "jsons": None, "form": None, "forms": None, "xml": None, "xmls": None,
}
DEFAULT_CAP = 4000
# Chat services whose messages render Markdown: they get the Markdown form of a body.
MARKDOWN_SCHEMES = frozenset({"discord", "tgram", "telegram", "slack", "mmost", "mmosts", "matrix", "matrixs",
                              "rocket", "rockets", "zulip", "msteams", "gchat", "ntfy", "ntfys"})
# A daily digest whose sending failed is tried again after this long (not at every check).
DIGEST_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class TargetRules:
    """What one target gets and when (see the module text); the defaults are today's behaviour."""

    only: tuple[str, ...] | None = None
    stores: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    digest: str = IMMEDIATE
    at: str | None = None  # "HH:MM" of a daily digest
    timezone: str | None = None  # IANA zone of a daily digest
    urgent_now: bool = False
    max_length: int | None = None

    @property
    def changes_as_before(self) -> bool:
        """True when the target gets every change at once, as before rules existed (the
        classic digest, grouped by new / updated / completed)."""
        return self.only is None and not self.stores and not self.customers and self.digest == IMMEDIATE

    @property
    def wants_failures(self) -> bool:
        """True when failure alerts go to this target (no --only, or one naming failures)."""
        return self.only is None or FAILURES in self.only

    @property
    def wants_changes(self) -> bool:
        """True when the target gets change digests at all (not --only failures)."""
        return self.only is None or any(name != FAILURES for name in self.only)

    def record(self) -> dict[str, Any]:
        """Return the rules as stored (JSON) and shown by `notify list --json`."""
        return {"only": list(self.only) if self.only is not None else None, "stores": list(self.stores),
                "customers": list(self.customers), "digest": self.digest_text, "timezone": self.timezone,
                "urgent_now": self.urgent_now, "max_length": self.max_length}

    @property
    def digest_text(self) -> str:
        """Return "immediate" or "daily@07:00"."""
        return f"{DAILY}@{self.at}" if self.digest == DAILY else IMMEDIATE


def rules_from_record(record: Mapping[str, Any] | None) -> TargetRules:
    """Given stored rules (a dict, or None for a target added before rules existed), return them."""
    if not record:
        return TargetRules()
    mode, at = parse_digest(record.get("digest") or IMMEDIATE)
    only = record.get("only")
    return TargetRules(
        only=tuple(only) if only is not None else None, stores=tuple(record.get("stores") or ()),
        customers=tuple(record.get("customers") or ()), digest=mode, at=at, timezone=record.get("timezone"),
        urgent_now=bool(record.get("urgent_now")), max_length=record.get("max_length"),
    )


# --------------------------------------------------------------------------- parsing options


def split_values(values: Iterable[str] | None) -> tuple[str, ...]:
    """Given repeated option values that may hold comma lists, return the non-empty items, stripped."""
    items = []
    for value in values or ():
        items.extend(part.strip() for part in str(value).split(","))
    return tuple(dict.fromkeys(item for item in items if item))


def parse_only(values: Iterable[str] | None) -> tuple[str, ...] | None:
    """Given --only values, return the names (None when none were given); UsageError for an
    unknown name, listing the known ones."""
    names = tuple(name.lower() for name in split_values(values))
    if not names:
        return None
    unknown = [name for name in names if name not in ONLY_NAMES]
    if unknown:
        raise UsageError(f"--only does not know {', '.join(repr(n) for n in unknown)}; "
                         f"use any of {', '.join(ONLY_NAMES)}")
    return names


_DAILY_RE = re.compile(r"daily@(\d{1,2}):(\d{2})")


def parse_digest(text: str) -> tuple[str, str | None]:
    """Given a --digest value ("immediate" or "daily@HH:MM"), return (mode, "HH:MM" or None);
    UsageError otherwise."""
    value = (text or "").strip().lower()
    if value == IMMEDIATE:
        return IMMEDIATE, None
    match = _DAILY_RE.fullmatch(value)
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return DAILY, f"{int(match[1]):02d}:{match[2]}"
    raise UsageError(f"--digest takes immediate or daily@HH:MM (e.g. daily@07:00), not {text!r}")


def check_timezone(name: str) -> str:
    """Given an IANA zone name, return it; UsageError when it names no zone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone {name!r} is not an IANA time zone (e.g. Europe/Paris, America/Chicago)") from None
    return name


def make_rules(only: Iterable[str] | None = None, stores: Iterable[str] | None = None,
               customers: Iterable[str] | None = None, digest: str = IMMEDIATE, timezone: str | None = None,
               urgent_now: bool = False, max_length: int | None = None,
               local_zone: Callable[[], str] | None = None) -> TargetRules:
    """Given the options of `notify add` and how to read the machine's zone, return checked
    rules (UsageError naming the option that is wrong)."""
    mode, at = parse_digest(digest)
    if timezone is not None:
        check_timezone(timezone)
    if mode == DAILY and timezone is None and local_zone is not None:
        timezone = local_zone()
    if max_length is not None and max_length < 0:
        raise UsageError("--max-length takes a number of characters (0: no cap)")
    if max_length is not None and 0 < max_length < 200:
        raise UsageError("--max-length must leave room for a message: 200 characters or more (0: no cap)")
    return TargetRules(only=parse_only(only), stores=split_values(stores), customers=split_values(customers),
                       digest=mode, at=at, timezone=timezone if mode == DAILY else None,
                       urgent_now=urgent_now, max_length=max_length)


def describe(rules: TargetRules) -> str:
    """Given a target's rules, return what it gets and when in one line (`notify list` adds
    the body's cap)."""
    parts = ["everything" if rules.only is None else "only " + ",".join(rules.only)]
    if rules.stores:
        parts.append("stores " + ",".join(rules.stores))
    if rules.customers:
        parts.append("customers " + ",".join(rules.customers))
    if rules.digest == DAILY:
        parts.append(f"daily at {rules.at} {rules.timezone or 'local time'}")
    else:
        parts.append("at once")
    if rules.urgent_now and rules.digest == DAILY:
        parts.append("urgent at once")
    return "; ".join(parts)


# --------------------------------------------------------------------------- which entries


def _matches_any(value: str | None, patterns: Sequence[str]) -> bool:
    """Given a text and glob patterns, return True when one matches it, ignoring case (and a
    store number's leading "#", so 12345 and #12345 both match store #12345)."""
    text = (value or "").strip().casefold()
    candidates = {text, text.lstrip("#").strip()}
    return any(fnmatch.fnmatchcase(candidate, pattern.casefold()) for pattern in patterns for candidate in candidates)


def _kind_names(entry: Any) -> set[str]:
    """Given a ScheduleChange, return every --only name that selects it."""
    names = {entry.kind}
    if entry.kind == "visit_added" and entry.change == "new":
        names.add("new")
    if entry.kind == "visit_removed":
        names.add("removed")
    if entry.change == "completed":
        names.add("completed")
    return names


def selects(rules: TargetRules, entry: Any) -> bool:
    """Given a target's rules and a ScheduleChange, return True when the target gets it."""
    if rules.only is not None and not (_kind_names(entry) & set(rules.only)):
        return False
    if rules.stores and not _matches_any(entry.store_number, rules.stores):
        return False
    if rules.customers and not _matches_any(entry.customer, rules.customers):
        return False
    return True


# --------------------------------------------------------------------------- when


def last_slot(at: str, zone_name: str, now: datetime) -> datetime:
    """Given "HH:MM", an IANA zone and now (aware), return the latest moment at or before now
    when the wall clock there read HH:MM (aware, in that zone)."""
    zone = ZoneInfo(zone_name)
    hour, minute = (int(part) for part in at.split(":"))
    local = now.astimezone(zone)
    slot = datetime.combine(local.date(), time(hour, minute), tzinfo=zone)
    if slot > now:
        slot = datetime.combine(local.date() - timedelta(days=1), time(hour, minute), tzinfo=zone)
    return slot


def daily_digest_due(rules: TargetRules, created_at: datetime, last_digest_at: datetime | None,
                     last_attempt_at: datetime | None, now: datetime, local_zone: str = "UTC") -> bool:
    """Given a target's rules, when it was added, when its last digest went out and when one
    was last tried (None: never), now and the machine's zone (for a target without one),
    return True when a daily digest is due for it now.

    Due once the day's HH:MM has passed and no digest went out since (a target added after
    today's HH:MM waits for tomorrow's); after a failed try, again DIGEST_RETRY later.
    """
    if rules.digest != DAILY or not rules.at or not rules.wants_changes:
        return False
    slot = last_slot(rules.at, rules.timezone or local_zone, now)
    if max(created_at, last_digest_at or created_at) >= slot:
        return False
    return last_attempt_at is None or last_attempt_at < slot or now - last_attempt_at >= DIGEST_RETRY


# --------------------------------------------------------------------------- bodies


def body_cap(url: str, max_length: int | None = None, service_max: int | None = None) -> int | None:
    """Given a target's Apprise URL, its --max-length (None: not set, 0: no cap) and what
    Apprise says the service takes (None: unknown), return the body's cap in characters, or
    None for no cap.

    By scheme: discord 2,000, telegram 4,096, pushover 1,024; e-mail and json/form/xml none;
    any other DEFAULT_CAP, or less when the service takes less.
    """
    if max_length is not None:
        return max_length or None
    scheme = url.partition("://")[0].strip().lower() if "://" in url else url.strip().lower()
    if scheme in SCHEME_CAPS:
        return SCHEME_CAPS[scheme]
    return min(DEFAULT_CAP, service_max) if service_max else DEFAULT_CAP


def body_form(url: str) -> str:
    """Given a target's Apprise URL, return "markdown" when its service renders Markdown (a chat
    service, or any URL asking ?format=markdown), else "text"."""
    scheme, _, rest = url.partition("://")
    query = rest.partition("?")[2].lower()
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == "format" and value:
            return "markdown" if value == "markdown" else "text"
    return "markdown" if scheme.lower() in MARKDOWN_SCHEMES else "text"


def fit_body(head: str, blocks: Sequence[str], total: int, cap: int | None, more: Callable[[int], str]) -> str:
    """Given a body's head, its entry blocks (each one or more lines), how many entries there
    are in all (blocks may list fewer), the cap (None: none) and `more(n)` giving the line
    that names n entries left out, return head, as many blocks as fit and the `more` line.

    The result never exceeds the cap: when not even the head fits, it is cut short.
    """
    lines = [head]
    size = len(head)
    shown = 0
    for block in blocks:
        left_after = total - shown - 1
        tail = len(more(left_after)) + 1 if left_after > 0 else 0
        if cap is not None and size + 1 + len(block) + tail > cap:
            break
        lines.append(block)
        size += 1 + len(block)
        shown += 1
    if shown < total:
        lines.append(more(total - shown))
    body = "\n".join(lines)
    if cap is not None and len(body) > cap:
        ending = more(total - shown) if shown < total else ""
        keep = max(cap - len(ending) - 2, 0)
        body = (head[:keep].rstrip() + "\n" + ending)[:cap] if ending else head[:cap]
    return body


def cut_text(text: str, cap: int | None) -> str:
    """Given a short message body and a cap (None: none), return it cut at a line end (or a
    character, with "...") so it fits."""
    if cap is None or len(text) <= cap:
        return text
    lines = text.splitlines()
    while lines and len("\n".join(lines)) + 4 > cap:
        lines.pop()
    return "\n".join(lines) + "\n..." if lines else text[: max(cap - 3, 0)] + "..."
