"""`wosync calendar`: the next visit of every active work order as an iCalendar feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wosync import accounts
from wosync.actions import stale_runs
from wosync.errors import UsageError


@dataclass(frozen=True)
class Feed:
    """The feed built: its bytes, the file it was written to (None: the caller prints it),
    how many visits (events) it holds, and what it says of the visits it skipped (or None)."""

    data: bytes
    target: Path | None
    events: int
    skipped: str | None = None


def calendar(now: datetime, username: str | None = None, all_day: bool = False,
             output: Path | None = None) -> Feed:
    """Given the time, an optional account (default: every account's visits), whether every
    visit is an all-day event and an optional file, build the feed from the stored orders and,
    with a file, write it atomically (mode 0600); return the Feed.

    The file's folder is checked before any work (UsageError); a write that fails is a
    UsageError naming the file.
    """
    from wosync import calendar as feeds

    target = feeds.check_output_path(output) if output is not None else None
    with stale_runs.open_store(now, reading=True) as store:
        account = accounts.resolve_account(store, now, username, True).username if username else None
        feed = feeds.stored_feed(store, account, now, all_day=all_day)
    data = feed.data
    if target is not None:
        try:
            feeds.write_atomically(target, data)
        except OSError as exc:
            raise UsageError(f"cannot write the calendar {target}: {exc.strerror or exc}") from None
    return Feed(data, target, data.count(b"BEGIN:VEVENT"), feeds.skipped_text(feed.skipped))
