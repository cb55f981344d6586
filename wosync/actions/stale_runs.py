"""Runs whose process died are marked interrupted before a command shows or starts runs.

A sync killed mid-run leaves its row `running` and its progress "Syncing..."; every command
that reads or starts runs opens the store through `open_store` below, so none of them shows a
dead sync as alive. Commands that must not write (backup) open the Store directly instead.
"""

from __future__ import annotations

from datetime import datetime

from wosync.recovery import recover_stale_runs
from wosync.store import Store


def recover(store: Store, now: datetime) -> list[int]:
    """Given an open store and the time, mark every run whose process died as interrupted and
    clear its progress; return the ids of those runs."""
    return recover_stale_runs(store, now)


def open_store(now: datetime) -> Store:
    """Given the time, open the store in the data folder and recover its stale runs (see
    `recover`); return the open store (a context manager that closes it)."""
    store = Store()
    try:
        recover(store, now)
    except BaseException:
        store.close()
        raise
    return store
