"""Benchmark: what a sync costs a technician's data plan, with the kept browser profile and without.

    python tests/benchmarks/bench_network.py [--orders 250] [--locations 25] [--repeats 9]

On a simulated site (in its own process) that serves the real site's front-end build (about
1.8 MB of JavaScript and CSS under /build/, cacheable for good: wosync/sim/assets.py), one
"sync" is what a sync's browser does: start Chromium, reuse the saved session (a login on the
first), read every order of the list (--orders, Show 100) and one Equipment step (the tabs of
--locations locations), close. Two ways, interleaved, each with its own saved session file:
  * kept profile (wosync now): one profile folder for all syncs (profile.py), a cold first
    sync and --repeats repeat syncs; then the site deploys a new build (new file names) and
    three more syncs run;
  * fresh context (wosync before): an empty browser profile every sync (the same saved session
    file reused, so no login after the first).
For each sync it prints the bytes the browser counted (bytes_received), the bytes the site
sent, wall and CPU time (CPU: steadier on a shared machine), and the floor: the bytes of that sync's pages and data requests alone (what
the site sent that is neither the build nor an image), counted by the site.
Goals: a repeat sync with the kept profile receives <= 1.2 x its floor, and its median wall
time is no worse than the fresh-context syncs' median; after a new build, the first sync
fetches the new build once and the next ones are within the goal again. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from anywhere

from wosync.secret import Secret  # noqa: E402
from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME  # noqa: E402
from wosync.workfossa import WorkFossa, find_browser  # noqa: E402
from wosync.workfossa.locations import read_location_equipment  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from _browser_bench import _live_children, adopt_orphans, cpu_seconds, reap_orphans, simulated_site  # noqa: E402

BYTES_GOAL = 1.2


def control(base_url: str, path: str, body: dict | None = None):
    """GET (or POST `body` to) one of the simulated site's control endpoints; return its JSON."""
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(base_url + path, data=data)) as response:
        return json.loads(response.read())


def one_sync(base_url: str, browser: str, folder: Path, mode: str, orders: int, locations: list[int]) -> dict:
    """Run one sync's browser work in `mode` ("kept" or "fresh"); return its figures: bytes
    received (the browser's count), bytes sent and the floor (the site's counts), seconds."""
    before = control(base_url, "/__sim__/bytes")["total"]
    keep = set(_live_children())  # the simulated site
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    with WorkFossa(base_url, DEFAULT_USERNAME, Secret(DEFAULT_PASSWORD),
                   state_path=folder / f"{mode}-session.json", artefacts_dir=folder / "artefacts",
                   browser_executable=browser,
                   profile_dir=folder / "profile" if mode == "kept" else None) as wf:
        logged_in = wf.ensure_session()
        result = wf.read_work_orders()
        for location_id in locations:
            read_location_equipment(wf, location_id)
        received = wf.bytes_received
    wall = time.perf_counter() - start
    reap_orphans(keep)
    cpu = cpu_seconds() - cpu_before
    after = control(base_url, "/__sim__/bytes")["total"]
    assert result.rows_read == orders and result.complete, result
    return {"mode": mode, "received": received, "sent": after["bytes"] - before["bytes"],
            "floor": after["pages"] - before["pages"], "assets": after["assets"] - before["assets"],
            "wall": wall, "cpu": cpu, "login": logged_in}


def show(label: str, run: dict) -> None:
    """Print one sync's line: bytes received and its floor, their ratio, the build's share, time."""
    print(f"  {label:<28} received {run['received'] / 1e6:6.3f} MB  floor {run['floor'] / 1e6:6.3f} MB  "
          f"x{run['received'] / run['floor']:5.2f}  build {run['assets'] / 1e6:5.3f} MB  "
          f"sent {run['sent'] / 1e6:6.3f} MB  {run['wall']:5.2f} s (CPU {run['cpu']:5.2f} s){'  (login)' if run['login'] else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=250)
    parser.add_argument("--locations", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    browser = find_browser()
    adopt_orphans()  # count the CPU of every process of the browser (see _browser_bench)
    with simulated_site("--orders", str(args.orders), "--seed", "1") as base_url, \
            tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        locations = control(base_url, "/__sim__/locations")[: args.locations]
        build = control(base_url, "/__sim__/assets")["bytes"]
        print(f"{args.orders} orders, an Equipment step of {len(locations)} locations; "
              f"the site's build: {build / 1e6:.2f} MB")
        kept, fresh = [], []
        for i in range(1 + args.repeats):
            kept.append(one_sync(base_url, browser, folder, "kept", args.orders, locations))
            show(f"kept profile, {'cold' if i == 0 else f'repeat {i}'}", kept[-1])
            fresh.append(one_sync(base_url, browser, folder, "fresh", args.orders, locations))
            show(f"fresh context, sync {i + 1}", fresh[-1])
        new_build = control(base_url, "/__sim__/assets", {"bump": True})["build"]
        print(f"the site deploys build {new_build} (every file renamed)")
        after_bump = []
        for i in range(3):
            after_bump.append(one_sync(base_url, browser, folder, "kept", args.orders, locations))
            show(f"kept profile, new build +{i}", after_bump[-1])

    repeats = kept[1:]
    worst = max(r["received"] / r["floor"] for r in repeats)
    kept_wall = statistics.median(r["wall"] for r in repeats)
    fresh_wall = statistics.median(r["wall"] for r in fresh[1:])
    print("summary")
    print(f"  repeat syncs, kept profile: received / floor worst x{worst:.3f} "
          f"(median x{statistics.median(r['received'] / r['floor'] for r in repeats):.3f}; goal <= {BYTES_GOAL})")
    print(f"  fresh context syncs: received / floor median "
          f"x{statistics.median(r['received'] / r['floor'] for r in fresh[1:]):.2f}")
    print(f"  wall, repeat syncs: kept profile median {kept_wall:.2f} s, fresh context median {fresh_wall:.2f} s, "
          f"ratio {kept_wall / fresh_wall:.2f} (goal <= 1.0)")
    kept_cpu = statistics.median(r["cpu"] for r in repeats)
    fresh_cpu = statistics.median(r["cpu"] for r in fresh[1:])
    print(f"  CPU, repeat syncs (this process, the driver, the whole browser): kept profile median "
          f"{kept_cpu:.2f} s, fresh context median {fresh_cpu:.2f} s, ratio {kept_cpu / fresh_cpu:.2f}")
    first, rest = after_bump[0], after_bump[1:]
    print(f"  after the new build: first sync fetched {first['assets'] / 1e6:.2f} MB of build "
          f"(x{first['received'] / first['floor']:.2f} its floor), the next ones "
          + ", ".join(f"x{r['received'] / r['floor']:.3f}" for r in rest))


if __name__ == "__main__":
    main()
