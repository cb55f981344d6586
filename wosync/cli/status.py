"""`wosync status [--json]` and `wosync status --line [--format text|waybar|json] [--follow]`.

`--line` is what a status bar runs every few seconds; the `wosync` entry point answers it
without building the Typer app at all (see wosync.cli.main); both ways go through
wosync.cli.print_status_line, so they print the same bytes.
"""

from __future__ import annotations

import typer

from wosync.cli import common
from wosync.errors import UsageError


def status(
    line: bool = typer.Option(False, "--line", help="One line for a status bar (tmux, polybar, i3blocks, waybar)."),
    fmt: str = typer.Option("text", "--format", metavar="text|waybar|json",
                            help="With --line: plain text, waybar's custom-module JSON, or JSON."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    follow: bool = typer.Option(False, "--follow", help="With --line: keep running and print the line again each time it "
                                "changes (waybar/i3blocks persistent mode, polybar tail = true)."),
) -> None:
    """Show each schedule's state (active, syncing, failed, paused), its next run and last result."""
    if line:
        if json_out:
            raise UsageError("--line and --json do not go together; use `wosync status --line --format json`")
        from wosync.cli import print_status_line

        print_status_line(fmt, clock=lambda: common.clock(), follow=follow)  # looked up at each poll: tests replace it
        return
    if follow:
        raise UsageError("--follow goes with --line: `wosync status --line --follow`")
    if fmt != "text":
        raise UsageError("--format goes with --line: `wosync status --line --format waybar`")
    from wosync.actions import status as state

    report = state.report(common.clock())
    if json_out:
        common.print_json(report)
        return
    import sys

    from wosync import render

    # Drawn without Rich (render.status_text): importing Rich would be most of this command's start-up.
    sys.stdout.write(render.status_text(report, render.terminal_width(sys.stdout), render.colour_wanted(sys.stdout)))
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Attach `status` to the root app."""
    app.command("status")(status)
