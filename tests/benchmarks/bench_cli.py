"""Benchmark: `wosync status` and `wosync orders --json` on a 100,000-order store
(years of orders; goal: each under 0.5 s).

Run it as a script (pytest does not collect it):

    python tests/benchmarks/bench_cli.py [--orders 100000] [--runs 5]

It builds a store in a temporary WOSYNC_HOME the way syncs do (Store.apply_sync: a first sync
of --orders orders, then a second one in which 1% of them were completed), with one account
and one schedule, then times, best of --runs, each command as a user runs it: the installed
`wosync` console script of this Python in a new process, its output to /dev/null. The floor is
the start-up of this Python doing nothing (`python -c pass`), timed in the same run. Each is
reported in wall time and in CPU time (user + system; what a busy machine disturbs least).
The output of each command is checked once (exit code 0, the orders' JSON) before any
figure is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, when run as a script
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _orders import generate_orders  # noqa: E402

from wosync.fields import ORDER_JSON_KEYS  # noqa: E402
from wosync.store import Store  # noqa: E402

ACCOUNT = "tech@example.com"
GOAL_SECONDS = 0.5


def wosync_command() -> list[str]:
    """Return the installed `wosync` console script of this Python (not a pyenv/asdf shim,
    whose own start-up would be timed too)."""
    script = Path(sysconfig.get_path("scripts")) / "wosync"
    if script.exists():
        return [str(script)]
    found = shutil.which("wosync")
    if not found:
        raise SystemExit("the wosync command is not installed: run `pip install -e .` first")
    return [found]


def build_store(home: Path, count: int) -> int:
    """Given an empty data folder, store `count` orders as two syncs would; return how many stay active."""
    orders, _ = generate_orders(count)
    now = datetime(2026, 4, 10, 8, 0, tzinfo=timezone.utc)
    with Store(home / "wosync.db") as store:
        store.ensure_account(ACCOUNT, "https://app.workfossa.com", now)
        schedule = store.create_schedule(ACCOUNT, 1.0, 7, 19, "America/New_York", True,
                                         now + timedelta(hours=1), now)
        run_id = store.start_run(ACCOUNT, "scheduled", schedule["id"], os.getpid(), now)
        store.apply_sync(run_id, ACCOUNT, orders, [o["number"] for o in orders], {}, {}, [], now,
                         {"status": "success", "items_processed": count, "added": count},
                         schedule["id"], {"last_run": now, "last_success": now})
        later = now + timedelta(hours=1)
        gone = [o["number"] for o in orders[::100]]
        kept = [o for o in orders if o["number"] not in set(gone)]
        run_id = store.start_run(ACCOUNT, "scheduled", schedule["id"], os.getpid(), later)
        store.apply_sync(run_id, ACCOUNT, kept, [], {}, {}, gone, later,
                         {"status": "success", "items_processed": len(kept), "removed": len(gone)},
                         schedule["id"], {"last_run": later, "last_success": later})
        return len(kept)


def children_cpu() -> float:
    """Return the CPU seconds (user + system) used so far by this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best_seconds(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Given a command, return its best (wall, CPU) seconds over `runs` runs (output to /dev/null)."""
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), children_cpu()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu() - cpu)
    return min(walls), min(cpus)


def check_outputs(wosync: list[str], env: dict[str, str], active: int) -> None:
    """Stop the benchmark unless both commands succeed and `orders --json` lists every active order."""
    status = subprocess.run([*wosync, "status"], env=env, capture_output=True, text=True)
    if status.returncode != 0 or f"{active} active" not in status.stdout:
        raise SystemExit(f"wosync status failed or miscounted: {status.stdout}{status.stderr}")
    listing = subprocess.run([*wosync, "orders", "--json"], env=env, capture_output=True, text=True)
    if listing.returncode != 0:
        raise SystemExit(f"wosync orders --json failed: {listing.stderr}")
    orders = json.loads(listing.stdout)
    if len(orders) != active or any(tuple(o) != ORDER_JSON_KEYS for o in orders):
        raise SystemExit(f"wosync orders --json printed {len(orders)} orders, expected {active} with the contract's keys")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    wosync = wosync_command()
    with tempfile.TemporaryDirectory(prefix="wosync-bench-") as folder:
        home = Path(folder)
        active = build_store(home, args.orders)
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("WOSYNC_") and key != "PYTHONDONTWRITEBYTECODE"}
        env["WOSYNC_HOME"] = str(home)
        # Byte code cached as an installed wosync's is (check_outputs below fills the cache).
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
        check_outputs(wosync, env, active)
        floor = best_seconds([sys.executable, "-c", "pass"], env, args.runs)
        rows = [
            ("`python -c pass` (floor)", floor),
            ("`wosync status`", best_seconds([*wosync, "status"], env, args.runs)),
            (f"`wosync orders --json` ({active:,} orders)", best_seconds([*wosync, "orders", "--json"], env, args.runs)),
        ]
        size = (home / "wosync.db").stat().st_size

    print(f"\nCommands on a {args.orders:,}-order store ({size / 2**20:.0f} MiB; best of {args.runs}; "
          f"goal < {GOAL_SECONDS:g} s)\n")
    print("| command | wall time | CPU time (user + sys) | wall x floor |")
    print("|---|---:|---:|---:|")
    for label, (wall, cpu) in rows:
        print(f"| {label} | {wall:.3f} s | {cpu:.3f} s | {wall / floor[0]:.1f} |")
    worst = max(wall for _, (wall, _cpu) in rows[1:])
    print(f"\n{'within' if worst < GOAL_SECONDS else 'ABOVE'} the goal (slowest {worst:.3f} s)")


if __name__ == "__main__":
    main()
