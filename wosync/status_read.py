"""A read-only look at the database for `wosync status --line`, with plain sqlite3.

A status bar starts `status --line` every few seconds, and opening the Store (wosync.store:
every table, sqlite_utils for a schema, the stale-run recovery that may write) costs several
times what the line reads. `open_reader` opens the database file read-only, as the Store's
own first check does (wosync.store.connection.read_only_uri, quick_check), and the reader
offers the few reads wosync.status.status_line (and status_report, for `wosync status`) make,
with the Store's names and row shapes.

It answers the ordinary case only: whenever the Store would do more than read (a missing or
odd data folder, a file to migrate or switch to WAL, a newer or damaged file, a hot journal,
a bad $WOSYNC_BUSY_TIMEOUT, any error SQLite gives but "busy"), `open_reader` raises
StoreNeeded and the caller opens the Store as before, so those cases behave exactly as they
did. Imports only `os` and `sqlite3`.
"""

from __future__ import annotations

import os
import sqlite3

TYPE_CHECKING = False  # typing is not imported at run time (see above)
if TYPE_CHECKING:
    from typing import Any

# len(wosync.store.schema.SCHEMA_MIGRATIONS.steps): a file at another version is the Store's to
# open (migrate or refuse). A test holds the two equal.
SCHEMA_VERSION = 11
DB_FILE_NAME = "wosync.db"  # wosync.config.DB_FILE_NAME
# What busy.busy_timeout() gives inside busy.wait_at_most(busy.STATUS_LINE_WAIT) (a test holds
# them equal): the line waits this long at most for a database another process holds.
STATUS_LINE_WAIT = 0.3
BUSY_TIMEOUT_ENV = "WOSYNC_BUSY_TIMEOUT"
MAX_BUSY_TIMEOUT = 3600.0
# The columns of a run the line reads (never fallback_fields, which the Store decodes).
RUN_COLUMNS = "id, schedule_id, account, trigger_type, started_at, completed_at, status, error_kind, error_message, pid"


class StoreNeeded(Exception):
    """This database is not for the read-only reader: open the Store (it may write, or refuse)."""


def line_wait() -> float:
    """Return the seconds the line's connection waits for a busy database; StoreNeeded when
    $WOSYNC_BUSY_TIMEOUT is not a number of seconds the Store accepts (it then says why)."""
    text = os.environ.get(BUSY_TIMEOUT_ENV)
    if not text:
        return STATUS_LINE_WAIT
    try:
        seconds = float(text)
    except ValueError:
        raise StoreNeeded(BUSY_TIMEOUT_ENV) from None
    if not 0 < seconds <= MAX_BUSY_TIMEOUT:
        raise StoreNeeded(BUSY_TIMEOUT_ENV)
    return min(seconds, STATUS_LINE_WAIT)


def _uri(path: str) -> str:
    """Given a database path, return the read-only URI the Store's check uses (read_only_uri):
    `immutable=1` with no -wal or -journal beside it (nothing created, no lock), else `mode=ro`."""
    journal = any(os.path.exists(path + suffix) for suffix in ("-wal", "-journal"))
    # A URI's path: '%', '?' and '#' would be read as escapes, the query and the fragment.
    quoted = os.path.abspath(path).replace("%", "%25").replace("?", "%3f").replace("#", "%23")
    return f"file://{quoted}?{'mode=ro' if journal else 'immutable=1'}"


def _existing_database(folder: str) -> str | None:
    """Given the data folder, return its database's path, None when there is none yet (and
    the folder, or its nearest existing parent, is a folder); StoreNeeded for anything else."""
    nearest = folder
    while not os.path.exists(nearest) and nearest != os.path.dirname(nearest):
        nearest = os.path.dirname(nearest)
    if not os.path.isdir(nearest):  # a file where a folder must be: the Store's error names the fix
        raise StoreNeeded(folder)
    path = os.path.join(folder, DB_FILE_NAME)
    if not os.path.lexists(path):
        return None
    if not os.path.isfile(path):
        raise StoreNeeded(path)
    return path


def _make_private(folder: str, path: str) -> None:
    """Given the data folder and its database, give them modes 0700 and 0600 as the Store's
    opening does; StoreNeeded when that fails or the folder is not writable (the Store says so)."""
    try:
        os.chmod(folder, 0o700)
        os.chmod(path, 0o600)
    except OSError:
        raise StoreNeeded(path) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StoreNeeded(folder)


def open_reader(folder: str) -> "StatusReader":
    """Given the data folder (absolute), return a reader of its database, opened read-only and
    checked as the Store checks it (version, WAL, quick_check), or an empty one when there is
    no database yet (nothing is created). StoreNeeded when the Store must open it instead;
    sqlite3's "busy" error when another process held it past line_wait()."""
    wait = line_wait()
    path = _existing_database(folder)
    if path is None:
        return StatusReader(None)
    _make_private(folder, path)
    try:
        conn = sqlite3.connect(_uri(path), uri=True, timeout=wait, isolation_level=None)
    except sqlite3.Error as exc:
        _store_unless_busy(exc)
    try:
        conn.execute(f"PRAGMA busy_timeout = {max(1, int(wait * 1000))}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION or not _is_wal(path):
            raise StoreNeeded(path)  # to migrate, to switch to WAL, or to refuse as too new
        findings = [row[0] for row in conn.execute("PRAGMA quick_check(20)")]
        if findings != ["ok"]:
            raise StoreNeeded(path)  # the Store checks again (through a fresh -wal) and names the damage
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            _store_unless_busy(exc)
        raise
    return StatusReader(conn)


def _is_wal(path: str) -> bool:
    """Given a database file, return whether its header says WAL (file format bytes 18-19 are 2)."""
    with open(path, "rb") as handle:
        header = handle.read(20)
    return len(header) == 20 and header[18] == 2 and header[19] == 2


def _store_unless_busy(exc: sqlite3.Error) -> None:
    """Given an error met while opening, raise it again when it is SQLite's "busy" (the line
    says so), else StoreNeeded (the Store meets it again and reports it as it always has)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED (as wosync.busy.is_busy)
        raise exc
    raise StoreNeeded(str(exc)) from exc


class AccountRow:
    """An account as wosync.store.Account gives it: `username` and `base_url` (a plain class:
    a NamedTuple would import typing)."""

    __slots__ = ("username", "base_url")

    def __init__(self, username: str, base_url: str):
        self.username, self.base_url = username, base_url


class StatusReader:
    """Given an open read-only connection (None: no database yet, every read is empty), the
    reads of wosync.status.status_line and status_report, named and shaped as the Store's."""

    def __init__(self, conn: sqlite3.Connection | None):
        self.conn = conn

    def _rows(self, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
        if self.conn is None:
            return []
        cursor = self.conn.execute(sql, params)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def running_runs(self) -> list[dict[str, Any]]:
        """Return every run still marked `running` (Store.running_runs)."""
        return self._rows(f"SELECT {RUN_COLUMNS} FROM runs WHERE status = 'running' ORDER BY id")

    def find_run(self, run_id: int) -> dict[str, Any] | None:
        """Return run `run_id`, or None (Store.find_run)."""
        rows = self._rows(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
        return rows[0] if rows else None

    def latest_finished_runs(self) -> list[dict[str, Any]]:
        """Return the newest run of each account that is no longer `running`, by account."""
        return self._rows(f"SELECT {RUN_COLUMNS} FROM runs WHERE id IN (SELECT max(id) FROM runs "
                          "WHERE status != 'running' GROUP BY account) ORDER BY account")

    def latest_run(self, schedule_id: int) -> dict[str, Any] | None:
        """Return the newest run of a schedule, or None (Store.latest_run(schedule_id=...))."""
        rows = self._rows(f"SELECT {RUN_COLUMNS} FROM runs WHERE schedule_id = ? ORDER BY id DESC LIMIT 1",
                          (schedule_id,))
        return rows[0] if rows else None

    def list_accounts(self) -> list[AccountRow]:
        """Return every recorded account, by username (Store.list_accounts)."""
        return [AccountRow(r["username"], r["base_url"])
                for r in self._rows("SELECT username, base_url FROM accounts ORDER BY username")]

    def get_progress(self) -> list[dict[str, Any]]:
        """Return the stored progress rows of every account (Store.get_progress)."""
        return self._rows("SELECT * FROM progress ORDER BY account")

    def list_schedules(self, enabled_only: bool = False) -> list[dict[str, Any]]:
        """Return every schedule (or only the enabled ones), by id, `enabled` a bool."""
        rows = self._rows("SELECT * FROM schedules" + (" WHERE enabled = 1" if enabled_only else "") + " ORDER BY id")
        for row in rows:
            row["enabled"] = bool(row["enabled"])
        return rows

    def count_orders(self) -> dict[str, int]:
        """Return {"active": n, "completed": m} over every account (Store.count_orders)."""
        if self.conn is None:
            return {"active": 0, "completed": 0}
        active, completed = self.conn.execute(
            "SELECT sum(completed_at IS NULL), sum(completed_at IS NOT NULL) FROM work_orders").fetchone()
        return {"active": active or 0, "completed": completed or 0}

    def get_daemon_state(self) -> dict[str, Any] | None:
        """Return the daemon's last recorded pid, start, heartbeat and status, or None."""
        rows = self._rows("SELECT * FROM daemon WHERE id = 1")
        return rows[0] if rows else None

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()

    def __enter__(self) -> "StatusReader":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
