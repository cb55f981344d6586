"""The schema: its migrations, registered in order, and the one that merges letter-case twins.

Given a sqlite_utils Database, SCHEMA_MIGRATIONS applies the pending steps; `PRAGMA
user_version` records how many a file has (see wosync.store.connection, which checks it on
every open).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # sqlite_utils is imported only when the schema must be created or migrated
    import sqlite_utils


class _MigrationRegistry:
    """The schema's migrations, registered in order, applied with sqlite_utils' `Migrations`.

    Registering needs no import; sqlite_utils is imported only when a database must be created
    or migrated, so everyday commands (a status read) start fast. `PRAGMA user_version`
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


@SCHEMA_MIGRATIONS(name="0001_initial")
def _initial_schema(db: "sqlite_utils.Database") -> None:
    """Create the tables of docs/design.md's data section."""
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
    """Index work orders in the order listings show them (Store.list_orders' ORDER BY,
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
    """Create the dispensers read from each location's Equipment tab (docs/design.md), and per
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
    """Add the iCalendar file a schedule rewrites after each successful sync (NULL: none)."""
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


@SCHEMA_MIGRATIONS(name="0007_run_counts_and_target_ids")
def _run_counts_and_target_ids(db: "sqlite_utils.Database") -> None:
    """Count a run's reopened orders and dispenser changes by their own names, and never give a
    removed notification target's id to a new one.

    Before, a run's `updated` included its reopened orders and its dispenser changes were
    counted nowhere: both are read back from the run's change rows. notification_targets is
    rebuilt with AUTOINCREMENT, so SQLite remembers the highest id ever given (a removed
    target's id named in an old message or script never names another URL).
    """
    db.execute("ALTER TABLE runs ADD COLUMN reopened INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE runs ADD COLUMN dispensers_changed INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "UPDATE runs SET "
        "reopened = (SELECT count(*) FROM changes c WHERE c.run_id = runs.id AND c.kind = 'reopened'), "
        "dispensers_changed = (SELECT count(*) FROM changes c WHERE c.run_id = runs.id "
        "AND c.kind IN ('dispenser_added', 'dispenser_updated', 'dispenser_removed'))"
    )
    db.execute("UPDATE runs SET updated = max(coalesce(updated, 0) - reopened, 0) WHERE reopened > 0")
    db.execute(
        """CREATE TABLE notification_targets_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("INSERT INTO notification_targets_new(id, url, created_at) "
               "SELECT id, url, created_at FROM notification_targets")
    db.execute("DROP TABLE notification_targets")
    db.execute("ALTER TABLE notification_targets_new RENAME TO notification_targets")


@SCHEMA_MIGRATIONS(name="0008_notification_rules")
def _notification_rules(db: "sqlite_utils.Database") -> None:
    """Give each notification target its rules (JSON: which kinds, stores and customers, and
    when: at once or a daily digest; NULL: everything at once, as before) and, for a daily
    digest, when the last one went out and when one was last tried."""
    db.execute("ALTER TABLE notification_targets ADD COLUMN rules TEXT")
    db.execute("ALTER TABLE notification_targets ADD COLUMN last_digest_at TEXT")
    db.execute("ALTER TABLE notification_targets ADD COLUMN digest_attempt_at TEXT")


@SCHEMA_MIGRATIONS(name="0009_archived_as")
def _archived_as(db: "sqlite_utils.Database") -> None:
    """Tell an archived order completed on the site from one removed from the technician's work.

    An order leaves the active list when its visits are all done, but also when it is
    reassigned or cancelled: `archived_as` says which (completed | removed; NULL while active),
    `completed_on` the completion date the site's completed list shows (YYYY-MM-DD; NULL when
    removed or not read), and a run counts its removed orders in `removed_orders` (`removed`
    keeps counting the orders it marked completed). Orders archived before could only be
    "completed": they keep that name.
    """
    db.execute("ALTER TABLE work_orders ADD COLUMN archived_as TEXT")
    db.execute("ALTER TABLE work_orders ADD COLUMN completed_on TEXT")
    db.execute("UPDATE work_orders SET archived_as = 'completed' WHERE completed_at IS NOT NULL")
    db.execute("ALTER TABLE runs ADD COLUMN removed_orders INTEGER NOT NULL DEFAULT 0")


@SCHEMA_MIGRATIONS(name="0010_run_bytes_received")
def _run_bytes_received(db: "sqlite_utils.Database") -> None:
    """Record the bytes each run received from the site, as the browser counted them (cache
    hits count 0): a technician syncing over a phone's data plan sees what a sync costs.
    NULL for runs before this, and for runs whose browser could not count."""
    db.execute("ALTER TABLE runs ADD COLUMN bytes_received INTEGER")


@SCHEMA_MIGRATIONS(name="0011_run_fallback_fields")
def _run_fallback_fields(db: "sqlite_utils.Database") -> None:
    """Record, per run, the fields the parser found only by their text fallback on most rows
    (JSON {field: rows}): the site's markup moved under them while the data still read right,
    which `history` and `doctor --site` show before a further change loses a field. NULL for
    runs before this and for runs where every field was found by its selector."""
    db.execute("ALTER TABLE runs ADD COLUMN fallback_fields TEXT")
