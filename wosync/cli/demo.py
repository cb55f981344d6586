"""`wosync demo`: the whole flow against the simulated WorkFossa, no account and no network needed."""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

import typer

from wosync.cli import common

DEMO_USERNAME = "demo.technician@example.com"
# The two paginators of the real site (docs/workfossa-site.md, correction 3).
PAGERS = ("length-aware", "simple")


def _change_the_site(sim, count: int) -> dict[str, list[str]]:
    """Given a running simulated site, make the changes a real day brings; return what changed.

    A few new orders, a few rescheduled, a couple completed and one with new instructions.
    """
    active = [o["number"] for o in sim.expected_orders()]
    with_visit = [o for o in sim.expected_orders() if o["next_visit_date"]]
    new = sim.add_orders(max(2, min(5, count // 20)))
    rescheduled = []
    for order in with_visit[1:3]:
        moved = date.fromisoformat(order["next_visit_date"]) + timedelta(days=7)
        sim.reschedule(order["number"], moved.isoformat())
        rescheduled.append(order["number"])
    completed = active[-2:] if len(active) > 6 else active[-1:]
    for number in completed:
        sim.complete(number)
    edited = [active[0]] if active and active[0] not in completed else []
    for number in edited:
        sim.edit(number, instructions="Gate code changed: call the store manager on arrival.\nBring the new seals.")
    return {"new": new, "rescheduled": rescheduled, "completed": completed, "edited": edited}


def _command_name() -> str:
    """Return how the user can call wosync again: `wosync` when it is on PATH, else its full path."""
    if shutil.which("wosync"):
        return "wosync"
    program = Path(sys.argv[0])
    return str(program.resolve()) if program.name == "wosync" else f"{sys.executable} -m wosync"


def demo(
    orders: int = typer.Option(120, "--orders", min=1, max=5000, help="How many work orders the simulated site holds."),
    home: Optional[Path] = typer.Option(None, "--home", help="Data folder to use (default: a new temporary folder)."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated data."),
    pager: str = typer.Option("length-aware", "--pager", metavar="length-aware|simple",
                              help="Which of the real site's two paginators the simulated site shows "
                                   "(simple: prev/next only, no match count)."),
) -> int:
    """Run the whole flow against a simulated WorkFossa on 127.0.0.1: sync, change the site, sync again."""
    from wosync import render
    from wosync.cli.history import run_record
    from wosync.secret import Secret
    from wosync.sim import SimulatedWorkFossa
    from wosync.store import Store
    from wosync.sync import SyncOptions, exit_code_for, run_sync, summary_line

    if pager not in PAGERS:
        raise common.UsageError(f"--pager takes {' or '.join(PAGERS)}, not {pager!r}")
    folder = home or Path(tempfile.mkdtemp(prefix="wosync-demo-"))
    # This process only: every wosync function below now uses the demo's data folder.
    os.environ["WOSYNC_HOME"] = str(folder)
    out = common.stdout_console()
    err = common.stderr_console()
    # A throwaway password for the simulated site, handed over in memory only.
    password = Secret(secrets.token_urlsafe(16))
    with SimulatedWorkFossa(count=orders, seed=seed, username=DEMO_USERNAME, password=password.reveal(),
                            pager=pager) as sim:
        out.print(f"[bold]wosync demo[/]: a simulated WorkFossa at {sim.base_url} with {orders} work orders "
                  f"({pager} pager); data in {folder}", highlight=False)
        with Store(folder / "wosync.db") as store:
            account = store.ensure_account(DEMO_USERNAME, sim.base_url, common.clock())
            runs = []
            for step, title in enumerate(("First sync: everything is new", "Second sync: after a day of changes")):
                if step == 1:
                    changed = _change_the_site(sim, orders)
                    out.print(
                        f"\nThe site changes: {len(changed['new'])} new, {len(changed['rescheduled'])} rescheduled, "
                        f"{len(changed['completed'])} completed, {len(changed['edited'])} with new instructions.",
                        highlight=False,
                    )
                out.print(f"\n[bold]{title}[/]")
                with render.SyncProgressView(err, clock=common.clock) as view:
                    run = run_sync(store, account, common.clock, SyncOptions(trigger="manual", notify=False),
                                   password=lambda: password, on_progress=view)
                runs.append(run)
                out.print(render.safe(summary_line(run)), highlight=False)  # an error may quote the site
                if run["status"] != "success":
                    typer.echo(f"Error: the demo sync did not succeed: {run['error_message']}", err=True)
                    return int(exit_code_for(run))
            changes = [
                {**c, "run_id": c["run_id"]} for c in store.list_changes(runs[-1]["id"])
            ]
            out.print()
            out.print(render.changes_table(changes, runs[-1]["id"]))
            out.print(render.history_table([run_record(r) for r in reversed(runs)], out.width))
            logins = sim.login_count
            out.print(f"Logged in {logins} time(s) for {len(runs)} syncs (the saved session was reused).",
                      highlight=False)
            _show_one_stop(out, store)
    out.print(
        f"\nLook around: WOSYNC_HOME={folder} {_command_name()} orders   (or dispensers, changes, history, status)",
        highlight=False,
    )
    return 0


def _show_one_stop(out, store) -> None:
    """Print how many locations' equipment the syncs read, then the first order (by next
    visit) at a location with dispensers: its card and the dispensers waiting there."""
    from wosync import render
    from wosync.cli.dispensers import locations_with_dispensers
    from wosync.cli.orders import order_record
    from wosync.equipment import per_run

    located = {loc["location_id"]: loc for loc in locations_with_dispensers(store)}
    read = sum(1 for loc in located.values() if loc["equipment_checked_at"])
    out.print(f"\nEquipment read at {read} of {len(located)} locations (at most {per_run()} a sync; "
              "`wosync sync-now --equipment` reads every one that is due).", highlight=False)
    for order in store.list_orders():
        location = located.get(order.get("location_id"))
        if location and location["dispensers"]:
            out.print("\n[bold]One stop: the next visit at a location whose dispensers were read[/]")
            out.print(render.order_card(order_record(order)))
            out.print(render.location_dispensers(location, location["dispensers"]))
            return


def register(app: typer.Typer) -> None:
    """Attach `demo` to the root app."""
    app.command("demo")(demo)
