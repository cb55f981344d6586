"""`wosync orders [--all]`, `wosync orders show NUMBER` and `wosync changes [--run ID]`."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from wosync.cli import common
from wosync.errors import UsageError
from wosync.fields import ORDER_JSON_KEYS

orders_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)


def order_record(order: dict) -> dict:
    """Given a stored order, return exactly the keys of the `orders --json` contract."""
    return {key: order.get(key) for key in ORDER_JSON_KEYS}


@orders_app.callback()
def orders(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Include completed (archived) orders."),
    username: Optional[str] = typer.Option(None, "--username", metavar="EMAIL", parser=common.parse_username, help="Only this account's orders."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV."),
    raw: bool = typer.Option(False, "--raw", help="With --csv: cells exactly as stored (no guard against spreadsheet formulas)."),
) -> None:
    """List the stored work orders (active ones; --all adds completed ones), one line each."""
    if ctx.invoked_subcommand:
        return
    common.reject_both(json_out, csv_out)
    from wosync.actions import orders as stored

    if json_out:
        stored.write_json(common.clock(), sys.stdout.buffer, all_, username)
        sys.stdout.flush()
        return
    # counts: the table's Dispensers column, the count read at each order's location.
    rows, counts = stored.list_orders(common.clock(), all_, username)
    if csv_out:
        common.print_csv(rows, list(ORDER_JSON_KEYS), raw=raw)
    elif not rows:
        typer.echo("No work orders stored yet. Run `wosync sync-now` (or `wosync demo`).")
    else:
        from wosync import render

        for row in rows:
            row["dispensers"] = counts.get(row.get("location_id"))
        if not render.terminal_wanted(sys.stdout):  # piped: tab-separated rows, every column
            from wosync.render.plain_listings import orders_plain

            render.write_tsv(*orders_plain(rows, all_))
            return
        title = f"{len(rows)} work orders" + (" (with completed)" if all_ else "")
        console = common.stdout_console()
        table = render.orders_table(rows, title, width=console.width)
        # Lines that fit need no cropping: Rich would measure each of thousands of segments for nothing.
        console.print(table, crop=not table.fits(console.width))


@orders_app.command("show")
def show(
    number: str = typer.Argument(..., help="The work order number, e.g. W-129651."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one work order as a card: where, when, what to do, the links."""
    from wosync.actions import orders as stored

    # Under each order, the dispensers at its location: the equipment the visit is for.
    found, located = stored.show(common.clock(), number, with_dispensers=not json_out)
    found = [order_record(o) for o in found]
    if not found:
        raise UsageError(f"no work order {number}; see `wosync orders --all`")
    if json_out:
        common.print_json(found[0] if len(found) == 1 else found)
        return
    from wosync import render

    console = common.stdout_console()
    for order in found:
        console.print(render.order_card(order))
        if order.get("location_id") in located:
            location = located[order["location_id"]]
            console.print(render.location_dispensers(location, location["dispensers"]))


def changes(
    run: Optional[int] = typer.Option(None, "--run", metavar="ID", parser=common.int_parser("--run", hint="; see `wosync history`"), help="The run's id (see `wosync history`); default: the newest run with changes."),
    username: Optional[str] = typer.Option(None, "--username", metavar="EMAIL", parser=common.parse_username, help="Without --run: the newest changes of this account."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show what a sync found: new, updated (field by field), completed and reopened orders."""
    from wosync.actions.changes import changes as classified

    rows, kinds = classified(common.clock(), run, username)
    records = [
        {"run_id": r["run_id"], "number": r["number"], "kind": r["kind"], "fields": r["fields"],
         "customer": r["customer"], "store_number": r["store_number"], **k.record()}
        for r, k in zip(rows, kinds)
    ]
    if json_out:
        common.print_json(records)
        return
    if not records:
        typer.echo("No changes recorded" + (f" in run {run}." if run else " yet."))
        return
    from wosync import render

    if not render.terminal_wanted(sys.stdout):  # piped: one tab-separated row per changed field
        from wosync.render.plain_listings import changes_plain

        render.write_tsv(*changes_plain(records))
        return
    console = common.stdout_console()
    console.print(render.schedule_sections(kinds, records))  # what it means for the schedule first
    table = render.changes_table(records, records[0]["run_id"])
    from wosync.render.changes import fits

    # Lines that fit need no cropping: Rich would measure each of thousands of segments for nothing.
    console.print(table, crop=not fits(table, console))


def register(app: typer.Typer) -> None:
    """Attach `orders` (with `show`) and `changes` to the root app."""
    app.add_typer(orders_app, name="orders", help="List stored work orders, or show one.")
    app.command("changes")(changes)
