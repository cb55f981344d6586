"""Benchmark: the human listings (`orders`, `orders show`, `changes`, `calendar`, `dispensers`,
`history`, `week`) on a dispatch office's store, each against `orders --json` over the same
rows (goal: within 2 x, in CPU time).

Run it as a script (pytest does not collect it):

    python tests/benchmarks/bench_listings.py [--orders 5000] [--runs 5]

The store is built through the store API, as the daemon's hourly syncs would leave it:
--orders active orders (the simulated site's generator, tests/benchmarks/_orders.py) stored
by a first sync, which also reads the Equipment tab of 25 locations (the default allowance per
sync; the simulated site's dispensers, with their `dispenser_added` changes); then syncs that
find the orders unchanged and read 25 more locations each, until every location's dispensers
are stored (about 100 runs for 5,000 orders); then a sync with 1% of the orders changed, 0.5%
new and 0.5% completed. So `changes --run 1` lists every order as new (the largest run a user
can ask for) and `changes` the newest run; `history` lists the runs.

Each command is the installed `wosync` console script of this Python, run --runs times
interleaved with the floor (`orders --json`), so both meet the same machine load; the best run
of each counts, in wall time and in CPU time (user + system of the child: what a busy machine
disturbs least). Output goes to a pipe that is read and thrown away (a terminal would add its
own drawing time), drawn as for a terminal 120 columns wide (WOSYNC_FORCE_TERMINAL=1,
COLUMNS=120: colours and tables, not the tab-separated text a pipe otherwise gets). Byte code is cached in a private folder as an installed
wosync's would be; one warm-up run of each command fills it and checks that it succeeded.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, when run as a script
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cli import wosync_command  # noqa: E402
from _orders import generate_orders, next_scrape  # noqa: E402

from wosync.equipment import dispenser_changes  # noqa: E402
from wosync.sim.equipment import EquipmentStore  # noqa: E402
from wosync.store import Store  # noqa: E402

ACCOUNT = "dispatch@example.com"
GOAL_RATIO = 2.0
PER_RUN = 25


def build_store(home: Path, count: int) -> dict[str, object]:
    """Given an empty data folder, store `count` orders, their locations' dispensers and two
    syncs' changes through the store API; return what the commands are asked about (an order
    number, the first run's id) and the store's figures."""
    orders, factory = generate_orders(count)
    equipment = EquipmentStore(seed=4)
    now = datetime(2026, 4, 10, 8, 0, tzinfo=timezone.utc)
    home.mkdir(parents=True, exist_ok=True)
    with Store(home / "wosync.db") as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", now)
        schedule = store.create_schedule(ACCOUNT, 1.0, 7, 19, "America/New_York", True, now + timedelta(hours=1), now)
        first = store.start_run(ACCOUNT, "scheduled", schedule["id"], os.getpid(), now)
        store.apply_sync(first, ACCOUNT, orders, [o["number"] for o in orders], {}, {}, [], now,
                         {"status": "success", "items_processed": count, "added": count},
                         schedule["id"], {"last_run": now, "last_success": now})
        # Each sync reads the Equipment tab of 25 locations (WOSYNC_EQUIPMENT_PER_RUN's default),
        # so the daemon's hourly syncs read every location's within a few days: the first 25
        # in the first sync, then hourly syncs that found no change in the orders.
        locations = sorted({o["location_id"] for o in orders if o.get("location_id") is not None})
        dispensers, run, at = 0, first, now
        for start in range(0, len(locations), PER_RUN):
            if start:
                at += timedelta(hours=1)
                run = store.start_run(ACCOUNT, "scheduled", schedule["id"], os.getpid(), at)
            for location_id in locations[start:start + PER_RUN]:
                read = equipment.expected_dispensers(location_id)
                dispensers += len(read)
                store.save_equipment(run, ACCOUNT, location_id, read, dispenser_changes(location_id, [], read), at)
            if start:
                store.apply_sync(run, ACCOUNT, orders, [], {}, {}, [], at,
                                 {"status": "success", "items_processed": count},
                                 schedule["id"], {"last_run": at, "last_success": at})
        later = at + timedelta(hours=1)
        scrape = next_scrape(orders, factory)
        stored = {o["number"]: o for o in orders}
        seen = {o["number"] for o in scrape.orders}
        new = [o["number"] for o in scrape.orders if o["number"] not in stored]
        updated = {o["number"]: _changed_fields(stored[o["number"]], o)
                   for o in scrape.orders if o["number"] in stored and o != stored[o["number"]]}
        gone = [number for number in stored if number not in seen]
        second = store.start_run(ACCOUNT, "scheduled", schedule["id"], os.getpid(), later)
        store.apply_sync(second, ACCOUNT, scrape.orders, new, updated, {}, gone, later,
                         {"status": "success", "items_processed": len(scrape.orders), "added": len(new),
                          "updated": len(updated), "removed": len(gone)},
                         schedule["id"], {"last_run": later, "last_success": later})
        counts = store.count_orders()
    return {"number": orders[len(orders) // 2]["number"], "first_run": first, "dispensers": dispensers,
            "active": counts.get("active"), "locations": len(locations), "runs": second}


def _changed_fields(old: dict, new: dict) -> dict[str, list]:
    """Given a stored and a scraped record of one order, return {field: [old, new]} of what differs."""
    return {key: [old.get(key), new.get(key)] for key in new if old.get(key) != new.get(key)}


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command once, its output read from a pipe and dropped; return its (wall, CPU) seconds."""
    start, cpu = time.perf_counter(), child_cpu()
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as child:
        while child.stdout.read(1 << 16):
            pass
        if child.wait():
            raise SystemExit(f"{' '.join(command)} failed (exit {child.returncode})")
    return time.perf_counter() - start, child_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None, help="Time only these listings (by label).")
    args = parser.parse_args()

    wosync = wosync_command()
    with tempfile.TemporaryDirectory(prefix="wosync-bench-listings-") as folder:
        home = Path(folder) / "home"
        built = build_store(home, args.orders)
        env = {k: v for k, v in os.environ.items() if not k.startswith("WOSYNC_") and k != "PYTHONDONTWRITEBYTECODE"}
        # Drawn for a terminal (a piped listing is tab-separated text: not what a person reads).
        env.update(WOSYNC_HOME=str(home), PYTHONPYCACHEPREFIX=str(Path(folder) / "pycache"), COLUMNS="120",
                   TZ="America/New_York", WOSYNC_FORCE_TERMINAL="1")
        floor = [*wosync, "orders", "--json"]
        listings = {
            "orders": ["orders"],
            "orders --all": ["orders", "--all"],
            "orders show": ["orders", "show", str(built["number"])],
            "changes --run 1": ["changes", "--run", str(built["first_run"])],
            "changes": ["changes"],
            "calendar": ["calendar"],
            "dispensers": ["dispensers"],
            "history": ["history"],
            # The simulated site's visits fall around its fixed today (2026-04-10).
            "week": ["week", "--from", "2026-04-11"],
        }
        if args.only:
            listings = {k: v for k, v in listings.items() if k in args.only}
        commands = {"floor": floor, **{label: [*wosync, *argv] for label, argv in listings.items()}}
        for argv in commands.values():  # warm-up: byte code cached, the store's pages in memory, each succeeds
            timed(argv, env)
        best = {key: (float("inf"), float("inf")) for key in commands}
        for _ in range(args.runs):
            for key, argv in commands.items():
                wall, cpu = timed(argv, env)
                best[key] = (min(best[key][0], wall), min(best[key][1], cpu))

    fw, fc = best["floor"]
    print(f"\nListings on a {built['active']:,}-order store ({built['locations']:,} locations, "
          f"{built['dispensers']:,} dispensers, {built['runs']} runs; best of {args.runs}, interleaved)\n")
    print(f"floor `wosync orders --json`: {fw:.3f} s wall / {fc:.3f} s CPU\n")
    print("| command | wall | CPU | ratio wall | ratio CPU | goal |")
    print("|---|---:|---:|---:|---:|---:|")
    missed = []
    for label in listings:
        wall, cpu = best[label]
        print(f"| `wosync {label}` | {wall:.3f} s | {cpu:.3f} s | {wall / fw:.2f} | {cpu / fc:.2f} | <= {GOAL_RATIO:g} |")
        if cpu / fc > GOAL_RATIO:
            missed.append(label)
    print()
    print("every listing within the goal in CPU time" if not missed else f"ABOVE the goal in CPU time: {', '.join(missed)}")


if __name__ == "__main__":
    main()
