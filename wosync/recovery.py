"""Runs whose process is gone are marked interrupted, so nothing shows "Syncing..." forever."""

from __future__ import annotations

from datetime import datetime

from wosync import config
from wosync.locks import FileLock, account_lock_path, pid_alive

TYPE_CHECKING = False  # `status --line` asks run_is_orphaned without loading the store
if TYPE_CHECKING:
    from wosync.store import Store


def run_is_orphaned(run: dict) -> bool:
    """Given a `running` run row, return True when no live process is syncing it.

    The pid may have been reused by an unrelated process, so a live pid only counts while the
    account's lock is still held.
    """
    if not pid_alive(run.get("pid")):
        return True
    lock = FileLock(account_lock_path(config.locks_dir(), run["account"]))
    return not lock.is_held()


def recover_stale_runs(store: Store, now: datetime) -> list[int]:
    """Mark every orphaned `running` run interrupted and clear its progress; return their ids."""
    from wosync.busy import forget_outcome, take_outcome
    from wosync.clock import from_iso
    from wosync.model import RunStatus

    recovered = []
    for run in store.running_runs():
        if not run_is_orphaned(run):
            continue
        noted = take_outcome(store.path, run["id"])  # a failure the busy database could not take
        if noted:
            store.finish_run(run["id"], from_iso(noted.pop("finished_at", None)) or now,
                             **{k: noted.get(k) for k in ("status", "error_kind", "error_message", "items_processed")})
            forget_outcome(store.path, run["id"])
        else:
            store.finish_run(
                run["id"], now, status=RunStatus.INTERRUPTED, error_kind="interrupted",
                error_message="the sync process ended before finishing (killed or machine stopped)",
            )
        for row in store.get_progress(run["account"]):
            if row.get("run_id") == run["id"]:
                store.clear_progress(run["account"])
        recovered.append(run["id"])
    return recovered
