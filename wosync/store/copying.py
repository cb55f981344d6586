"""Copies of the database file: the online backup, the checks of a copy, the standalone switch.

wosync.backup does the file-level work (paths, names, rotation, renames); the SQL of making,
checking and releasing a database file is here. A file to restore from is only read: through
a read-only connection (so a -wal beside it, where a live database's last commits are, is
read too) and copied with the online backup API.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from wosync.errors import UsageError, is_damage
from wosync.store.connection import StoreConnection, read_only_uri
from wosync.store.schema import SCHEMA_MIGRATIONS

# The tables every wosync database has had since its first schema version.
_WOSYNC_TABLES = {"accounts", "runs", "work_orders", "schedules"}


def snapshot(store: StoreConnection, path: Path) -> str:
    """Given an open store and an empty file, copy the database into that file; return
    quick_check's verdict on the copy ("ok" when it is sound).

    SQLite's online backup makes the copy in one step, so it is a consistent snapshot even
    while a sync writes; the copy is switched to journal mode DELETE so that it is one file,
    with no -wal or -shm beside it. sqlite3.Error and OSError are left to the caller.
    """
    copy = sqlite3.connect(str(path), isolation_level=None)
    try:
        store.conn.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
        return copy.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        copy.close()


SQLITE_HEADER = b"SQLite format 3\x00"


@contextmanager
def _reading(source: Path) -> Iterator[sqlite3.Connection]:
    """Given a file to restore from, yield a read-only connection to it; close it after.

    Read-only, nothing is written to the file. With a -wal beside it SQLite needs a -shm too
    and makes one: a -shm that was not there before is removed again.
    """
    shm = Path(f"{source}-shm")
    had_shm = shm.exists()
    conn = sqlite3.connect(read_only_uri(source), uri=True, isolation_level=None, timeout=5)
    try:
        yield conn
    finally:
        conn.close()
        if not had_shm:
            shm.unlink(missing_ok=True)


def source_size(source: Path) -> int:
    """Given a file to restore from, read it without copying or writing it; return the bytes
    its copy will take (its pages, those in a -wal beside it included).

    Raises UsageError at once for what is not a wosync database: a file that does not start
    with SQLite's header (random bytes, a sparse file of zeros: nothing is read past the
    header), no wosync tables, a newer schema version than this wosync knows.
    """
    known = len(SCHEMA_MIGRATIONS.steps)
    try:
        with open(source, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise UsageError(f"it cannot be read: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise UsageError("it is not a database (it does not start with SQLite's header)")
    try:
        with _reading(source) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise UsageError(f"it is damaged or not a database ({exc})") from None
        raise UsageError(f"it cannot be read: {exc}") from None
    if version == 0 or not _WOSYNC_TABLES <= tables:
        raise UsageError("it is not a wosync database (no wosync tables in it)")
    if version > known:
        raise UsageError(f"it has schema version {version}, but this wosync knows only up to version "
                         f"{known}; upgrade wosync to restore it")
    return pages * page_size


def copy_from(source: Path, path: Path) -> None:
    """Given a file to restore from and an empty file, copy the source's database into it with
    the online backup API (its -wal included); the source is opened read-only.

    sqlite3.Error and OSError are left to the caller.
    """
    copy = sqlite3.connect(str(path), isolation_level=None)
    try:
        with _reading(source) as conn:
            conn.backup(copy)
    finally:
        copy.close()


def check_copy(path: Path) -> tuple[int, int, str | None]:
    """Given a copy of a backup (ours to open and change), check it and make it self-contained.

    Return (schema version, active orders, newest run start). Raises UsageError naming what is
    wrong: not a database, not a wosync database, damaged (integrity_check), or written by a
    newer wosync (upgrade first).
    """
    known = len(SCHEMA_MIGRATIONS.steps)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None)
    except sqlite3.Error as exc:
        raise UsageError(f"the backup cannot be opened: {exc}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version == 0 or not _WOSYNC_TABLES <= tables:
            raise UsageError("it is not a wosync database (no wosync tables in it)")
        if version > known:
            raise UsageError(f"it has schema version {version}, but this wosync knows only up to version "
                             f"{known}; upgrade wosync to restore it")
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise UsageError(f"it fails integrity_check ({verdict.splitlines()[0]}); choose another backup")
        conn.execute("PRAGMA journal_mode = DELETE")
        active = conn.execute("SELECT count(*) FROM work_orders WHERE completed_at IS NULL").fetchone()[0]
        last = conn.execute("SELECT max(started_at) FROM runs").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise UsageError(f"it is damaged or not a database ({exc})") from None
        raise UsageError(f"it cannot be read: {exc}") from None
    finally:
        conn.close()
    return version, active, last


def make_standalone(db_path: Path, busy_seconds: float) -> bool:
    """Given a database path and how long to wait for other connections, fold its WAL into it
    and switch it to journal mode DELETE, so the file stands alone and no -wal of it can be
    applied to another file put in its place.

    Return False when another connection still has it open after that wait; True otherwise,
    also when it cannot be opened or is damaged (it is then left as it is).
    """
    try:
        conn = sqlite3.connect(str(db_path), timeout=busy_seconds, isolation_level=None)
    except sqlite3.Error:
        return True
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if mode != "delete":
            raise sqlite3.OperationalError("database is locked")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return False
    except sqlite3.DatabaseError:
        pass  # damaged: the caller replaces it and keeps it aside as it is
    finally:
        conn.close()
    return True
