"""Counts by their own names: a sync's reopened orders and dispenser changes are named in its
summary line ("10 work orders: 0 new, 1 updated, 3 reopened, 0 completed in 0.0 s"), in the
digest's title and in `history`, never folded into "updated" or left out.

The syncs are the real run_sync with a stand-in for the scraper (the orders it "read"); the
dispenser changes are stored as the Equipment step stores them.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wosync import notify
from wosync.accounts import Account
from wosync.store import SCHEMA_MIGRATIONS, Store
from wosync.sync import run_sync, summary_line
from support.stored_orders import ACCOUNT, make_order

UTC = timezone.utc
T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


@dataclass
class _Read:
    orders: list = field(default_factory=list)
    matches: int | None = None
    rows_read: int = 0
    completeness: str | None = "count"


def sync(store: Store, orders: list[dict], now: datetime) -> dict:
    """Run one real sync of ACCOUNT whose scrape reads `orders`; return its run record."""
    def source(account, password, on_page, cancel):
        return _Read(orders=orders, matches=len(orders), rows_read=len(orders))

    account = store.ensure_account(ACCOUNT, "http://127.0.0.1:9", now)
    return run_sync(store, account, lambda: now, source=source, password=lambda username: "secret")


@pytest.fixture
def store(wosync_home):
    with Store() as opened:
        yield opened


def test_reopened_orders_are_counted_as_reopened_not_updated(store, cli):
    orders = [make_order(n) for n in range(10)]
    sync(store, orders, T0)
    sync(store, orders[:7], T0 + timedelta(hours=1))  # three orders done
    changed = [dict(orders[0], status="Scheduled"), *orders[1:]]
    run = sync(store, changed, T0 + timedelta(hours=2))  # one changed, three back again
    assert summary_line(run) == "10 work orders: 0 new, 1 updated, 3 reopened, 0 completed in 0.0 s"
    message = notify.digest_message(run, store.list_changes(run["id"]))
    assert message.title == "wosync: 0 new, 1 updated, 3 reopened, 0 completed"

    [latest] = json.loads(cli("history", "--json", "--limit", "1").stdout)
    assert (latest["updated"], latest["reopened"], latest["dispensers_changed"]) == (1, 3, 0)
    row = next(text for text in cli("history").stdout.splitlines() if text.startswith(f"│ {run['id']:>3} │"))
    assert "+0 ~1 -0 3 reopened" in row


def test_dispenser_changes_are_counted_on_the_run(store, cli):
    orders = [make_order(n) for n in range(4)]
    run = sync(store, orders, T0)
    changes = [("L-7", "dispenser_updated", {"1/2 Model": ["A", "B"]}),
               ("L-7", "dispenser_added", {"3/4": [None, "Wayne"]})]
    store.save_equipment(run["id"], ACCOUNT, 7, [], changes, T0)
    run = store.get_run(run["id"])
    assert summary_line(run).startswith("4 work orders: 4 new, 0 updated, 0 completed, 2 dispenser changes in ")
    message = notify.digest_message(run, store.list_changes(run["id"]))
    assert message.title == "wosync: 4 new, 0 updated, 0 completed, 2 dispenser changes"
    row = next(text for text in cli("history").stdout.splitlines() if text.startswith(f"│ {run['id']:>3} │"))
    assert "+4 ~0 -0 2 dispensers" in row


def test_the_migration_splits_old_runs_counts_and_target_ids_are_never_reused(tmp_path):
    import sqlite_utils

    path = tmp_path / "data" / "wosync.db"
    path.parent.mkdir(mode=0o700)
    db = sqlite_utils.Database(path)
    SCHEMA_MIGRATIONS.migrations().apply(db, stop_before="0007_run_counts_and_target_ids")
    db.execute(f"PRAGMA user_version = {len(SCHEMA_MIGRATIONS.steps) - 1}")
    conn = db.conn
    conn.execute("INSERT INTO runs(id, account, trigger_type, started_at, status, updated) "
                 "VALUES (1, ?, 'manual', '2026-11-29T09:00:00Z', 'success', 4)", (ACCOUNT,))
    conn.executemany("INSERT INTO changes(run_id, account, number, kind) VALUES (1, ?, ?, ?)",
                     [(ACCOUNT, "W-1", "updated"), (ACCOUNT, "W-2", "reopened"), (ACCOUNT, "W-3", "reopened"),
                      (ACCOUNT, "W-4", "reopened"), (ACCOUNT, "L-9", "dispenser_removed")])
    conn.executemany("INSERT INTO notification_targets(url, created_at) VALUES (?, '2026-11-29T09:00:00Z')",
                     [("ntfy://one",), ("ntfy://two",)])
    conn.commit()
    conn.close()

    with Store(path) as store:
        run = store.get_run(1)
        assert (run["updated"], run["reopened"], run["dispensers_changed"]) == (1, 3, 1)
        assert [t["url"] for t in store.list_notification_targets()] == ["ntfy://one", "ntfy://two"]
        store.remove_notification_target(2)
        assert store.add_notification_target("ntfy://three", T0) == 3


def test_a_removed_targets_id_is_never_given_again(cli):
    assert "1" in cli("notify", "add", "json://127.0.0.1:9/one").output
    assert "2" in cli("notify", "add", "json://127.0.0.1:9/two").output
    assert cli("notify", "remove", "2").exit_code == 0
    added = cli("notify", "add", "json://127.0.0.1:9/three")
    assert added.exit_code == 0 and "3" in added.output and "2" not in added.output.replace("127.0.0.1", "")
