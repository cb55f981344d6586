"""Backups of the database: `wosync backup`, the daemon's seven dailies, and `wosync restore`.

A backup is made with SQLite's online backup API from an open store, so it is a consistent
snapshot even while a sync writes; it is one self-contained file (journal mode DELETE, no -wal
beside it), mode 0600, checked with quick_check before it gets its name. Restoring checks the
file (it opens, passes integrity_check, has a schema version this wosync knows), refuses while
a sync or the daemon runs, keeps the current database beside it, and puts the backup in place
with one atomic rename.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from wosync import config
from wosync.errors import (
    AlreadyRunning, DatabaseDamaged, DiskFull, StorageError, UsageError, is_damage, is_disk_full_in,
)
from wosync.backup_rotation import dailies_to_delete
from wosync.locks import FileLock, account_lock_paths, daemon_lock_path
from wosync.store import Store
from wosync.store.copying import check_copy, copy_from, make_standalone, snapshot, source_size

BACKUP_PREFIX = "wosync-backup-"
DAILY_PREFIX = "wosync-daily-"
BEFORE_RESTORE_PREFIX = "wosync-before-restore-"
DAILY_KEEP = 7
_DAILY_NAME = re.compile(re.escape(DAILY_PREFIX) + r"(\d{4}-\d\d-\d\d)\.db", re.ASCII)
# How long restore waits for another connection to let go of the database before refusing.
RESTORE_BUSY_SECONDS = 2.0


def _stamp(now: datetime) -> str:
    """Given an instant, return its local time as 20261129-143000 (sorts by time, safe in a name)."""
    return now.astimezone().strftime("%Y%m%d-%H%M%S")


def default_backup_path(db_path: Path, now: datetime) -> Path:
    """Given the database path and the time, return the default backup file beside the database."""
    return db_path.parent / f"{BACKUP_PREFIX}{_stamp(now)}.db"


def _fsync_folder(folder: Path) -> None:
    """Make a rename or a new name in `folder` durable (best effort: some file systems refuse)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _private_temp(folder: Path, name: str) -> Path:
    """Create an empty 0600 file for a copy in progress in `folder`; return its path."""
    path = folder / f".{name}.partial-{os.getpid()}"
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return path


def _unlink_with_journal(path: Path) -> None:
    for leftover in (path, Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)


def _link_new(temp: Path, target: Path, unique: bool) -> Path:
    """Give the finished copy `temp` the name `target`; with `unique`, when that name is taken,
    the first free one of target-2, target-3 ... (the name is only taken by the link itself, so
    two backups in one second still get two names). Return the name given.

    FileExistsError when `target` is taken and not `unique`.
    """
    candidate, number = target, 1
    while True:
        try:
            os.link(temp, candidate)  # fails instead of overwriting a file that appeared meanwhile
            return candidate
        except FileExistsError:
            if not unique:
                raise
            number += 1
            candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")


def backup_to(store: Store, target: Path, unique: bool = False) -> Path:
    """Given an open store and a path that does not exist yet (with `unique`: a name to number
    when it does, see _link_new), write a backup there; return the file written.

    The copy is made into a hidden temporary file beside the target, switched to journal mode
    DELETE, checked with quick_check and flushed to disk; only then is it linked under its name
    (so a half-written backup never carries one, and an existing file is never overwritten).
    Raises UsageError when the target exists, DatabaseDamaged when the copy fails its check
    (the database itself is damaged), DiskFull when there is no room for it.
    """
    target = Path(target)
    if not unique and (target.exists() or target.is_symlink()):
        raise UsageError(f"{target} already exists; choose another file name (backups never overwrite)")
    temp = None
    try:
        temp = _private_temp(target.parent, target.name)
        verdict = snapshot(store, temp)  # consistent even while a sync writes; one file, no -wal
        if verdict != "ok":
            raise DatabaseDamaged(store.path, f"its backup fails quick_check: {verdict}")
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        target = _link_new(temp, target, unique)
        _fsync_folder(target.parent)
        return target
    except FileExistsError:
        raise UsageError(f"{target} already exists; choose another file name (backups never overwrite)") from None
    except (OSError, sqlite3.Error) as exc:
        if is_disk_full_in(exc, target.parent):
            raise DiskFull(target.parent) from None
        if is_damage(exc):
            raise DatabaseDamaged(store.path, str(exc)) from None
        raise StorageError(f"cannot write the backup {target}: {getattr(exc, 'strerror', None) or exc}") from None
    finally:
        if temp is not None:
            _unlink_with_journal(temp)


# ------------------------------------------------------------------ the daemon's dailies


def daily_backups(folder: Path) -> list[Path]:
    """Given the data folder, return its daily backups, oldest first (only files named by us)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [folder / name for name in sorted(names) if _DAILY_NAME.fullmatch(name)]


def daily_backup(store: Store, now: datetime, keep: int = DAILY_KEEP) -> Path | None:
    """Given the store and the time, make today's daily backup unless it exists; keep the newest
    `keep` dailies (one per local day, by their files' times; the one just made always) and
    delete the older ones (wosync.backup_rotation). Return the new file, or None
    when today's was already made. Other files (manual backups) are never touched."""
    folder = store.path.parent
    target = folder / f"{DAILY_PREFIX}{now.astimezone().date().isoformat()}.db"
    made = None
    if not target.exists():
        made = backup_to(store, target)
        os.utime(made, (now.timestamp(), now.timestamp()))  # its age is the clock's, as its name
    # By the files' real age, never their names: a clock once set ahead wrote future names.
    for old in dailies_to_delete(daily_backups(folder), keep, now, made):
        old.unlink(missing_ok=True)
    return made


# ------------------------------------------------------------------ restore


@dataclass(frozen=True)
class Restored:
    """What `restore` did: the database it replaced, the previous file kept aside (or None), and
    what the restored file holds (schema version, orders, the newest run's start)."""

    db_path: Path
    kept_as: Path | None
    schema_version: int
    active_orders: int
    last_run_at: str | None


def _hold_every_lock(locks_dir: Path, now: datetime) -> list[FileLock]:
    """Take the daemon's lock and every account's sync lock; return them (release them after).

    AlreadyRunning (exit 4) names the daemon or the sync that holds one, and how to stop it.
    """
    held: list[FileLock] = []
    try:
        daemon = FileLock(daemon_lock_path(locks_dir), "the wosync daemon")
        try:
            daemon.acquire(now)
        except AlreadyRunning as exc:
            raise AlreadyRunning(f"{exc.message}; stop it before restoring (`systemctl --user stop wosync`, "
                                 "or Ctrl-C in its terminal)") from None
        held.append(daemon)
        for path in account_lock_paths(locks_dir):
            lock = FileLock(path, "a sync")
            try:
                lock.acquire(now)
            except AlreadyRunning as exc:
                raise AlreadyRunning(f"{exc.message}; wait for it to end before restoring") from None
            held.append(lock)
    except BaseException:
        for lock in held:
            lock.release()
        raise
    return held


def _let_go_of(db_path: Path) -> None:
    """Make the current database stand alone (its WAL folded in, journal mode DELETE), so no
    -wal of it can be applied to the restored one.

    Raises AlreadyRunning when another process (a `wosync watch`, say) still has it open. A
    damaged current database is left as it is (its WAL moves aside with it).
    """
    if not make_standalone(db_path, RESTORE_BUSY_SECONDS):
        raise AlreadyRunning(
            f"another wosync command has {db_path} open (a `wosync watch`?); close it and try again"
        )


def _free_name(folder: Path, stem: str) -> Path:
    """Return folder/stem.db, or stem-2.db, stem-3.db ... when that name is taken."""
    candidate, number = folder / f"{stem}.db", 1
    while candidate.exists():
        number += 1
        candidate = folder / f"{stem}-{number}.db"
    return candidate


def _same_file(one: Path, other: Path) -> bool:
    """Return True when two paths name one file (the same path, a link, or a hard link)."""
    try:
        return one.resolve() == other.resolve() or os.path.samefile(one, other)
    except OSError:
        return False


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _check_room(source: Path, size: int, folder: Path) -> None:
    """Given the file to restore, the bytes its copy takes and the data folder, raise StorageError
    (exit 2, naming both sizes) when the folder's file system has no room for the copy.

    The copy is made beside the database before the old one is set aside, so both fit at once;
    a margin covers the copy's journal and the file system's own blocks.
    """
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    needed = size + max(size // 50, 1_000_000)
    if needed > free:
        raise StorageError(
            f"not enough free space to restore {source}: its copy needs {_megabytes(needed)} in {folder}, "
            f"which has {_megabytes(free)} free; free some space there and try again (nothing was changed)")


def restore(source: Path, db_path: Path, now: datetime) -> Restored:
    """Given a backup file, the database path and the time, put the backup in place; return what was done.

    The backup is read through SQLite (its -wal included) and refused at once when it is not a
    wosync database or does not fit on the disk; it is then copied next to the database with
    the online backup API and checked (wosync.store.copying.check_copy) before anything else is
    touched; then, holding the daemon's and every sync's lock, the
    current database (if any) is kept as wosync-before-restore-<time>.db and the checked copy
    renamed over it.
    """
    source = Path(source)
    folder = db_path.parent
    config.ensure_private_dir(folder)
    if _same_file(source, db_path):
        raise UsageError(f"{source} is the database itself; name a backup file (see `wosync backup`)")
    try:
        size = source_size(source)  # its header and tables, before anything is copied
    except UsageError as exc:
        raise UsageError(f"{source} cannot be restored: {exc.message}; nothing was changed") from None
    _check_room(source, size, folder)
    temp = None
    locks: list[FileLock] = []
    try:
        temp = _private_temp(folder, "wosync-restore")
        try:
            copy_from(source, temp)  # through SQLite: a -wal beside the source is included
        except (OSError, sqlite3.Error) as exc:
            if is_disk_full_in(exc, folder):
                raise DiskFull(folder) from None
            detail = getattr(exc, "strerror", None) or exc
            raise UsageError(f"{source} cannot be restored: it cannot be read ({detail}); nothing was changed") from None
        try:
            version, active, last = check_copy(temp)
        except UsageError as exc:
            raise UsageError(f"{source} cannot be restored: {exc.message}; nothing was changed") from None
        locks = _hold_every_lock(config.locks_dir(), now)
        kept = None
        if db_path.exists():
            _let_go_of(db_path)
            kept = _free_name(folder, f"{BEFORE_RESTORE_PREFIX}{_stamp(now)}")
            os.link(db_path, kept)  # the previous database stays, under a new name
            for suffix in ("-wal", "-shm"):
                side = Path(f"{db_path}{suffix}")
                if side.exists():  # only when the old one was damaged: it goes with its file
                    os.replace(side, Path(f"{kept}{suffix}"))
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, db_path)  # the one atomic step: the old file or the new one, never half
        temp = None
        _fsync_folder(folder)
        return Restored(db_path, kept, version, active, last)
    finally:
        for lock in locks:
            lock.release()
        if temp is not None:
            _unlink_with_journal(temp)
