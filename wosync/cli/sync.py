"""`wosync sync-now` (one sync in the foreground) and `wosync watch` (the running sync, live)."""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import typer

from wosync.cli import common

# How often `watch` reads the store: 5 times a second shows a change within 0.5 s at little cost.
WATCH_POLL_SECONDS = 0.2
# How often `watch` looks for runs whose process died (cheap, but not needed every poll).
WATCH_RECOVERY_SECONDS = 2.0


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
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> int:
    """Sync now, in the foreground, with a live progress bar on a terminal."""
    from wosync import render
    from wosync.sync import SyncOptions, exit_code_for, run_sync, summary_line

    with common.open_store() as store:
        schedule_id = None
        if schedule is not None:
            row = store.get_schedule(schedule)
            schedule_id = row["id"]
            username = username or row["account"]
        account = common.resolve_account(store, username)
        options = SyncOptions(trigger="manual", schedule_id=schedule_id, allow_mass_removal=allow_mass_removal,
                              allow_field_loss=allow_field_loss, purge_completed_after_days=purge_completed_after,
                              equipment_all_due=equipment)
        err = common.stderr_console()
        with render.SyncProgressView(err, quiet=quiet or (json_out and not err.is_terminal), clock=common.clock) as view, \
                _cancel_on_interrupt() as cancel:
            run = run_sync(store, account, common.clock, options, on_progress=view, cancel=cancel)
    code = exit_code_for(run)
    if json_out:
        from wosync.cli.history import run_record

        common.print_json(run_record(run))
    elif run["status"] == "success" and not quiet:
        typer.echo(summary_line(run))
    if run["status"] != "success":
        from wosync.cli import error_line

        error_line(_failure_text(run))  # the run's error may hold site text: cleaned there
    elif run.get("equipment_error") and not quiet:
        from wosync.render import clean

        # The orders were saved (exit 0); the dispensers of some locations were not read.
        typer.echo(f"Note: equipment: {clean(run['equipment_error'])}", err=True)
    return int(code)


@contextmanager
def _cancel_on_interrupt() -> Iterator[threading.Event]:
    """Yield a cancel event that Ctrl-C sets before raising KeyboardInterrupt as usual.

    Ctrl-C reaches the browser too, which may fail before Python sees the interrupt; with the
    event set first, the sync records such a run as interrupted (exit 130), not failed.
    """
    cancel = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield cancel
        return

    def interrupt(signum, frame):
        cancel.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)


def _failure_text(run: dict[str, Any]) -> str:
    """Given a run that did not succeed, return its one-line error text."""
    if run["status"] == "partial":
        return f"partial sync: {run['error_message']}"
    if run["status"] == "interrupted":
        return run["error_message"] or "the sync was interrupted"
    return f"sync failed: {run['error_message']}"


def _next_scheduled(store) -> str | None:
    """Return the earliest next_run over the enabled schedules, or None."""
    runs = [row["next_run"] for row in store.list_schedules(enabled_only=True) if row["next_run"]]
    return min(runs) if runs else None


def _current_state(store, now) -> tuple[str | None, dict[str, Any] | None]:
    """Return (account, visible progress) of the sync to show: a running one first, else the newest."""
    from wosync.progress import visible_state

    rows = store.get_progress()
    if not rows:
        return None, None
    rows.sort(key=lambda r: (r["status"] == "in_progress", r["updated_at"] or ""), reverse=True)
    row = rows[0]
    return row["account"], visible_state(row, now)


def watch(
    follow: bool = typer.Option(False, "--follow", "-f", help="Keep watching for the next sync after this one ends."),
) -> int:
    """Show the running sync live: a percentage bar, the phase, the orders found, the elapsed time."""
    from wosync import render
    from wosync.clock import local_text
    from wosync.recovery import recover_stale_runs
    from wosync.sync import exit_code_for, summary_line

    console = common.stdout_console()
    store = common.open_store()
    watched_run: int | None = None
    last_recovery = time.monotonic()
    live = None
    try:
        while True:
            now = common.clock()
            if time.monotonic() - last_recovery > WATCH_RECOVERY_SECONDS:
                recover_stale_runs(store, now)
                last_recovery = time.monotonic()
            account, state = _current_state(store, now)
            running = state is not None and state["status"] == "in_progress"
            if running:
                watched_run = state["run_id"]
                if live is None:
                    live = _start_live(console)
                live.update(render.progress_panel(state, now, account))
            elif watched_run is not None:
                # The run we watched has ended: show its result (from the history, the source of truth).
                run = store.get_run(watched_run)
                if run["status"] == "running":
                    time.sleep(WATCH_POLL_SECONDS)
                    continue
                if live is not None:
                    live.stop()
                    live = None
                style = "green" if run["status"] == "success" else "red"
                # A failed run's summary starts with its status already.
                label = f"Run {run['id']}" if run["status"] in ("failed", "interrupted") else f"Run {run['id']} {run['status']}:"
                console.print(render.result_line(label, style, summary_line(run)))  # site text: never markup
                if not follow:
                    return int(exit_code_for(run))
                watched_run = None
            elif not follow:
                next_run = _next_scheduled(store)
                when = f"next scheduled sync {local_text(next_run)}" if next_run else "no schedule is enabled"
                console.print(f"No sync is running; {when}.")
                return 0
            elif live is None:
                next_run = _next_scheduled(store)
                when = f"next scheduled sync {local_text(next_run)}" if next_run else "no schedule is enabled"
                console.print(f"Waiting for a sync ({when}); Ctrl-C to stop.")
                live = _start_live(console)
                live.update(f"Idle; {when}.")
            time.sleep(WATCH_POLL_SECONDS)
    except KeyboardInterrupt:
        return 0
    finally:
        if live is not None:
            live.stop()
        store.close()


def _start_live(console):
    """Start a Rich Live display redrawn 8 times a second."""
    from rich.live import Live

    live = Live(console=console, refresh_per_second=8, transient=False)
    live.start()
    return live


def register(app: typer.Typer) -> None:
    """Attach `sync-now` and `watch` to the root app."""
    app.command("sync-now")(sync_now)
    app.command("watch")(watch)
