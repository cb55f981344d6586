"""`wosync dispensers [NUMBER | --location ID] [--json | --csv]`: the equipment waiting at each stop.

Without an argument: every location with active orders; with a work order number: that
order's location; with --location: that location. The dispensers are those the last sync read
from the location's Equipment tab (see wosync.equipment): a location never read yet says so.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

import typer

from wosync.cli import common
from wosync.errors import UsageError

# The keys of one location in `dispensers --json`, then of each of its dispensers (the
# `dispensers` shape of docs/design.md).
LOCATION_KEYS = ("location_id", "customer", "store_number", "street", "city", "orders", "equipment_checked_at",
                 "dispensers")
DISPENSER_KEYS = ("position", "grades", "make", "model", "serial", "fields", "first_seen_at", "last_seen_at")
CSV_COLUMNS = ("location_id", "customer", "store_number", "orders", *DISPENSER_KEYS)


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
    if number is not None and location is not None:
        raise UsageError("give a work order number or --location, not both")
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


def location_record(location: dict[str, Any]) -> dict[str, Any]:
    """Given a location with its dispensers, return its `dispensers --json` object."""
    record = {key: location.get(key) for key in LOCATION_KEYS}
    record["dispensers"] = [{key: d.get(key) for key in DISPENSER_KEYS} for d in location["dispensers"]]
    return record


def dispensers(
    number: Optional[str] = typer.Argument(None, metavar="[NUMBER]",
                                           help="A work order number (W-129651): the dispensers at its location."),
    location: Optional[int] = typer.Option(None, "--location", metavar="ID",
                                           parser=common.int_parser("--location", hint="; see `wosync dispensers`"),
                                           help="A location id (the id in /app/customers/locations/<id>/)."),
    username: Optional[str] = typer.Option(None, "--username", metavar="EMAIL", parser=common.parse_username,
                                           help="Only this account's locations."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON: one object per location, with its dispensers."),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV: one line per dispenser."),
) -> None:
    """Show the dispensers at an order's location, or at every location with active orders."""
    common.reject_both(json_out, csv_out)
    with common.open_store() as store:
        if username is not None:
            username = common.resolve_account(store, username).username
        locations = _chosen_locations(store, number, location, username)
    if json_out:
        common.print_json([location_record(loc) for loc in locations])
        return
    if csv_out:
        rows = [{**{key: loc.get(key) for key in CSV_COLUMNS[:3]}, "orders": " ".join(loc["orders"]), **d}
                for loc in locations for d in loc["dispensers"]]
        common.print_csv(rows, list(CSV_COLUMNS))
        return
    if not locations:
        typer.echo("No locations with active work orders stored yet. Run `wosync sync-now` (or `wosync demo`).")
        return
    from wosync import render

    console = common.stdout_console()
    for index, loc in enumerate(locations):
        if index:
            console.print()
        console.print(render.location_dispensers(loc, loc["dispensers"]))
    if len(locations) > 1:
        count = sum(len(loc["dispensers"]) for loc in locations)
        unread = sum(1 for loc in locations if not loc["equipment_checked_at"])
        tail = f" ({unread} not read yet: `wosync sync-now --equipment` reads them)" if unread else ""
        console.print(f"\n{count} dispensers at {len(locations)} locations{tail}.", highlight=False)
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Attach `dispensers` to the root app."""
    app.command("dispensers")(dispensers)
