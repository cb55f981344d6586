"""`wosync dispensers [NUMBER | --location ID] [--json | --csv]`: the equipment waiting at each stop.

Without an argument: every location with active orders; with a work order number: that
order's location; with --location: that location. The dispensers are those the last sync read
from the location's Equipment tab (see wosync.equipment): a location never read yet says so.
"""

from __future__ import annotations

import gc
import sys
from typing import Any, Optional

import typer

from wosync.cli import common

# The keys of one location in `dispensers --json`, then of each of its dispensers (the
# `dispensers` shape of docs/design.md).
LOCATION_KEYS = ("location_id", "customer", "store_number", "street", "city", "orders", "equipment_checked_at",
                 "dispensers")
DISPENSER_KEYS = ("position", "grades", "make", "model", "serial", "fields", "first_seen_at", "last_seen_at")
CSV_COLUMNS = ("location_id", "customer", "store_number", "orders", *DISPENSER_KEYS)


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
    # Thousands of locations and dispensers are read and drawn as dicts, tuples and strings in
    # no reference cycle: the cycle collector would only walk them again and again as they are
    # made (about a tenth of the command's time), so it waits until the listing is written.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _show(number, location, username, json_out, csv_out)
    finally:
        if collecting:
            gc.enable()


def _show(number: Optional[str], location: Optional[int], username: Optional[str], json_out: bool,
          csv_out: bool) -> None:
    """Given the command's arguments, print the locations asked about (see `dispensers`)."""
    from wosync.actions.dispensers import dispensers as chosen

    locations = chosen(common.clock(), number, location, username)
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

    if not render.terminal_wanted(sys.stdout):  # piped: one tab-separated row per dispenser
        from wosync.render.plain_listings import dispensers_plain

        render.write_tsv(*dispensers_plain(locations))
        return
    from wosync.render.dispensers_text import print_locations

    console = common.stdout_console()
    # What printing each location's render.location_dispensers writes (a blank line between
    # two), drawn as text and written in a few parts: thousands of locations are listed at once.
    print_locations(console, locations)
    if len(locations) > 1:
        count = sum(len(loc["dispensers"]) for loc in locations)
        unread = sum(1 for loc in locations if not loc["equipment_checked_at"])
        tail = f" ({unread} not read yet: `wosync sync-now --equipment` reads them)" if unread else ""
        # soft_wrap: one line, wrapped by the terminal if at all, so the command in it stays whole;
        # no markup or emoji codes in it to look for.
        console.print(f"\n{count} dispensers at {len(locations)} locations{tail}.", highlight=False, soft_wrap=True,
                      markup=False, emoji=False)
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Attach `dispensers` to the root app."""
    app.command("dispensers")(dispensers)
