"""`wosync watch`: follow the running sync from the store, poll by poll.

`watch` is a generator of what a viewer needs to redraw: the progress of the running sync, the
result of a sync that ended, or that nothing runs. It reads only the store (the progress row a
sync writes, then the run's history record, the source of truth for its result), so it sees a
sync of the daemon, of another terminal, of any process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterator

from wosync.actions import stale_runs
from wosync.clock import Clock
from wosync.model import RunStatus

# How often the store is read: 5 times a second shows a change within 0.5 s at little cost.
POLL_SECONDS = 0.2
# How often runs whose process died are looked for (cheap, but not needed every poll).
RECOVERY_SECONDS = 2.0


@dataclass(frozen=True)
class Running:
    """A sync is running: its account and its visible progress record, as of `now`."""

    account: str | None
    state: dict[str, Any]
    now: datetime


@dataclass(frozen=True)
class Ended:
    """The sync that was watched has ended: its run record and the exit code it means. `last`:
    watching stops here (not following)."""

    run: dict[str, Any]
    exit_code: int
    last: bool


@dataclass(frozen=True)
class Idle:
    """No sync runs (when watching began, or since the watched one ended): the earliest next
    run of the enabled schedules, or None; `last`: watching stops here (not following);
    `daemon`: wosync.status.daemon_liveness (its "stopped": no schedule will run). Told again
    when any of them changes."""

    next_run: datetime | None
    last: bool
    daemon: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def stopped(self) -> bool:
        """True when an enabled schedule waits for a daemon that does not run."""
        return bool(self.daemon and self.daemon["stopped"])


def next_scheduled(store) -> datetime | None:
    """Given the store, return the earliest next run over the enabled schedules, or None."""
    from wosync.schedule_rules import earliest_next_run

    return earliest_next_run(store.list_schedules(enabled_only=True))


def current_state(store, now: datetime) -> tuple[str | None, dict[str, Any] | None]:
    """Given the store and the time, return (account, visible progress) of the sync to show:
    a running one first, else the newest; (None, None) when no sync ever ran."""
    from wosync.progress import visible_state

    rows = store.get_progress()
    if not rows:
        return None, None
    rows.sort(key=lambda r: (r["status"] == "in_progress", r["updated_at"] or ""), reverse=True)
    row = rows[0]
    return row["account"], visible_state(row, now)


def watch(clock: Clock, follow: bool = False,
          sleep: Callable[[float], None] = time.sleep) -> Iterator[Running | Ended | Idle]:
    """Given the clock and whether to keep following after a sync ends, poll the store until
    there is nothing more to show; yield Running at each poll while a sync runs, Ended once
    when it ends, and Idle each time no sync runs and again when the next run or the daemon's
    liveness changes (a watch that does not follow ends after its first Ended or Idle). Runs whose process died are marked interrupted on the way.

    The store stays open while the generator lives: close it (or let it finish) to close the store.
    """
    from wosync.status import daemon_liveness
    from wosync.sync import exit_code_for

    with stale_runs.open_store(clock()) as store:
        watched_run: int | None = None
        idle_told: tuple | None = None  # (next run, daemon stopped) as last told
        last_recovery = time.monotonic()
        while True:
            now = clock()
            if time.monotonic() - last_recovery > RECOVERY_SECONDS:
                stale_runs.recover(store, now)
                last_recovery = time.monotonic()
            account, state = current_state(store, now)
            if state is not None and state["status"] == "in_progress":
                watched_run, idle_told = state["run_id"], None
                yield Running(account, state, now)
            elif watched_run is not None:
                run = store.get_run(watched_run)
                if run["status"] != RunStatus.RUNNING:  # else its progress ended first: the record follows
                    yield Ended(run, int(exit_code_for(run)), last=not follow)
                    if not follow:
                        return
                    watched_run = None
            else:
                idle = Idle(next_scheduled(store), last=not follow, daemon=daemon_liveness(store, now))
                if (idle.next_run, idle.stopped) != idle_told:
                    yield idle
                    if not follow:
                        return
                    idle_told = (idle.next_run, idle.stopped)
            sleep(POLL_SECONDS)
