"""Opening the database file and checking its health: permissions, WAL, schema version, integrity.

Given a path, StoreConnection opens (or creates) the SQLite file in WAL mode with mode 0600
inside a 0700 folder and applies pending migrations; the table modules of wosync.store build
on its connection, `transaction()` and row helpers. An existing file is first read through a
read-only connection (its version, quick_check): a file from a newer wosync or a damaged one
is refused before anything (journal mode, header, a -wal or -shm) is written. `blank()` is an
empty store in memory, for commands that only read when there is no database yet.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Self

if TYPE_CHECKING:  # sqlite_utils is imported only when the schema must be created or migrated
    import sqlite_utils

from wosync import busy, config
from wosync.errors import (
    DatabaseDamaged, DatabaseTooNew, DiskFull, StorageError, WosyncError, is_damage, is_disk_full_in,
)
from wosync.store.schema import SCHEMA_MIGRATIONS


def _create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist, so SQLite never makes it 0644."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


def read_only_uri(path: Path) -> str:
    """Given a database path, return the URI that reads it without writing anything.

    With no -wal or -journal beside it, `immutable=1` reads the main file alone: no lock, and no
    -wal or -shm is created (a plain read-only open of a WAL file would create both). With one,
    `mode=ro` reads it through that journal (its last commits are only there) and writes nothing
    to the file itself.
    """
    journal = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))
    return f"{path.absolute().as_uri()}?{'mode=ro' if journal else 'immutable=1'}"


def quick_check_verdict(conn: sqlite3.Connection) -> str:
    """Given a connection, return SQLite's quick_check verdict: "ok", else its first finding
    (and how many more).

    quick_check reads every page (so a damaged page anywhere is found) but skips the
    index-to-table cross-checks of integrity_check, which makes it several times faster.
    A file so damaged that the check itself fails gives that error's text.
    """
    try:
        findings = [row[0] for row in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as exc:
        if not is_damage(exc):
            raise
        return str(exc)
    if findings == ["ok"]:
        return "ok"
    # A finding may span lines ("*** in database main ***\nPage 222: ..."): one line each.
    lines = [line.strip() for finding in findings for line in str(finding).splitlines()
             if line.strip() and not line.strip().startswith("***")]
    if not lines:
        return "quick_check gave no verdict"
    more = f" and {len(lines) - 1} more finding(s)" if len(lines) > 1 else ""
    return f"quick_check: {lines[0]}{more}"


# SQLITE_READONLY_ROLLBACK: a read-only connection met a hot -journal (a write cut short).
_HOT_JOURNAL = 776


def _roll_back(path: Path) -> None:
    """Given a database with a hot -journal, let SQLite roll the cut-short write back (the one
    write allowed before the check: it puts back the last committed state)."""
    conn = sqlite3.connect(str(path), timeout=busy.busy_timeout(), isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def _read_check(path: Path) -> str:
    """Given a database, read it without writing; return quick_check's verdict.

    DatabaseTooNew when a newer wosync wrote it; sqlite3 errors are left to the caller."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, timeout=busy.busy_timeout(), isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {busy.busy_timeout_ms()}")
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        if found > len(SCHEMA_MIGRATIONS.steps):
            raise DatabaseTooNew(path, found, len(SCHEMA_MIGRATIONS.steps))
        return quick_check_verdict(conn)
    finally:
        conn.close()


def check_before_writing(path: Path) -> None:
    """Given an existing database file, read it without writing anything; raise DatabaseTooNew
    when a newer wosync wrote it and DatabaseDamaged when quick_check finds it damaged.

    sqlite3 errors (not a database, cannot be opened) are left to the caller. A hot -journal
    (a write cut short by a crash) is rolled back first, as any open would. An immutable read
    can meet a checkpoint of a writer that started meanwhile: a failed check is read once more,
    through that writer's -wal, before the file is called damaged.
    """
    for attempt in range(3):
        immutable = "immutable=1" in read_only_uri(path)
        try:
            verdict = _read_check(path)
        except sqlite3.DatabaseError as exc:
            if attempt < 2 and getattr(exc, "sqlite_errorcode", None) == _HOT_JOURNAL:
                _roll_back(path)
                continue
            if attempt < 2 and immutable and Path(f"{path}-wal").exists():
                continue
            raise
        if verdict == "ok":
            return
        if attempt < 2 and immutable and Path(f"{path}-wal").exists():
            continue
        raise DatabaseDamaged(path, verdict)


class StoreConnection:
    """The database connection. Given a path (default: config.db_path()), open it ready to use."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else config.db_path()
        config.ensure_private_dir(self.path.parent)
        self._conn: sqlite3.Connection | None = None
        self._db = None
        try:
            if self.path.exists():
                check_before_writing(self.path)
            _create_private_file(self.path)
            conn = self._conn = sqlite3.connect(str(self.path), timeout=busy.busy_timeout(), isolation_level=None,
                                                check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {busy.busy_timeout_ms()}")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._prepare_schema()
        except BaseException as exc:
            if self._conn is not None:
                self._conn.close()
            if isinstance(exc, WosyncError):
                raise
            if is_disk_full_in(exc, self.path.parent):
                # Never "move it aside": the file is healthy, the disk is what needs room.
                raise DiskFull(self.path.parent) from None
            if is_damage(exc):
                raise DatabaseDamaged(self.path, str(exc)) from None
            if busy.is_busy(exc):  # another process holds it: not a folder to fix
                raise busy.busy_error(self.path) from None
            if isinstance(exc, sqlite3.DatabaseError):
                raise StorageError(
                    f"cannot open the database {self.path}: {exc}; check that its folder is writable, "
                    "or set WOSYNC_HOME to another folder"
                ) from None
            if isinstance(exc, OSError):
                raise StorageError(
                    f"cannot open the database {self.path}: {exc.strerror or exc}; "
                    "choose a writable folder with WOSYNC_HOME"
                ) from None
            raise

    @classmethod
    def blank(cls, path: Path) -> Self:
        """Given the path a database would have, return an empty store of the current schema in
        memory (named by that path in messages); nothing is created on disk."""
        store = cls.__new__(cls)
        store.path, store._db = Path(path), None
        store._conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        SCHEMA_MIGRATIONS.apply(store.db)
        store._conn.execute(f"PRAGMA user_version = {len(SCHEMA_MIGRATIONS.steps)}")
        return store

    def _prepare_schema(self) -> None:
        """Refuse a newer file, then switch to WAL and apply pending migrations, one process at a time.

        Two wosync commands started together (a sync and `watch`, say) would otherwise race to
        create the schema, and changing the journal mode needs the database to itself.
        """
        # Before anything that writes (WAL switch, migrations, user_version): a file from a
        # newer wosync must stay exactly as it is, so that wosync can still read it.
        self._refuse_newer_version()
        if self._schema_is_current():
            return
        lock_fd = os.open(str(self.path) + ".init-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            self._refuse_newer_version()  # another process may have upgraded it while we waited
            self.conn.execute("PRAGMA journal_mode = WAL")
            if SCHEMA_MIGRATIONS.pending(self.db):
                SCHEMA_MIGRATIONS.apply(self.db)
            self.conn.execute(f"PRAGMA user_version = {len(SCHEMA_MIGRATIONS.steps)}")
        finally:
            os.close(lock_fd)

    def _refuse_newer_version(self) -> None:
        """Raise DatabaseTooNew when the file records more migrations than this wosync knows."""
        found = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if found > len(SCHEMA_MIGRATIONS.steps):
            raise DatabaseTooNew(self.path, found, len(SCHEMA_MIGRATIONS.steps))

    def _schema_is_current(self) -> bool:
        """Return True when the file is in WAL mode and has every migration (no import needed)."""
        wal = self.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        return wal and self.conn.execute("PRAGMA user_version").fetchone()[0] >= len(SCHEMA_MIGRATIONS.steps)

    @property
    def db(self) -> "sqlite_utils.Database":
        """The sqlite_utils view of the connection (imported on first use)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self._conn)
        return self._db

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block in one transaction: all of it is committed, or none of it."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            # SQLite may already have rolled back itself (it does on SQLITE_FULL): a second
            # ROLLBACK would fail and hide the error that matters.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @property
    def conn(self) -> sqlite3.Connection:
        """The sqlite3 connection (autocommit; `transaction()` groups statements)."""
        return self._conn

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, tuple(params))
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def _row(self, sql: str, params: Iterable[Any] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def check_writable(self) -> None:
        """Make a real write and roll it back: proves the file and its folder (WAL, -shm) take
        writes. Raises sqlite3.Error (or OSError) when they do not."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute("CREATE TABLE doctor_write_check (x INTEGER)")
        finally:
            self.conn.execute("ROLLBACK")

    def integrity_check(self) -> str:
        """Return SQLite's integrity_check verdict ("ok" when the file is sound)."""
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0]

    def quick_check(self) -> str:
        """Return SQLite's quick_check verdict: "ok", else its first finding (and how many more)."""
        return quick_check_verdict(self.conn)

    def ensure_sound(self) -> None:
        """Raise DatabaseDamaged (exit 2) unless quick_check finds the file sound; writes nothing."""
        verdict = self.quick_check()
        if verdict != "ok":
            raise DatabaseDamaged(self.path, verdict)

    def release_journal_space(self) -> None:
        """Fold the WAL into the database and truncate it to zero bytes, giving its space back.

        After a write failed for lack of space, the WAL may hold most of what is left on the
        disk; this is what lets the failure itself still be recorded. Errors are left to the caller.
        """
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
