"""`wosync orders` (the list, or one order) and `wosync changes` (what a sync found)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO

from wosync.actions import stale_runs


def write_json(now: datetime, out: BinaryIO, include_completed: bool = False, username: str | None = None) -> None:
    """Given the time, a binary stream, whether completed orders count and an optional account,
    write the orders as the `orders --json` array to the stream; return None.

    The store writes ready JSON (see Store.write_orders_json): 100,000 orders print in about a
    second, where building and encoding records in Python takes several.
    """
    with stale_runs.open_store(now, reading=True) as store:
        store.write_orders_json(out, include_completed=include_completed, account=username)


def list_orders(now: datetime, include_completed: bool = False,
                username: str | None = None) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """Given the time, whether completed orders count and an optional account, return (the
    stored orders by next visit, {location id: dispensers read there})."""
    with stale_runs.open_store(now, reading=True) as store:
        rows = store.list_orders(include_completed=include_completed, account=username)
        counts = {lid: n for (_, lid), n in store.dispenser_counts(username).items()}
    return rows, counts


def show(now: datetime, number: str, with_dispensers: bool = True) -> tuple[list[dict[str, Any]], dict[int, dict]]:
    """Given the time, a work order number as typed and whether to read the dispensers at its
    location, return (the stored orders with that number, {location id: location with its
    dispensers}); the list is empty when there is none."""
    from wosync.actions.dispensers import locations_with_dispensers, order_number

    with stale_runs.open_store(now, reading=True) as store:
        found = store.find_orders(order_number(number))
        located: dict[int, dict] = {}
        if found and with_dispensers:
            ids = [o["location_id"] for o in found if o.get("location_id") is not None]
            located = {loc["location_id"]: loc for loc in locations_with_dispensers(store, ids)}
    return found, located


def changes(now: datetime, run_id: int | None = None, username: str | None = None) -> list[dict[str, Any]]:
    """Given the time, an optional run id (default: the newest run with changes) and account,
    return that run's changes (new, updated field by field, completed, reopened)."""
    with stale_runs.open_store(now, reading=True) as store:
        return store.list_changes(run_id, account=username)
