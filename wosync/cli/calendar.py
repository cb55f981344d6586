"""`wosync calendar [--output FILE] [--username EMAIL] [--all-day]`: the next visits as iCalendar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from wosync.cli import common


def calendar(
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the feed to FILE (atomically, mode 0600; a link: the file it points to) instead of stdout (-)."),
    username: Optional[str] = typer.Option(None, "--username", help="Only this account's visits (default: every account's)."),
    all_day: bool = typer.Option(False, "--all-day", help="Every visit as an all-day event, whatever its time window."),
) -> None:
    """Print the next visit of every active work order as an iCalendar (.ics) feed."""
    from wosync.actions.calendar import calendar as build

    if output is not None and str(output) == "-":  # the usual name for stdout
        output = None
    feed = build(common.clock(), username, all_day, output)
    if feed.skipped:  # on stderr: stdout may be the feed itself
        typer.echo(feed.skipped, err=True)
    if feed.target is None:
        sys.stdout.buffer.write(feed.data)
        sys.stdout.flush()
        return
    events = feed.events
    # A link is followed (the file it points to is replaced, the link stays): say so.
    through = f" (through the link {output})" if Path(output).expanduser().is_symlink() else ""
    typer.echo(f"Wrote {events} visit{'s' if events != 1 else ''} to {feed.target}{through}.", err=True)


def register(app: typer.Typer) -> None:
    """Attach `calendar` to the root app."""
    app.command("calendar")(calendar)
