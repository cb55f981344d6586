"""`wosync sync-now`: one sync in the foreground, with Ctrl-C recorded as an interruption."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Callable, ContextManager, Iterator

from wosync import accounts
from wosync.actions import stale_runs
from wosync.clock import Clock

# What shows the progress of the sync: a context manager that yields the callback run_sync
# feeds progress records to (the CLI's progress bar), or None for no display.
ProgressView = Callable[[], ContextManager[Callable[[dict[str, Any]], None] | None]]


@dataclass(frozen=True)
class SyncOutcome:
    """A finished sync: its run record (as `history` shows it) and the exit code it means."""

    run: dict[str, Any]
    exit_code: int


@contextmanager
def cancel_on_interrupt() -> Iterator[threading.Event]:
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


def sync_now(clock: Clock, schedule_id: int | None = None, username: str | None = None, *,
             allow_mass_removal: bool = False, allow_field_loss: bool = False,
             purge_completed_after: float | None = None, equipment: bool = False,
             progress_view: ProgressView | None = None) -> SyncOutcome:
    """Given the clock, an optional schedule (its account is synced and the run counted on it),
    an optional account (default: the schedule's, else the only one), the guards' overrides and
    the progress display, run one manual sync now; return its run and exit code.

    The progress display starts only once the account is known, so a command refused for a
    missing account shows none. Ctrl-C during the sync ends it as an interrupted run.
    """
    from wosync.model import Trigger
    from wosync.sync import SyncOptions, exit_code_for, run_sync

    with stale_runs.open_store(clock()) as store:
        if schedule_id is not None:
            row = store.get_schedule(schedule_id)
            schedule_id = row["id"]
            username = username or row["account"]
        account = accounts.resolve_account(store, clock(), username, True)
        options = SyncOptions(trigger=Trigger.MANUAL, schedule_id=schedule_id, allow_mass_removal=allow_mass_removal,
                              allow_field_loss=allow_field_loss, purge_completed_after_days=purge_completed_after,
                              equipment_all_due=equipment)
        with (progress_view or nullcontext)() as view, cancel_on_interrupt() as cancel:
            run = run_sync(store, account, clock, options, on_progress=view, cancel=cancel)
    return SyncOutcome(run, int(exit_code_for(run)))
