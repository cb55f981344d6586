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


def open_store(now: datetime, reading: bool = False) -> Store:
    """Given the time (and `reading`: the command only reads), open the store in the data folder
    and recover its stale runs (see `recover`); return the open store (a context manager that
    closes it). A command that only reads gets an empty store in memory when there is no
    database yet, so it shows the empty state and creates no data folder."""
    from wosync import config

    existing = config.existing_db_path() if reading else None
    if reading and existing is None:
        return Store.blank(config.data_home() / config.DB_FILE_NAME)
    store = Store(existing)
    try:
        recover(store, now)
    except BaseException:
        store.close()
        raise
    return store
