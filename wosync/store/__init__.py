"""The only package that talks SQL: the schema, its migrations, queries and the sync transaction.

Given a database path, `Store` opens (or creates) the SQLite file in WAL mode with mode 0600
inside a 0700 folder, applies pending migrations, and offers one method per question or
change the rest of wosync needs. Rows come back as plain dicts (JSON-ready records) or small
dataclasses; times are UTC ISO 8601 text (see wosync.clock).

One module per job: connection (opening, health checks), schema (migrations), one per group
of tables (runs, schedules, orders, dispensers, settings), copying (backups and checks of a
copy). `Store` assembles the table classes; every name other modules use is re-exported here.
"""

from __future__ import annotations

from wosync.store.connection import StoreConnection
from wosync.store.dispensers import DispenserTables
from wosync.store.orders import OrderTables
from wosync.store.runs import RUN_KEYS, RUN_STATUSES, TRIGGERS, RunTables
from wosync.store.schedules import ScheduleTables
from wosync.store.schema import SCHEMA_MIGRATIONS
from wosync.store.settings import Account, SettingTables
from wosync.store.visits import VisitTables

__all__ = ["RUN_KEYS", "RUN_STATUSES", "SCHEMA_MIGRATIONS", "TRIGGERS", "Account", "Store"]


class Store(OrderTables, RunTables, ScheduleTables, DispenserTables, SettingTables, VisitTables, StoreConnection):
    """The wosync database. Given a path (default: config.db_path()), open it ready to use."""
