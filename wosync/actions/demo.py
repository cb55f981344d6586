"""`wosync demo`: the whole flow against the simulated WorkFossa, no account and no network.

Two syncs of a simulated site on 127.0.0.1 with a day of changes between them, in a data
folder of their own. What a viewer shows along the way (the site, the changes, each sync's
progress and result) goes through a DemoView; what is left to show at the end comes back as
a DemoResult.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, ContextManager, Protocol

from wosync.clock import Clock

DEMO_USERNAME = "demo.technician@example.com"
# The two paginators of the real site (docs/workfossa-site.md, correction 3).
PAGERS = ("length-aware", "simple")
SYNC_TITLES = ("First sync: everything is new", "Second sync: after a day of changes")


class DemoView(Protocol):
    """What the demo tells its viewer as it goes."""

    def started(self, base_url: str, folder: Path) -> None:
        """The simulated site runs at base_url; the data is in folder."""

    def site_changed(self, changed: dict[str, list[str]]) -> None:
        """The site changed between the syncs: order numbers by kind (new, rescheduled, ...)."""

    def sync(self, title: str) -> ContextManager[Callable[[dict[str, Any]], None] | None]:
        """A sync starts: return the progress display to feed while it runs."""

    def synced(self, run: dict[str, Any]) -> None:
        """A sync ended with this run record."""


@dataclass
class DemoResult:
    """What the demo did: its folder, its runs and exit code (0 when both syncs succeeded).

    After two good syncs, also: the last run's changes, how often the site was logged in to,
    the equipment read (locations read, locations with orders, the per-sync allowance) and one
    stop to show (an order at a location whose dispensers were read, with that location).
    """

    folder: Path
    runs: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    logins: int = 0
    equipment_read: int = 0
    locations: int = 0
    per_run: int = 0
    one_stop: tuple[dict[str, Any], dict[str, Any]] | None = None


def change_the_site(sim, count: int) -> dict[str, list[str]]:
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


def demo(clock: Clock, view: DemoView, orders: int = 120, home: Path | None = None, seed: int = 7,
         pager: str = "length-aware", markup: str = "classic") -> DemoResult:
    """Given the clock, a view, the number of orders, a data folder (None: a new temporary one),
    a seed, the pager the simulated site shows and its markup ("classic", or "next-release":
    wosync.sim.next_release), sync that site, change it, sync again; return what happened (a
    DemoResult).

    From here on this process uses the demo's data folder ($WOSYNC_HOME is set to it), so any
    wosync function called afterwards reads the demo's data.
    """
    from wosync.model import RunStatus, Trigger
    from wosync.secret import Secret
    from wosync.sim import SimulatedWorkFossa
    from wosync.store import Store
    from wosync.sync import SyncOptions, exit_code_for, run_sync

    folder = home or Path(tempfile.mkdtemp(prefix="wosync-demo-"))
    os.environ["WOSYNC_HOME"] = str(folder)
    result = DemoResult(folder)
    # A throwaway password for the simulated site, handed over in memory only.
    password = Secret(secrets.token_urlsafe(16))
    with SimulatedWorkFossa(count=orders, seed=seed, username=DEMO_USERNAME, password=password.reveal(),
                            pager=pager, markup=markup) as sim:
        view.started(sim.base_url, folder)
        with Store(folder / "wosync.db") as store:
            account = store.ensure_account(DEMO_USERNAME, sim.base_url, clock())
            for step, title in enumerate(SYNC_TITLES):
                if step == 1:
                    view.site_changed(change_the_site(sim, orders))
                with view.sync(title) as on_progress:
                    run = run_sync(store, account, clock, SyncOptions(trigger=Trigger.MANUAL, notify=False),
                                   password=lambda: password, on_progress=on_progress)
                result.runs.append(run)
                view.synced(run)
                if run["status"] != RunStatus.SUCCESS:
                    result.exit_code = int(exit_code_for(run))
                    return result
            result.changes = store.list_changes(result.runs[-1]["id"])
            result.logins = sim.login_count
            _one_stop(store, result)
    return result


def _one_stop(store, result: DemoResult) -> None:
    """Given the store after the syncs, fill in the equipment counts and the first order (by
    next visit) at a location whose dispensers were read, with that location."""
    from wosync.actions.dispensers import locations_with_dispensers
    from wosync.equipment import per_run

    located = {loc["location_id"]: loc for loc in locations_with_dispensers(store)}
    result.equipment_read = sum(1 for loc in located.values() if loc["equipment_checked_at"])
    result.locations = len(located)
    result.per_run = per_run()
    for order in store.list_orders():
        location = located.get(order.get("location_id"))
        if location and location["dispensers"]:
            result.one_stop = (order, location)
            return
