"""`wosync calendar [--output FILE] [--username EMAIL] [--all-day]`: the next visits as iCalendar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from wosync.cli import common


def calendar(
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the feed to FILE (atomically, mode 0600) instead of stdout."),
    username: Optional[str] = typer.Option(None, "--username", help="Only this account's visits (default: every account's)."),
    all_day: bool = typer.Option(False, "--all-day", help="Every visit as an all-day event, whatever its time window."),
) -> None:
    """Print the next visit of every active work order as an iCalendar (.ics) feed."""
    from wosync import calendar as feed

    target = feed.check_output_path(output) if output is not None else None  # before any work
    with common.open_store() as store:
        account = common.resolve_account(store, username).username if username else None
        data = feed.feed_for(store, account, common.clock(), all_day=all_day)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        feed.write_atomically(target, data)
    except OSError as exc:
        from wosync.errors import UsageError

        raise UsageError(f"cannot write the calendar {target}: {exc.strerror or exc}") from None
    events = data.count(b"BEGIN:VEVENT")
    typer.echo(f"Wrote {events} visit{'s' if events != 1 else ''} to {target}.", err=True)


def register(app: typer.Typer) -> None:
    """Attach `calendar` to the root app."""
    app.command("calendar")(calendar)
