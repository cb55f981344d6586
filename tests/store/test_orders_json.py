"""`wosync orders --json` prints exactly the contract's keys and the stored values, whatever the text holds."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from wosync.fields import ORDER_JSON_KEYS
from wosync.store import Store
from support.stored_orders import make_order

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)


def store_orders(store: Store, orders: list[dict], now: datetime, to_complete=()) -> None:
    """Write one sync's worth of orders through the store's own transaction."""
    account = store.ensure_account("tech@example.com", "http://127.0.0.1:1", now)
    run_id = store.start_run(account.username, "manual", None, 1, now)
    stored = store.load_orders(account.username)
    new = [o["number"] for o in orders if o["number"] not in stored]
    updated = {o["number"]: {"status": ["x", "y"]} for o in orders if o["number"] in stored}
    store.apply_sync(run_id, account.username, orders, new, updated, {}, list(to_complete), now,
                     {"status": "success"}, None, {})


def test_orders_json_equals_the_stored_records_key_for_key(cli, wosync_home):
    orders = [make_order(n) for n in range(60)]  # through the store, not the (changing) simulated site
    # The awkward texts: quotes, backslashes, line breaks, tabs, unicode, an empty items list.
    orders[0]["instructions"] = 'Say "hello"\\ then\n\tleave — ✓ 日本'
    orders[1]["items"] = []
    orders[2]["project"] = None
    with Store() as store:
        store_orders(store, orders, T0)
        orders[3]["status"] = "Quality Approved"  # an update rewrites the stored JSON text too
        store_orders(store, orders[:59], T0 + timedelta(hours=1), to_complete=[orders[59]["number"]])
        expected_active = store.list_orders()
        expected_all = store.list_orders(include_completed=True)

    active = json.loads(cli("orders", "--json").stdout)
    everything = json.loads(cli("orders", "--all", "--json").stdout)
    assert all(tuple(record) == ORDER_JSON_KEYS for record in everything)
    assert active == expected_active and len(active) == 59
    assert everything == expected_all and len(everything) == 60
    by_number = {r["number"]: r for r in everything}
    assert by_number[orders[0]["number"]]["instructions"] == 'Say "hello"\\ then\n\tleave — ✓ 日本'
    assert by_number[orders[1]["number"]]["items"] == []
    assert by_number[orders[3]["number"]]["status"] == "Quality Approved"
    assert by_number[orders[59]["number"]]["completed_at"] == "2026-11-29T11:00:00Z"
    assert by_number[orders[0]["number"]]["first_seen_at"] == "2026-11-29T10:00:00Z"
    assert by_number[orders[0]["number"]]["last_seen_at"] == "2026-11-29T11:00:00Z"


def test_orders_json_on_an_empty_store_is_an_empty_list(cli, wosync_home):
    assert json.loads(cli("orders", "--json").stdout) == []
