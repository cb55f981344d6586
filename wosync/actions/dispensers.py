"""`wosync dispensers`: the equipment waiting at each stop.

Without an argument: every location with active orders; with a work order number: that
order's location; with a location id: that location. The dispensers are those the last sync
read from the location's Equipment tab (see wosync.equipment).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wosync import accounts
from wosync.actions import stale_runs
from wosync.errors import UsageError


def order_number(text: str) -> str:
    """Given what the user typed ("W-129651", "w-129651", "129651"), return the stored form."""
    wanted = text.strip().upper()
    return f"W-{wanted}" if wanted.isdigit() else wanted


def locations_with_dispensers(store, location_ids: list[int] | None = None,
                              account: str | None = None) -> list[dict[str, Any]]:
    """Given the store, the location ids wanted (None: those of every active order) and an
    optional account, return each location (store.list_locations) with its `dispensers`."""
    locations = store.list_locations(account, location_ids)
    dispensers = store.list_dispensers(account, [loc["location_id"] for loc in locations])
    return [{**loc, "dispensers": dispensers.get((loc["account"], loc["location_id"]), [])} for loc in locations]


def _chosen_locations(store, number: str | None, location: int | None, username: str | None) -> list[dict[str, Any]]:
    """Return the locations the command was asked about, with their dispensers."""
    if number is not None:
        wanted = order_number(number)
        found = store.find_orders(wanted)
        if not found:
            raise UsageError(f"no work order {number}; see `wosync orders --all`")
        ids = sorted({o["location_id"] for o in found if o.get("location_id") is not None})
        if not ids:
            raise UsageError(f"work order {wanted} has no location id stored yet; run `wosync sync-now` first")
        return locations_with_dispensers(store, ids, username)
    if location is not None:
        found = locations_with_dispensers(store, [location], username)
        if not found:
            raise UsageError(f"no stored work order is at location {location}; see `wosync dispensers`")
        return found
    return locations_with_dispensers(store, None, username)


def dispensers(now: datetime, number: str | None = None, location: int | None = None,
               username: str | None = None) -> list[dict[str, Any]]:
    """Given the time and at most one of a work order number and a location id (neither: every
    location with active orders), and an optional account, return the locations asked about,
    each with its `dispensers`. UsageError for an unknown order or location."""
    if number is not None and location is not None:
        raise UsageError("give a work order number or --location, not both")
    with stale_runs.open_store(now, reading=True) as store:
        if username is not None:
            username = accounts.resolve_account(store, now, username, True).username
        return _chosen_locations(store, number, location, username)
