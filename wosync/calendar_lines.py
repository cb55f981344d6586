"""The lines of a calendar feed as the `icalendar` library writes them, each value worked out once.

icalendar defines the feed's format, but building one Event object per visit and serialising
it cost about 350 µs a visit (a feed of 4,243 visits took 1.5 s): every property becomes a
typed object with its own parameters, and every line is folded one character at a time.
`FeedWriter` writes the same bytes with less work:

- a typed value (the DTSTAMP, a visit's start and end, its status) is rendered by icalendar
  the first time it is seen, and a date or time of a kind already rendered is written in the
  line icalendar gave that kind (see FeedWriter._new_typed_line);
- free text (summary, description, location, UID, URL) is escaped by icalendar's own escaping
  function and folded by `fold`, which cuts where icalendar's folding cuts. Before that fast
  path writes a property, the writer has it write probes (escapes, line breaks, characters of
  2 to 4 bytes across the fold) and compares them with the VEVENT icalendar writes of an Event
  holding each; a property where they differ is rendered by icalendar, value by value;
- the VCALENDAR around the events (its properties, the VTIMEZONE of each zone the events use)
  is an icalendar Calendar, serialised once.

tests/unit/test_calendar_lines.py compares the whole feed with the one icalendar Events make.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable

# A content line is at most 75 octets (RFC 5545 3.1); icalendar cuts each part at 74, plus the
# space that starts a continuation line, and never after a backslash or caret (it would split
# an escape), nor inside a character.
FOLD_AT = 74
_FOLD = b"\r\n "
_BACKSLASH, _CARET = 0x5C, 0x5E
_BOM = "\ufeff".encode()
# Values that exercise what the fast path must do as icalendar does: escapes, a line break,
# non-ASCII characters across the fold, a backslash or caret where a line is cut, a leading BOM.
_PROBES = (
    "plain",
    # Nothing that icalendar's escaping replaces (backslash, semicolon, comma, CR, LF): written
    # without it, so icalendar must leave every other character as it is.
    "".join(map(chr, range(0x20, 0x7F))).translate({ord(c): None for c in "\\;,"}) + "\t é · 中 𝄞 \u2028 \x85",
    "a,b;c\\d\\ne\nf\r\ng\rh \"q\" ^x: é · 中 𝄞 " * 5,
    "x" * 73 + "\\;" + "y" * 72 + "^^" + "z" * 80,
    "é" * 37 + "\\" + "中" * 30 + "𝄞" * 20,
    "\ufeffstarts with a byte order mark, and is long enough to be folded over two lines",
)


def fold(line: bytes) -> bytes:
    """Given one content line as UTF-8 bytes, return it folded as icalendar's foldline does:
    parts of at most 74 octets, each cut before a character (never inside one) and before a
    trailing backslash or caret, joined by CRLF and a space."""
    size = len(line)
    if size <= FOLD_AT:
        return line
    parts = []
    start = 0
    while size - start > FOLD_AT:
        end = start + FOLD_AT
        while line[end] & 0xC0 == 0x80:  # a continuation byte: the character starts before
            end -= 1
        if line[end - 1] in (_BACKSLASH, _CARET):  # the escape goes whole to the next line
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return _FOLD.join(parts)


class FeedWriter:
    """Writes the VEVENTs of one feed: each typed value rendered by icalendar once, free text
    escaped and folded as icalendar does (see the module's docstring)."""

    def __init__(self, names: Iterable[str]) -> None:
        """Given the names of the properties the events may have, ask icalendar their order in
        an event (which text properties the fast path writes as icalendar does is asked when
        each is first written)."""
        from icalendar import Event
        from icalendar import parser

        # icalendar's TEXT escaping (RFC 5545 3.3.11). 7.x warns on every call of the public
        # name, so its private twin is used when present; the probes check the result either way.
        self._escape = getattr(parser, "_escape_char", None) or parser.escape_char
        self._scratch = Event()
        sample = Event()
        for name in names:
            sample[name] = ""
        # icalendar writes an event's properties in its canonical order, then by name.
        self._order = [(name, name.encode() + b":") for name in sample.sorted_keys()]
        # b"BEGIN:VEVENT" and b"END:VEVENT\r\n": an event's lines are joined by CRLF.
        self._begin, self._end = Event().to_ical().split(b"\r\n", 1)
        self._typed: dict[tuple, bytes] = {}
        self._templates: dict[tuple, str | None] = {}  # see _new_typed_line
        self._zoned: dict[str, tuple[str, Any]] = {}  # a TZID: one (name, value) that uses it
        self._text_mode: dict[str, str] = {}

    def _content_line(self, name: str, value: Any):
        """Given a property and its value, return its content line as icalendar makes it in an
        event (Event.add, then the line the event's serialisation writes, not folded yet) and
        the typed value icalendar made of it."""
        scratch = self._scratch
        scratch.add(name, value)
        prop = scratch[name]
        scratch.clear()
        return scratch.content_line(name.upper(), prop), prop

    def _rendered(self, name: str, value: Any) -> bytes:
        """Given a property and its value, return its line as icalendar writes it, folded by
        icalendar."""
        return self._content_line(name, value)[0].to_ical()

    def _fast_mode(self, name: str) -> str:
        """Given a text property, find and return how event() writes it as icalendar does:
        "escape" (a TEXT value: icalendar's escaping, then folding) or "raw" (a URI, written as
        it is); "icalendar" when neither gives, for every probe, the VEVENT icalendar writes of
        an Event holding that one value (or the same refusal), so each value goes through it."""
        from icalendar import Event

        def outcome(write, probe):
            try:
                return write(probe)
            except ValueError as exc:  # a value icalendar refuses for this property
                return type(exc)

        def reference(probe):
            event = Event()
            event.add(name, probe)
            return event.to_ical()

        for mode in ("escape", "raw"):
            self._text_mode[name] = mode
            if all(outcome(lambda value: self.event({name: value}), probe) == outcome(reference, probe)
                   for probe in _PROBES):
                return mode
        self._text_mode[name] = "icalendar"
        return "icalendar"

    def typed_line(self, name: str, value: Any) -> bytes:
        """Given a property and a value that is not free text (a date, a time, a list), return
        its folded line, made the first time this value is seen (see _new_typed_line)."""
        # Aware times of one zone are equal when their wall times are (the fold aside, which
        # icalendar does not write either); the zone is in the key for times of another zone.
        key = (name, tuple(value), None) if value.__class__ is list else (name, value, getattr(value, "tzinfo", None))
        line = self._typed.get(key)
        if line is None:
            line = self._typed[key] = self._new_typed_line(name, value)
        return line

    def _new_typed_line(self, name: str, value: Any) -> bytes:
        """Given a property and a value not seen yet, return its folded line.

        icalendar writes a DATE as YYYYMMDD and a DATE-TIME as YYYYMMDDTHHMMSS (RFC 5545 3.3.4,
        3.3.5), after the property's name and parameters, which are the same for every value of
        one kind (property, type, zone): a feed has hundreds of visit times and a few kinds.
        The first value of a kind is rendered by icalendar; when its line ends with the value in
        that form, what comes before is the kind's start, and the next values of the kind are
        that start and their own date or time. A kind whose first line does not end so, and any
        other value (a list, a time with microseconds), is rendered by icalendar every time."""
        stamp = _stamp(value)
        kind = (name, value.__class__, getattr(value, "tzinfo", None))
        template = self._templates.get(kind)
        if stamp is not None and template:
            return fold((template + stamp).encode())
        content, prop = self._content_line(name, value)
        text = str(content)
        tzid = getattr(prop, "params", {}).get("TZID")
        if tzid is not None:
            self._zoned.setdefault(tzid, (name, value))
        if stamp is not None and kind not in self._templates:
            # A value icalendar converts (a DTSTAMP to UTC, written with a "Z") is not at the
            # end of the line as it was given: that kind goes through icalendar.
            self._templates[kind] = text[: -len(stamp)] if text.endswith(stamp) else None
        return fold(text.encode())  # folded as icalendar folds (tests compare)

    def event(self, values: dict[str, Any]) -> bytes:
        """Given an event's property values by name (None: the property is left out; bytes: its
        line, from typed_line), return the VEVENT: its lines in icalendar's order, text by the
        fast path (see _fast_mode) written here, not in a function of its own: a feed has tens
        of thousands of lines."""
        lines = [self._begin]
        append = lines.append
        modes, escape = self._text_mode, self._escape
        for name, prefix in self._order:
            value = values.get(name)
            if value is None:
                continue
            cls = value.__class__
            if cls is bytes:  # a line typed_line wrote already
                append(value)
            elif cls is not str:
                append(self.typed_line(name, value))
            else:
                mode = modes.get(name) or self._fast_mode(name)
                if mode == "escape" or mode == "raw" and "\r" not in value and "\n" not in value:
                    if mode == "escape" and ("," in value or "\n" in value or ";" in value or "\\" in value
                                             or "\r" in value):
                        value = escape(value)  # else there is nothing to escape (a probe checks)
                    data = value.encode()
                    if data.startswith(_BOM):  # icalendar reads the value back as UTF-8 "with signature"
                        data = data[len(_BOM):]
                    data = prefix + data
                    append(data if len(data) <= FOLD_AT else fold(data))
                else:  # icalendar's own way (and its errors)
                    append(self._rendered(name, value))
        append(self._end)
        return b"\r\n".join(lines)

    def calendar(self, shell, events: list[bytes], span: tuple[date, date] | None) -> bytes:
        """Given the VCALENDAR (an icalendar Calendar with its properties, no events), the
        events written and the years the zone's rules must cover (None: no visit), return the
        feed: the VTIMEZONE of each zone the events use, added by icalendar as it adds those
        of a calendar of Event objects, then the events."""
        from icalendar import Event

        if span is not None and self._zoned:
            # add_missing_timezones reads the TZIDs the events use: one event carrying one
            # value of each zone stands for all of them, and is taken out again.
            carrier = Event()
            for name, value in self._zoned.values():
                carrier.add(name, value)
            shell.add_component(carrier)
            shell.add_missing_timezones(first_date=span[0], last_date=span[1])
            shell.subcomponents = [c for c in shell.subcomponents if c is not carrier]
        text = shell.to_ical()
        end = b"END:VCALENDAR\r\n"
        if not text.endswith(end):
            raise ValueError("icalendar ended the calendar otherwise than with END:VCALENDAR")
        return b"".join([text[: -len(end)], *events, end])


def _stamp(value: Any) -> str | None:
    """Given a value, return it as RFC 5545 writes a DATE (YYYYMMDD) or a DATE-TIME without
    its zone (YYYYMMDDTHHMMSS); None for any other value, or a time with a fraction of a second."""
    if value.__class__ is datetime:
        if value.microsecond:
            return None
        return "%04d%02d%02dT%02d%02d%02d" % (value.year, value.month, value.day, value.hour, value.minute, value.second)
    if value.__class__ is date:
        return "%04d%02d%02d" % (value.year, value.month, value.day)
    return None


def day_span(days: list[date], now: datetime, around: int, first_year: int) -> tuple[date, date] | None:
    """Given the visits' days, now, how many years from now the zone's rules may reach and the
    first year a date may have, return the (first, last) dates the zone's rules cover: the
    year before the first visit to two years after the last, within `around` years of now."""
    if not days:
        return None
    low, high = max(now.year - around, first_year), now.year + around
    first = min(max(min(days).year - 1, low), high)
    last = max(min(max(days).year + 2, high), first + 1)
    return date(first, 1, 1), date(last, 1, 1)
