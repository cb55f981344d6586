"""`wosync sync-now` (one sync in the foreground) and `wosync watch` (the running sync, live)."""

from __future__ import annotations

from contextlib import closing
from typing import Any, Optional

import typer

from wosync.cli import common
from wosync.model import RunStatus


def sync_now(
    schedule: Optional[int] = typer.Option(None, "--schedule", metavar="ID", parser=common.int_parser("--schedule", hint="; see `wosync schedule list`"), help="Sync the account of this schedule and count it on the schedule."),
    username: Optional[str] = typer.Option(None, "--username", help="The account to sync (default: the only one)."),
    allow_mass_removal: bool = typer.Option(False, "--allow-mass-removal", help="Complete orders even when more than half of them vanished at once."),
    allow_field_loss: bool = typer.Option(False, "--allow-field-loss", help="Store the scrape even when a field filled on most orders came back empty on every row (the site really emptied it)."),
    purge_completed_after: Optional[float] = typer.Option(
        None, "--purge-completed-after", metavar="DAYS", parser=common.decimal_parser("--purge-completed-after", 0, 36500),
        help="After a successful sync, delete orders completed more than DAYS days ago (default: keep them)."),
    equipment: bool = typer.Option(
        False, "--equipment",
        help="After the orders, read the Equipment tab of every location that is due "
             "(not only WOSYNC_EQUIPMENT_PER_RUN of them)."),
    json_out: bool = typer.Option(False, "--json", help="Print the run record as JSON on stdout."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output; the result line stays."),
    silent: bool = typer.Option(False, "--silent", help="Nothing but errors (for cron: output means trouble)."),
) -> int:
    """Sync now, in the foreground, with a live progress bar on a terminal."""
    from wosync import render
    from wosync.actions.sync_now import sync_now as run_now
    from wosync.sync import summary_line

    err = common.stderr_console()
    outcome = run_now(
        common.clock, schedule, username, allow_mass_removal=allow_mass_removal, allow_field_loss=allow_field_loss,
        purge_completed_after=purge_completed_after, equipment=equipment,
        progress_view=lambda: render.SyncProgressView(err, quiet=quiet or silent or (json_out and not err.is_terminal),
                                                      clock=common.clock))
    run, code = outcome.run, outcome.exit_code
    if json_out:
        from wosync.cli.history import run_record

        common.print_json(run_record(run))
    elif run["status"] == RunStatus.SUCCESS and not silent:
        typer.echo(summary_line(run))
    if run["status"] != RunStatus.SUCCESS:
        from wosync.cli import error_line

        error_line(_failure_text(run))  # the run's error may hold site text: cleaned there
    elif run.get("equipment_error") and not silent:
        from wosync.text import clean

        # The orders were saved (exit 0); the dispensers of some locations were not read.
        typer.echo(f"Note: equipment: {clean(run['equipment_error'])}", err=True)
    return int(code)


def _failure_text(run: dict[str, Any]) -> str:
    """Given a run that did not succeed, return its one-line error text."""
    if run["status"] == RunStatus.PARTIAL:
        return f"partial sync: {run['error_message']}"
    if run["status"] == RunStatus.INTERRUPTED:
        return run["error_message"] or "the sync was interrupted"
    return f"sync failed: {run['error_message']}"


def _when(idle) -> str:
    """Given an Idle event, return how `watch` names what comes next: the next scheduled run,
    none, or that no daemon runs the schedules (and how to start it)."""
    from wosync.clock import local_text
    from wosync.status import how_to_start

    if idle.stopped:
        return f"daemon not running, so no scheduled sync will run; start it with {how_to_start(idle.daemon)}"
    return f"next scheduled sync {local_text(idle.next_run)}" if idle.next_run else "no schedule is enabled"


def _idle_text(idle, text: str):
    """Given an Idle event and its sentence, return it as a Rich Text: red when no daemon runs."""
    from rich.text import Text

    return Text(text, style="red" if idle.stopped else "")


def watch(
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep watching for the next sync after this one ends."),
) -> int:
    """Show the running sync live: a percentage bar, the phase, the orders found, the elapsed time."""
    from wosync import render
    from wosync.actions import watch as watching
    from wosync.sync import summary_line

    console = common.stdout_console()
    live = None
    code = 0
    waiting_said = False
    try:
        with closing(watching.watch(common.clock, follow)) as events:
            for event in events:
                if isinstance(event, watching.Running):
                    if live is None:
                        live = _start_live(console)
                    live.update(render.progress_panel(event.state, event.now, event.account))
                elif isinstance(event, watching.Ended):
                    if live is not None:
                        live.stop()
                        live = None
                    run = event.run
                    style = "green" if run["status"] == RunStatus.SUCCESS else "red"
                    # A failed run's summary starts with its status already.
                    label = f"Run {run['id']}" if run["status"] in (RunStatus.FAILED, RunStatus.INTERRUPTED) else f"Run {run['id']} {run['status']}:"
                    console.print(render.result_line(label, style, summary_line(run)))  # site text: never markup
                    code = event.exit_code
                elif event.last:
                    console.print(_idle_text(event, f"No sync is running; {_when(event)}."))
                else:
                    if live is None:
                        if not waiting_said:  # once: with --follow, one line per run follows it
                            console.print("Waiting for a sync; Ctrl-C to stop.")
                            waiting_said = True
                        live = _start_live(console)
                    live.update(_idle_text(event, f"Idle; {_when(event)}."))
    except KeyboardInterrupt:
        return 0
    finally:
        if live is not None:
            live.stop()
    return code


def _start_live(console):
    """Start a Rich Live display redrawn 8 times a second, cleared when stopped."""
    from rich.live import Live

    # Transient: cleared when stopped, so a finished run leaves its one result line, no frozen bar.
    live = Live(console=console, refresh_per_second=8, transient=True)
    live.start()
    return live


def register(app: typer.Typer) -> None:
    """Attach `sync-now` and `watch` to the root app."""
    app.command("sync-now")(sync_now)
    app.command("watch")(watch)
