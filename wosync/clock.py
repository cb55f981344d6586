"""Time as the rest of wosync sees it: a clock passed in, and UTC ISO 8601 text in the store.

Logic never calls `datetime.now()` itself; it is given a `Clock` (a zero-argument callable
returning an aware UTC datetime), so tests can move time to the minute.
"""

from __future__ import annotations

from datetime import datetime, timezone

TYPE_CHECKING = False  # typing is imported on first use of Clock: a status bar starts this module
if TYPE_CHECKING:
    from typing import Callable

    Clock = Callable[[], datetime]


def __getattr__(name: str):
    # `from wosync.clock import Clock` at run time: the alias, built when first asked for.
    if name == "Clock":
        from typing import Callable

        return Callable[[], datetime]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def system_clock() -> datetime:
    """Return the current time as an aware UTC datetime (the clock used outside tests)."""
    return datetime.now(timezone.utc)


def to_iso(moment: datetime | None) -> str | None:
    """Given an aware datetime (or None), return UTC ISO 8601 text like 2026-11-29T10:00:00Z."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime: wosync stores aware UTC times only")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str | None) -> datetime | None:
    """Given stored UTC ISO text (or None), return an aware UTC datetime (or None)."""
    if not text:
        return None
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def local_text(text_or_moment: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Given a stored UTC time (text or datetime), return it in the machine's local time."""
    moment = from_iso(text_or_moment) if isinstance(text_or_moment, str) or text_or_moment is None else text_or_moment
    if moment is None:
        return "-"
    return moment.astimezone().strftime(fmt)
