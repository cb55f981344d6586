"""The only module that talks SQL: the schema, its migrations, queries and the sync transaction.

Given a database path, `Store` opens (or creates) the SQLite file in WAL mode with mode 0600
inside a 0700 folder, applies pending migrations, and offers one method per question or
change the rest of wosync needs. Rows come back as plain dicts (JSON-ready records) or small
dataclasses; times are UTC ISO 8601 text (see wosync.clock).
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import sqlite3
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterable, Iterator, NamedTuple

from contextlib import contextmanager

if TYPE_CHECKING:  # sqlite_utils is imported only when the schema must be created or migrated
    import sqlite_utils

from wosync import config
from wosync.clock import to_iso
from wosync.errors import (
    DatabaseDamaged, DatabaseTooNew, DiskFull, StorageError, UsageError, WosyncError, is_damage, is_disk_full_in,
)
from wosync.fields import ORDER_JSON_KEYS, SCRAPED_FIELDS



class _MigrationRegistry:
    """The schema's migrations, registered in order, applied with sqlite_utils' `Migrations`.

    Registering needs no import; sqlite_utils is imported only when a database must be created
    or migrated, so everyday commands (`wosync status`) start fast. `PRAGMA user_version`
    records how many migrations a file has, which is the fast check on every open.
    """

    def __init__(self, name: str):
        self.name = name
        self.steps: list[tuple[str, Callable]] = []

    def __call__(self, *, name: str) -> Callable:
        def register(fn: Callable) -> Callable:
            self.steps.append((name, fn))
            return fn

        return register

    def migrations(self):
        """Return a sqlite_utils Migrations holding every registered step."""
        from sqlite_utils import Migrations

        migrations = Migrations(self.name)
        for name, fn in self.steps:
            migrations(name=name)(fn)
        return migrations

    def pending(self, db: "sqlite_utils.Database") -> list:
        """Return the migrations not yet applied to db."""
        return self.migrations().pending(db)

    def apply(self, db: "sqlite_utils.Database") -> None:
        """Apply the pending migrations to db and record their count in user_version."""
        self.migrations().apply(db)
        db.execute(f"PRAGMA user_version = {len(self.steps)}")


SCHEMA_MIGRATIONS = _MigrationRegistry("wosync")

RUN_STATUSES = ("running", "success", "partial", "failed", "interrupted")
TRIGGERS = ("scheduled", "manual", "retry")


@SCHEMA_MIGRATIONS(name="0001_initial")
def _initial_schema(db: "sqlite_utils.Database") -> None:
    """Create the tables of DESIGN.md's data section."""
    db.execute(
        """CREATE TABLE accounts (
            username TEXT PRIMARY KEY,
            base_url TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE schedules (
            id INTEGER PRIMARY KEY,
            account TEXT,
            schedule_type TEXT NOT NULL DEFAULT 'work_orders',
            interval_hours REAL NOT NULL,
            active_start_hour INTEGER,
            active_end_hour INTEGER,
            timezone TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            next_run TEXT,
            last_run TEXT,
            last_success TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            schedule_id INTEGER,
            account TEXT NOT NULL,
            trigger_type TEXT NOT NULL,
            started_at TEXT NOT NULL,
            completed_at TEXT,
            status TEXT NOT NULL,
            items_processed INTEGER NOT NULL DEFAULT 0,
            added INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            error_kind TEXT,
            error_message TEXT,
            duration_seconds REAL,
            pid INTEGER,
            matches INTEGER,
            notification_error TEXT
        )"""
    )
    db.execute("CREATE INDEX runs_started ON runs(started_at)")
    db.execute("CREATE INDEX runs_schedule ON runs(schedule_id, started_at)")
    db.execute(
        """CREATE TABLE progress (
            account TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            phase TEXT,
            percentage INTEGER NOT NULL DEFAULT 0,
            message TEXT,
            work_orders_found INTEGER NOT NULL DEFAULT 0,
            run_id INTEGER,
            pid INTEGER,
            started_at TEXT,
            updated_at TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE work_orders (
            account TEXT NOT NULL,
            number TEXT NOT NULL,
            work_id INTEGER,
            status TEXT, category TEXT, reason TEXT, project TEXT,
            customer TEXT, store_number TEXT, brand TEXT,
            street TEXT, intersection TEXT, city TEXT, state TEXT, zip TEXT, county TEXT,
            contact TEXT,
            items TEXT,
            visits_done INTEGER, visits_planned INTEGER,
            next_visit_date TEXT, time_window TEXT, due_date TEXT,
            instructions TEXT,
            created_by TEXT, created_at TEXT,
            url TEXT, visit_url TEXT,
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL,
            completed_at TEXT,
            PRIMARY KEY (account, number)
        )"""
    )
    db.execute("CREATE INDEX work_orders_active ON work_orders(account, completed_at)")
    db.execute(
        """CREATE TABLE changes (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            account TEXT NOT NULL,
            number TEXT NOT NULL,
            kind TEXT NOT NULL,
            fields TEXT
        )"""
    )
    db.execute("CREATE INDEX changes_run ON changes(run_id)")
    db.execute(
        """CREATE TABLE notification_targets (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE alert_state (
            account TEXT PRIMARY KEY,
            failing_since TEXT,
            last_alert_at TEXT,
            last_alert_kind TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE daemon (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            pid INTEGER,
            started_at TEXT,
            heartbeat_at TEXT,
            status TEXT
        )"""
    )


@SCHEMA_MIGRATIONS(name="0002_work_orders_listing_index")
def _listing_index(db: "sqlite_utils.Database") -> None:
    """Index work orders in the order `wosync orders` lists them (Store.list_orders' ORDER BY,
    expression for expression), so a 100,000-order listing is a walk along the index instead of
    a sort of every full row."""
    db.execute(
        "CREATE INDEX work_orders_listing ON work_orders"
        "(completed_at IS NOT NULL, next_visit_date IS NULL, next_visit_date, number)"
    )


@SCHEMA_MIGRATIONS(name="0003_location_id_and_completeness")
def _location_id_and_completeness(db: "sqlite_utils.Database") -> None:
    """Add each order's location id (the id in its /app/customers/locations/<id>/ link), how a
    run's read was judged complete ("count" | "pager" | NULL when it was not), and the error of
    a run's equipment reading (which never fails the run itself)."""
    db.execute("ALTER TABLE work_orders ADD COLUMN location_id INTEGER")
    db.execute("ALTER TABLE runs ADD COLUMN completeness TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN equipment_error TEXT")


@SCHEMA_MIGRATIONS(name="0004_dispensers")
def _dispensers(db: "sqlite_utils.Database") -> None:
    """Create the dispensers read from each location's Equipment tab (DESIGN.md), and per
    location when its Equipment tab was last read."""
    db.execute(
        """CREATE TABLE dispensers (
            id INTEGER PRIMARY KEY,
            account TEXT NOT NULL,
            location_id INTEGER NOT NULL,
            position TEXT NOT NULL,
            grades TEXT NOT NULL DEFAULT '[]',
            make TEXT,
            model TEXT,
            serial TEXT,
            fields TEXT NOT NULL DEFAULT '{}',
            first_seen_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX dispensers_location ON dispensers(account, location_id)")
    db.execute(
        """CREATE TABLE locations (
            account TEXT NOT NULL,
            location_id INTEGER NOT NULL,
            equipment_checked_at TEXT,
            PRIMARY KEY (account, location_id)
        )"""
    )


@SCHEMA_MIGRATIONS(name="0005_schedule_calendar")
def _schedule_calendar(db: "sqlite_utils.Database") -> None:
    """Add the iCalendar file a schedule rewrites after each successful sync (NULL: none;
    `wosync schedule create/update --calendar FILE`)."""
    db.execute("ALTER TABLE schedules ADD COLUMN calendar_path TEXT")


@SCHEMA_MIGRATIONS(name="0006_lowercase_usernames")
def _lowercase_usernames(db: "sqlite_utils.Database") -> None:
    """Store every username lower-case, merging the accounts that differed only in letter case.

    A WorkFossa login is an e-mail address, which compares case-insensitively; before this
    migration `TECH@EXAMPLE.COM` and `tech@example.com` were two accounts with two copies of
    every order. Their orders, runs, changes, schedules, dispensers and alert state now belong
    to the lower-case account; where both copies of one order (location, dispenser) exist, the
    one seen last is kept, with the earlier first_seen_at.
    """
    conn = db.conn
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_%' ESCAPE '\\'")]
    columns = {table: {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')} for table in tables}
    names: set[str] = set()
    for table in tables:
        column = "username" if table == "accounts" else "account"
        if column in columns[table]:
            names.update(row[0] for row in conn.execute(
                f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'))
    # Python's lower(), as wosync.accounts uses for new input (SQLite's lower() is ASCII only).
    for old in sorted(name for name in names if name != name.lower()):
        _merge_account(conn, old, old.lower(), [t for t in tables if "account" in columns[t]])


def _merge_account(conn: sqlite3.Connection, old: str, new: str, tables: list[str]) -> None:
    """Given a username and its lower-case form, move every row of `old` to `new` (see 0006)."""

    def newest_run(name: str) -> str:
        return conn.execute("SELECT coalesce(max(started_at), '') FROM runs WHERE account = ?", (name,)).fetchone()[0]

    if conn.execute("SELECT 1 FROM accounts WHERE username = ?", (new,)).fetchone() is None:
        conn.execute("UPDATE accounts SET username = ? WHERE username = ?", (new, old))
    else:
        if newest_run(old) > newest_run(new):  # the site the account used most recently wins
            conn.execute("UPDATE accounts SET base_url = (SELECT base_url FROM accounts WHERE username = ?) "
                         "WHERE username = ?", (old, new))
        conn.execute("DELETE FROM accounts WHERE username = ?", (old,))
    # Tables with one row per account and key: where both accounts have one, the later stays.
    keyed = {
        "work_orders": (("number",), "last_seen_at"),
        "locations": (("location_id",), "equipment_checked_at"),
        "dispensers": (("location_id", "position"), "last_seen_at"),
        "alert_state": ((), "last_alert_at"),
        "progress": ((), "updated_at"),
    }
    for table in tables:
        if table not in keyed:
            # runs, changes, schedules (and the tables of later migrations): nothing to collide on.
            conn.execute(f'UPDATE OR REPLACE "{table}" SET account = ? WHERE account = ?', (new, old))
            continue
        key, stamp = keyed[table]
        match = " AND ".join(["n.account = ?"] + [f"n.{k} = o.{k}" for k in key])
        pairs = conn.execute(
            f"SELECT o.rowid, n.rowid, coalesce(o.{stamp}, '') > coalesce(n.{stamp}, '') "
            f'FROM "{table}" o JOIN "{table}" n ON {match} WHERE o.account = ?', (new, old),
        ).fetchall()
        keeps_first_seen = "first_seen_at" in {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        for old_rowid, new_rowid, old_is_later in pairs:
            loser, winner = (new_rowid, old_rowid) if old_is_later else (old_rowid, new_rowid)
            if keeps_first_seen:
                conn.execute(
                    f'UPDATE "{table}" SET first_seen_at = min(first_seen_at, '
                    f'(SELECT first_seen_at FROM "{table}" WHERE rowid = ?)) WHERE rowid = ?', (loser, winner))
            conn.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (loser,))
        conn.execute(f'UPDATE "{table}" SET account = ? WHERE account = ?', (new, old))



# Keys of one run record (`history --json`, `sync-now --json`), in print order.
RUN_KEYS = (
    "id", "schedule_id", "account", "trigger_type", "started_at", "completed_at", "status",
    "items_processed", "added", "updated", "removed", "error_kind", "error_message",
    "duration_seconds", "pid", "completeness", "equipment_error",
)


class Account(NamedTuple):
    """A WorkFossa account: the email it logs in with and the site it belongs to.

    A NamedTuple rather than a dataclass: `dataclasses` pulls in `inspect`, about a third of
    the start-up of `wosync status --line`, which a status bar runs every few seconds.
    """

    username: str
    base_url: str


def _create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist, so SQLite never makes it 0644."""
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    os.chmod(path, 0o600)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk step builds many objects.

    Building 100,000 records (a dict each, plus their items) makes the collector walk the
    whole heap over and over; those records hold no reference cycles, so nothing is lost by
    collecting once afterwards instead. The collector is resumed only if it was running.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode_orders(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Given an executed `SELECT {_ORDER_COLUMNS} FROM work_orders ...` cursor, return its contract records.

    Made in bulk for the 100,000-order case: every row's
    items JSON is parsed in ONE json.loads of "[a,b,...]" (a per-row call costs more in Python
    overhead than in parsing).
    """
    columns = [d[0] for d in cursor.description]
    with _gc_paused():
        records = [dict(zip(columns, row)) for row in cursor]  # row by row: no second copy of every row
        # Items keep their place among the keys: the text is replaced in place below.
        texts = [record["items"] or "[]" for record in records]
        items = json.loads("[" + ",".join(texts) + "]") if texts else []
        if len(items) != len(records):  # a malformed stored text: parse one by one, as before
            items = [json.loads(text) for text in texts]
        for record, record_items in zip(records, items):
            record["items"] = record_items
    return records


# Encodes items exactly as json.dumps(..., ensure_ascii=False, separators=(",", ":")) does,
# without building a new encoder for every order.
_ITEMS_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_scraped_values = itemgetter(*SCRAPED_FIELDS)
_ITEMS_AT = SCRAPED_FIELDS.index("items")


def _encoded_values(order: dict[str, Any]) -> list[Any]:
    """Given a scraped order, return its SCRAPED_FIELDS values in order, items as JSON text
    (a missing field is None)."""
    try:
        values = list(_scraped_values(order))
    except KeyError:
        values = [order.get(field) for field in SCRAPED_FIELDS]
    values[_ITEMS_AT] = _ITEMS_JSON.encode(values[_ITEMS_AT] or [])
    return values


# The columns of one contract record, in `orders --json` order (never `account`).
_ORDER_COLUMNS = ", ".join(ORDER_JSON_KEYS)
# The order `wosync orders` lists in; the 0002 index has exactly these expressions.
_LISTING_ORDER = "ORDER BY completed_at IS NOT NULL, next_visit_date IS NULL, next_visit_date, number"


def _order_filter(include_completed: bool, account: str | None) -> tuple[str, tuple[Any, ...]]:
    """Return the WHERE clause (or "") and its parameters that pick the orders a listing shows."""
    clauses, params = [], []
    if not include_completed:
        clauses.append("completed_at IS NULL")
    if account is not None:
        clauses.append("account = ?")
        params.append(account)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


def _upsert_order_sql() -> str:
    """Return the INSERT ... ON CONFLICT statement that stores one scraped order.

    Parameters: account, the SCRAPED_FIELDS values (items as JSON text), then the time stamp
    twice (first and last seen); an order seen again is active again (completed_at NULL).
    """
    columns = ", ".join(SCRAPED_FIELDS)
    updates = ", ".join(f"{field} = excluded.{field}" for field in SCRAPED_FIELDS if field != "number")
    return (
        f"INSERT INTO work_orders(account, {columns}, first_seen_at, last_seen_at, completed_at) "
        f"VALUES (?, {', '.join('?' * len(SCRAPED_FIELDS))}, ?, ?, NULL) "
        f"ON CONFLICT(account, number) DO UPDATE SET {updates}, last_seen_at = excluded.last_seen_at, "
        "completed_at = NULL"
    )


def _order_json_sql() -> str:
    """Return the SQL expression that builds one `orders --json` object, keys in contract order."""
    return "json_object(" + ", ".join(
        f"'{key}', {'json(items)' if key == 'items' else key}" for key in ORDER_JSON_KEYS
    ) + ")"


_UPSERT_ORDER_SQL = _upsert_order_sql()
_ORDER_JSON_SQL = _order_json_sql()


class Store:
    """The wosync database. Given a path (default: config.db_path()), open it ready to use."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else config.db_path()
        config.ensure_private_dir(self.path.parent)
        self._conn: sqlite3.Connection | None = None
        self._db = None
        try:
            _create_private_file(self.path)
            conn = self._conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None,
                                                check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
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

    def __enter__(self) -> "Store":
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
        """Return SQLite's quick_check verdict: "ok", else its first finding (and how many more).

        quick_check reads every page (so a damaged page anywhere is found) but skips the
        index-to-table cross-checks of integrity_check, which makes it several times faster.
        A file so damaged that the check itself fails gives that error's text.
        """
        try:
            findings = [row[0] for row in self.conn.execute("PRAGMA quick_check(20)")]
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

    # ----------------------------------------------------------------- accounts

    def ensure_account(self, username: str, base_url: str, now: datetime) -> Account:
        """Given a username and base URL, record the account (updating its URL); return it.

        Usernames are e-mail addresses, compared case-insensitively: stored lower-case.
        """
        username = username.lower()
        self.conn.execute(
            "INSERT INTO accounts(username, base_url, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT(username) DO UPDATE SET base_url = excluded.base_url",
            (username, base_url, to_iso(now)),
        )
        return Account(username, base_url)

    def list_accounts(self) -> list[Account]:
        """Return every recorded account, by username."""
        return [Account(r["username"], r["base_url"]) for r in self._rows("SELECT * FROM accounts ORDER BY username")]

    def find_account(self, username: str) -> Account | None:
        """Return the account with this username (in any letter case), or None."""
        row = self._row("SELECT * FROM accounts WHERE username = ?", (username.lower(),))
        return Account(row["username"], row["base_url"]) if row else None

    def remove_account(self, username: str) -> None:
        """Forget an account's schedules and the account itself (its history and orders stay)."""
        with self.transaction():
            self.conn.execute("DELETE FROM schedules WHERE account = ?", (username,))
            self.conn.execute("DELETE FROM progress WHERE account = ?", (username,))
            self.conn.execute("DELETE FROM accounts WHERE username = ?", (username,))

    # ---------------------------------------------------------------- schedules

    def create_schedule(
        self,
        account: str | None,
        interval_hours: float,
        active_start_hour: int | None,
        active_end_hour: int | None,
        timezone: str,
        enabled: bool,
        next_run: datetime | None,
        now: datetime,
    ) -> dict[str, Any]:
        """Given a validated schedule, insert it; return the stored row."""
        stamp = to_iso(now)
        cursor = self.conn.execute(
            "INSERT INTO schedules(account, interval_hours, active_start_hour, active_end_hour, timezone, "
            "enabled, next_run, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account, interval_hours, active_start_hour, active_end_hour, timezone, int(enabled),
             to_iso(next_run), stamp, stamp),
        )
        return self.get_schedule(cursor.lastrowid)

    def get_schedule(self, schedule_id: int) -> dict[str, Any]:
        """Return schedule `schedule_id`; UsageError naming `wosync schedule list` when unknown."""
        row = self._row("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        if row is None:
            raise UsageError(f"no schedule {schedule_id}; see `wosync schedule list`")
        row["enabled"] = bool(row["enabled"])
        return row

    def list_schedules(self, enabled_only: bool = False) -> list[dict[str, Any]]:
        """Return every schedule (or only the enabled ones), by id."""
        sql = "SELECT * FROM schedules" + (" WHERE enabled = 1" if enabled_only else "") + " ORDER BY id"
        rows = self._rows(sql)
        for row in rows:
            row["enabled"] = bool(row["enabled"])
        return rows

    def update_schedule(self, schedule_id: int, now: datetime, **fields: Any) -> dict[str, Any]:
        """Given a schedule id and column values (datetimes allowed), update it; return the row."""
        self.get_schedule(schedule_id)
        if fields:
            values = {k: (to_iso(v) if isinstance(v, datetime) else v) for k, v in fields.items()}
            values["updated_at"] = to_iso(now)
            assignments = ", ".join(f"{name} = ?" for name in values)
            self.conn.execute(
                f"UPDATE schedules SET {assignments} WHERE id = ?", (*values.values(), schedule_id)
            )
        return self.get_schedule(schedule_id)

    def delete_schedule(self, schedule_id: int) -> None:
        """Delete schedule `schedule_id` (its runs stay in the history)."""
        self.get_schedule(schedule_id)
        self.conn.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))

    def schedules_fingerprint(self) -> str:
        """Return a short text that changes whenever any schedule row changes (for reloads)."""
        row = self.conn.execute(
            "SELECT count(*), coalesce(max(updated_at), ''), coalesce(sum(id * (enabled + 1)), 0), "
            "coalesce(group_concat(id || ':' || enabled || ':' || coalesce(next_run, ''), ','), '') FROM schedules"
        ).fetchone()
        return "|".join(str(v) for v in row)

    # --------------------------------------------------------------------- runs

    def start_run(
        self, account: str, trigger_type: str, schedule_id: int | None, pid: int, now: datetime
    ) -> int:
        """Insert a `running` run row; return its id."""
        cursor = self.conn.execute(
            "INSERT INTO runs(schedule_id, account, trigger_type, started_at, status, pid) "
            "VALUES (?, ?, ?, ?, 'running', ?)",
            (schedule_id, account, trigger_type, to_iso(now), pid),
        )
        return int(cursor.lastrowid)

    def get_run(self, run_id: int) -> dict[str, Any]:
        """Return run `run_id` as a run record; UsageError naming `wosync history` when unknown."""
        row = self._row("SELECT * FROM runs WHERE id = ?", (run_id,))
        if row is None:
            raise UsageError(f"no run {run_id}; see `wosync history`")
        return row

    def finish_run(self, run_id: int, now: datetime, **fields: Any) -> dict[str, Any]:
        """Given a run id and final values (status, counts, error), record them; return the run."""
        run = self.get_run(run_id)
        started = run["started_at"]
        from wosync.clock import from_iso

        fields["completed_at"] = to_iso(now)
        fields["duration_seconds"] = round((now - from_iso(started)).total_seconds(), 3)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.conn.execute(f"UPDATE runs SET {assignments} WHERE id = ?", (*fields.values(), run_id))
        return self.get_run(run_id)

    def list_runs(
        self, limit: int | None = None, failed_only: bool = False, since: datetime | None = None,
        schedule_id: int | None = None, account: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return runs, newest first, filtered by failure, start time, schedule and account."""
        clauses, params = [], []
        if account is not None:
            clauses.append("account = ?")
            params.append(account)
        if failed_only:
            clauses.append("status IN ('failed', 'partial', 'interrupted')")
        if since is not None:
            clauses.append("started_at >= ?")
            params.append(to_iso(since))
        if schedule_id is not None:
            clauses.append("schedule_id = ?")
            params.append(schedule_id)
        sql = "SELECT * FROM runs"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._rows(sql, params)

    def latest_run(self, schedule_id: int | None = None, account: str | None = None) -> dict[str, Any] | None:
        """Return the newest run of a schedule (or account), or None."""
        if schedule_id is not None:
            return self._row("SELECT * FROM runs WHERE schedule_id = ? ORDER BY id DESC LIMIT 1", (schedule_id,))
        if account is not None:
            return self._row("SELECT * FROM runs WHERE account = ? ORDER BY id DESC LIMIT 1", (account,))
        return self._row("SELECT * FROM runs ORDER BY id DESC LIMIT 1")

    def find_run(self, run_id: int) -> dict[str, Any] | None:
        """Return run `run_id`, or None when there is none (get_run raises instead)."""
        return self._row("SELECT * FROM runs WHERE id = ?", (run_id,))

    def latest_finished_runs(self) -> list[dict[str, Any]]:
        """Return the newest run of each account that is no longer `running`, by account."""
        return self._rows(
            "SELECT * FROM runs WHERE id IN (SELECT max(id) FROM runs WHERE status != 'running' "
            "GROUP BY account) ORDER BY account"
        )

    def running_runs(self) -> list[dict[str, Any]]:
        """Return every run still marked `running`."""
        return self._rows("SELECT * FROM runs WHERE status = 'running' ORDER BY id")

    def set_run_notification_error(self, run_id: int, message: str | None) -> None:
        """Record why a run's notification could not be delivered (None clears it)."""
        self.conn.execute("UPDATE runs SET notification_error = ? WHERE id = ?", (message, run_id))

    # ----------------------------------------------------------------- progress

    def set_progress(self, account: str, record: dict[str, Any]) -> None:
        """Given an account and a progress record (see wosync.progress), store it as its live state."""
        columns = ("status", "phase", "percentage", "message", "work_orders_found", "run_id", "pid",
                   "started_at", "updated_at")
        values = [record.get(c) for c in columns]
        self.conn.execute(
            f"INSERT INTO progress(account, {', '.join(columns)}) VALUES (?, {', '.join('?' * len(columns))}) "
            f"ON CONFLICT(account) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns)}",
            (account, *values),
        )

    def get_progress(self, account: str | None = None) -> list[dict[str, Any]]:
        """Return the stored progress rows (of one account, or all)."""
        if account is not None:
            return self._rows("SELECT * FROM progress WHERE account = ?", (account,))
        return self._rows("SELECT * FROM progress ORDER BY account")

    def clear_progress(self, account: str) -> None:
        """Forget an account's live state (it then reads as idle)."""
        self.conn.execute("DELETE FROM progress WHERE account = ?", (account,))

    # -------------------------------------------------------------- work orders

    def load_orders(self, account: str, include_completed: bool = True) -> dict[str, dict[str, Any]]:
        """Return an account's stored orders as {number: record}."""
        sql = f"SELECT {_ORDER_COLUMNS} FROM work_orders WHERE account = ?"
        if not include_completed:
            sql += " AND completed_at IS NULL"
        return {record["number"]: record for record in _decode_orders(self.conn.execute(sql, (account,)))}

    def list_orders(self, include_completed: bool = False, account: str | None = None) -> list[dict[str, Any]]:
        """Return stored orders (active ones unless include_completed), by next visit then number."""
        where, params = _order_filter(include_completed, account)
        return _decode_orders(self.conn.execute(f"SELECT {_ORDER_COLUMNS} FROM work_orders{where} {_LISTING_ORDER}", params))

    def write_orders_json(self, out: BinaryIO, include_completed: bool = False, account: str | None = None) -> int:
        """Write the `orders --json` list (in list_orders' order) to a binary stream; return its length.

        SQLite builds each object (json_object, keys in contract order) and hands it over as
        bytes, so 100,000 orders (about 100 MB of JSON) are never built or encoded in Python.
        """
        where, params = _order_filter(include_completed, account)
        sql = f"SELECT {_ORDER_JSON_SQL} FROM work_orders{where} {_LISTING_ORDER}"
        count = 0
        self.conn.text_factory = bytes
        try:
            cursor = self.conn.execute(sql, params)
            out.write(b"[")
            while rows := cursor.fetchmany(2000):
                out.write((b"," if count else b"") + b"\n  " + b",\n  ".join(row[0] for row in rows))
                count += len(rows)
        finally:
            self.conn.text_factory = str
        out.write(b"\n]\n" if count else b"]\n")
        return count

    def find_orders(self, number: str) -> list[dict[str, Any]]:
        """Return the stored orders with this number (one per account that has it)."""
        return _decode_orders(self.conn.execute(f"SELECT {_ORDER_COLUMNS} FROM work_orders WHERE number = ?", (number,)))

    def count_orders(self, account: str | None = None) -> dict[str, int]:
        """Return {"active": n, "completed": m} over one account or all."""
        sql = "SELECT sum(completed_at IS NULL), sum(completed_at IS NOT NULL) FROM work_orders"
        params: tuple[Any, ...] = ()
        if account is not None:
            sql += " WHERE account = ?"
            params = (account,)
        active, completed = self.conn.execute(sql, params).fetchone()
        return {"active": active or 0, "completed": completed or 0}

    def list_changes(self, run_id: int | None = None, account: str | None = None) -> list[dict[str, Any]]:
        """Return the changes of one run (or of the newest run that has any, of one account or
        any), with decoded fields."""
        if run_id is None:
            row = self.conn.execute(
                "SELECT max(run_id) FROM changes" + (" WHERE account = ?" if account else ""),
                (account,) if account else (),
            ).fetchone()
            run_id = row[0]
            if run_id is None:
                return []
        else:
            self.get_run(run_id)
        rows = self._rows(
            "SELECT c.run_id, c.account, c.number, c.kind, c.fields, w.customer, w.store_number, "
            "w.next_visit_date FROM changes c LEFT JOIN work_orders w "
            "ON w.account = c.account AND w.number = c.number WHERE c.run_id = ? ORDER BY c.id",
            (run_id,),
        )
        for row in rows:
            row["fields"] = json.loads(row["fields"]) if row["fields"] else {}
        self._describe_location_changes(rows)
        return rows

    def apply_sync(
        self,
        run_id: int,
        account: str,
        scraped: list[dict[str, Any]],
        new_numbers: list[str],
        updated: dict[str, dict[str, list[Any]]],
        reopened: dict[str, dict[str, list[Any]]],
        to_complete: list[str],
        now: datetime,
        run_fields: dict[str, Any],
        schedule_id: int | None,
        schedule_fields: dict[str, Any],
        refreshed: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Store one sync's result in ONE transaction; return the finished run record.

        Given the scraped orders, the numbers that are new, the field diffs of updated and
        reopened orders ({number: {field: [old, new]}}), the numbers to mark completed, the
        run's final values and the schedule's counters: upsert the orders, record `changes`,
        mark completed ones, finish the run row and update the schedule. `refreshed` orders
        are stored again without a change record (a backfilled field filled in). A crash
        before the commit leaves the previous state untouched.
        """
        stamp = to_iso(now)
        with _gc_paused(), self.transaction():
            changed = set(new_numbers) | set(updated) | set(reopened) | set(refreshed)
            if changed:
                self.conn.executemany(_UPSERT_ORDER_SQL, [
                    (account, *_encoded_values(o), stamp, stamp) for o in scraped if o["number"] in changed
                ])
            if to_complete:
                self.conn.executemany(
                    "UPDATE work_orders SET completed_at = ? WHERE account = ? AND number = ?",
                    [(stamp, account, number) for number in to_complete],
                )
            # Every order seen in this scrape was seen now; unchanged ones only need this stamp.
            # One statement over a JSON list of their numbers, not one statement per order:
            # on a 100,000-order store nearly every order is unchanged.
            unchanged = [o["number"] for o in scraped if o["number"] not in changed]
            if unchanged:
                self.conn.execute(
                    "UPDATE work_orders SET last_seen_at = ? WHERE account = ? "
                    "AND number IN (SELECT value FROM json_each(?))",
                    (stamp, account, json.dumps(unchanged, ensure_ascii=False)),
                )
            change_rows = [(run_id, account, n, "new", None) for n in new_numbers]
            change_rows += [(run_id, account, n, "updated", json.dumps(f, ensure_ascii=False)) for n, f in updated.items()]
            change_rows += [(run_id, account, n, "reopened", json.dumps(f, ensure_ascii=False)) for n, f in reopened.items()]
            change_rows += [(run_id, account, n, "completed", None) for n in to_complete]
            self.conn.executemany(
                "INSERT INTO changes(run_id, account, number, kind, fields) VALUES (?, ?, ?, ?, ?)", change_rows
            )
            run = self.finish_run(run_id, now, **run_fields)
            if schedule_id is not None and schedule_fields:
                self.update_schedule(schedule_id, now, **schedule_fields)
        return run

    def purge_completed(self, account: str, before: datetime) -> int:
        """Delete an account's orders completed before `before`; return how many."""
        cursor = self.conn.execute(
            "DELETE FROM work_orders WHERE account = ? AND completed_at IS NOT NULL AND completed_at < ?",
            (account, to_iso(before)),
        )
        return cursor.rowcount

    # ------------------------------------------------- dispensers and locations (issue 10)
    # Read from each location's Equipment tab (wosync.equipment). A location's change rows
    # carry the location key "L-<location_id>" as their number (see wosync.equipment).

    def equipment_due(self, account: str, checked_before: datetime) -> list[int]:
        """Given an account and a moment, return the location ids of its active orders whose
        Equipment tab was never read or last read before that moment: never-read ones first,
        then the longest unread, then by id."""
        rows = self.conn.execute(
            "SELECT w.location_id FROM (SELECT DISTINCT location_id FROM work_orders "
            "WHERE account = ? AND completed_at IS NULL AND location_id IS NOT NULL) w "
            "LEFT JOIN locations l ON l.account = ? AND l.location_id = w.location_id "
            "WHERE l.equipment_checked_at IS NULL OR l.equipment_checked_at < ? "
            "ORDER BY l.equipment_checked_at IS NOT NULL, l.equipment_checked_at, w.location_id",
            (account, account, to_iso(checked_before)),
        ).fetchall()
        return [row[0] for row in rows]

    def load_dispensers(self, account: str, location_id: int) -> list[dict[str, Any]]:
        """Given an account and a location id, return its stored dispensers in the site's order."""
        return self.list_dispensers(account, [location_id]).get((account, location_id), [])

    def list_dispensers(self, account: str | None = None,
                        location_ids: Iterable[int] | None = None) -> dict[tuple[str, int], list[dict[str, Any]]]:
        """Return {(account, location_id): [dispenser, ...]} (in the site's order) of one account
        or all, of the given locations or all; each dispenser in the `dispensers` shape of
        DESIGN.md (position, grades, make, model, serial, fields, first_seen_at, last_seen_at)."""
        clauses, params = [], []
        if account is not None:
            clauses.append("account = ?")
            params.append(account)
        if location_ids is not None:
            clauses.append("location_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(set(location_ids))))
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        found: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for row in self._rows(f"SELECT * FROM dispensers{where} ORDER BY account, location_id, id", params):
            found.setdefault((row["account"], row["location_id"]), []).append({
                "position": row["position"], "grades": json.loads(row["grades"]), "make": row["make"],
                "model": row["model"], "serial": row["serial"], "fields": json.loads(row["fields"]),
                "first_seen_at": row["first_seen_at"], "last_seen_at": row["last_seen_at"],
            })
        return found

    def save_equipment(self, run_id: int, account: str, location_id: int, dispensers: list[dict[str, Any]],
                       changes: list[tuple[str, str, dict[str, list[Any]]]], now: datetime) -> None:
        """Store one location's Equipment tab as read now, in ONE transaction.

        Given the run, the account, the location id, the dispensers read (the parsed shape, in
        the site's order) and the change rows to record ((number, kind, fields) each): the
        location's dispensers become exactly those read (one read again at a position it
        had keeps its first_seen_at), the changes are recorded on the run, and the location's
        equipment_checked_at becomes now.
        """
        stamp = to_iso(now)
        with self.transaction():
            first_seen = dict(self.conn.execute(
                "SELECT position, min(first_seen_at) FROM dispensers WHERE account = ? AND location_id = ? "
                "GROUP BY position", (account, location_id)).fetchall())
            self.conn.execute("DELETE FROM dispensers WHERE account = ? AND location_id = ?", (account, location_id))
            self.conn.executemany(
                "INSERT INTO dispensers(account, location_id, position, grades, make, model, serial, fields, "
                "first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(account, location_id, d["position"], json.dumps(d.get("grades") or [], ensure_ascii=False),
                  d.get("make"), d.get("model"), d.get("serial"),
                  json.dumps(d.get("fields") or {}, ensure_ascii=False),
                  first_seen.get(d["position"], stamp), stamp) for d in dispensers],
            )
            self.conn.executemany(
                "INSERT INTO changes(run_id, account, number, kind, fields) VALUES (?, ?, ?, ?, ?)",
                [(run_id, account, number, kind, json.dumps(fields, ensure_ascii=False))
                 for number, kind, fields in changes],
            )
            self.conn.execute(
                "INSERT INTO locations(account, location_id, equipment_checked_at) VALUES (?, ?, ?) "
                "ON CONFLICT(account, location_id) DO UPDATE SET equipment_checked_at = excluded.equipment_checked_at",
                (account, location_id, stamp),
            )

    def _describe_location_changes(self, rows: list[dict[str, Any]]) -> None:
        """Given change rows, give those of a location (number "L-<location_id>", see
        wosync.equipment) the customer, store number and next visit of an order there."""
        keyed = [r for r in rows if r["kind"].startswith("dispenser_") and r["number"].startswith("L-")
                 and r["number"][2:].isdigit()]
        for account in {r["account"] for r in keyed}:
            ids = {int(r["number"][2:]) for r in keyed if r["account"] == account}
            orders = {}
            for order in self._rows(
                "SELECT location_id, customer, store_number, next_visit_date FROM work_orders WHERE account = ? "
                "AND location_id IN (SELECT value FROM json_each(?)) ORDER BY completed_at IS NOT NULL DESC, number DESC",
                (account, json.dumps(sorted(ids))),
            ):
                orders[order["location_id"]] = order  # the last written wins: an active one, lowest number
            for row in keyed:
                order = orders.get(int(row["number"][2:])) if row["account"] == account else None
                if order:
                    row.update(customer=order["customer"], store_number=order["store_number"],
                               next_visit_date=order["next_visit_date"])

    def set_run_equipment_error(self, run_id: int, message: str | None) -> dict[str, Any]:
        """Record why a run's equipment reading fell short (None clears it); return the run."""
        self.conn.execute("UPDATE runs SET equipment_error = ? WHERE id = ?", (message, run_id))
        return self.get_run(run_id)

    def list_locations(self, account: str | None = None, location_ids: Iterable[int] | None = None,
                       include_completed: bool = False) -> list[dict[str, Any]]:
        """Return the locations of stored orders (active ones unless include_completed), or the
        given locations whatever their orders, by account and id: account, location_id,
        equipment_checked_at (None: never read), orders (their numbers) and the customer,
        store_number, street and city of the first of them (all None for a location of no
        stored order)."""
        clauses, params = ["w.location_id IS NOT NULL"], []
        if account is not None:
            clauses.append("w.account = ?")
            params.append(account)
        if location_ids is not None:
            ids = json.dumps(sorted(set(location_ids)))
            clauses.append("w.location_id IN (SELECT value FROM json_each(?))")
            params.append(ids)
        elif not include_completed:
            clauses.append("w.completed_at IS NULL")
        where = " AND ".join(clauses)
        located: dict[tuple[str, int], dict[str, Any]] = {}
        for row in self._rows(
            "SELECT w.account, w.location_id, w.number, w.customer, w.store_number, w.street, w.city, "
            f"l.equipment_checked_at FROM work_orders w LEFT JOIN locations l ON l.account = w.account "
            f"AND l.location_id = w.location_id WHERE {where} "
            "ORDER BY w.account, w.location_id, w.completed_at IS NOT NULL, w.number", params,
        ):
            key = (row["account"], row["location_id"])
            if key not in located:
                located[key] = {**{k: row[k] for k in ("account", "location_id", "equipment_checked_at", "customer",
                                                       "store_number", "street", "city")}, "orders": []}
            located[key]["orders"].append(row["number"])
        if location_ids is not None:
            # A location read once but with no stored order left (purged) is still listed.
            extra_where = ["location_id IN (SELECT value FROM json_each(?))"]
            extra_params: list[Any] = [ids]
            if account is not None:
                extra_where.append("account = ?")
                extra_params.append(account)
            for row in self._rows(f"SELECT * FROM locations WHERE {' AND '.join(extra_where)}", extra_params):
                located.setdefault((row["account"], row["location_id"]), {
                    "account": row["account"], "location_id": row["location_id"],
                    "equipment_checked_at": row["equipment_checked_at"], "customer": None,
                    "store_number": None, "street": None, "city": None, "orders": []})
        return [located[key] for key in sorted(located)]

    def dispenser_counts(self, account: str | None = None) -> dict[tuple[str, int], int]:
        """Return {(account, location_id): number of dispensers} for every location whose
        Equipment tab was read (0 when it has none); a location never read is absent."""
        sql = ("SELECT l.account, l.location_id, count(d.id) FROM locations l LEFT JOIN dispensers d "
               "ON d.account = l.account AND d.location_id = l.location_id "
               "WHERE l.equipment_checked_at IS NOT NULL")
        params: tuple[Any, ...] = ()
        if account is not None:
            sql += " AND l.account = ?"
            params = (account,)
        sql += " GROUP BY l.account, l.location_id"
        return {(a, lid): n for a, lid, n in self.conn.execute(sql, params).fetchall()}

    # ------------------------------------------------------------ notifications

    def add_notification_target(self, url: str, now: datetime) -> int:
        """Store a notification URL; return its id."""
        cursor = self.conn.execute(
            "INSERT INTO notification_targets(url, created_at) VALUES (?, ?)", (url, to_iso(now))
        )
        return int(cursor.lastrowid)

    def list_notification_targets(self) -> list[dict[str, Any]]:
        """Return every notification target (id, url, created_at), by id."""
        return self._rows("SELECT * FROM notification_targets ORDER BY id")

    def remove_notification_target(self, target_id: int) -> None:
        """Delete notification target `target_id`; UsageError when unknown."""
        cursor = self.conn.execute("DELETE FROM notification_targets WHERE id = ?", (target_id,))
        if cursor.rowcount == 0:
            raise UsageError(f"no notification target {target_id}; see `wosync notify list`")

    def get_alert_state(self, account: str) -> dict[str, Any]:
        """Return an account's failure-alert state (all None when it never failed)."""
        row = self._row("SELECT * FROM alert_state WHERE account = ?", (account,))
        return row or {"account": account, "failing_since": None, "last_alert_at": None, "last_alert_kind": None}

    def set_alert_state(self, account: str, **fields: Any) -> None:
        """Update an account's failure-alert state (datetimes allowed)."""
        state = self.get_alert_state(account)
        state.update({k: (to_iso(v) if isinstance(v, datetime) else v) for k, v in fields.items()})
        self.conn.execute(
            "INSERT OR REPLACE INTO alert_state(account, failing_since, last_alert_at, last_alert_kind) "
            "VALUES (?, ?, ?, ?)",
            (account, state["failing_since"], state["last_alert_at"], state["last_alert_kind"]),
        )

    # ------------------------------------------------------------------- daemon

    def set_daemon_state(self, pid: int | None, status: str, now: datetime, started_at: datetime | None = None) -> None:
        """Record the daemon's pid, status line and heartbeat."""
        current = self._row("SELECT * FROM daemon WHERE id = 1") or {}
        self.conn.execute(
            "INSERT OR REPLACE INTO daemon(id, pid, started_at, heartbeat_at, status) VALUES (1, ?, ?, ?, ?)",
            (pid, to_iso(started_at) if started_at else current.get("started_at"), to_iso(now), status),
        )

    def get_daemon_state(self) -> dict[str, Any] | None:
        """Return the daemon's last recorded pid, start, heartbeat and status, or None."""
        return self._row("SELECT * FROM daemon WHERE id = 1")
