"""`wosync backup` (SQLite's online backup of the database) and `wosync restore FILE`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class BackedUp:
    """A backup made: the database it copies and the file it wrote."""

    db_path: Path
    target: Path


def backup(now: datetime, target: Path | None = None) -> BackedUp:
    """Given the time and a file to write (None: wosync-backup-<date>-<time>.db beside the
    database; the caller has checked that a given one does not exist), copy the database there
    with SQLite's online backup (safe while a sync runs; mode 0600); return where.

    Nothing is written to the database: stale runs are left for the next command to recover.
    """
    from wosync import backup as backups
    from wosync.store import Store

    with Store() as store:
        if target is None:  # numbered (-2, -3 ...) when a backup of the same second has the name
            target = backups.backup_to(store, backups.default_backup_path(store.path, now), unique=True)
        else:
            target = backups.backup_to(store, target)
    return BackedUp(store.path, target)


def restore(now: datetime, source: Path):
    """Given the time and a backup file, check it and put it in place of the database, keeping
    the current one beside it (refused while the daemon or a sync runs); return the Restored
    record (wosync.backup.Restored: its path, active orders, last run, the kept file)."""
    from wosync import backup as backups
    from wosync import config

    return backups.restore(source, config.db_path(), now)
