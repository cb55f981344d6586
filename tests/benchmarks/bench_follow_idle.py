"""Benchmark: the CPU `wosync status --line --follow` uses while nothing happens, against a
process that only sleeps.

    python tests/benchmarks/bench_follow_idle.py [--window 120] [--orders 250]

A status bar (waybar, i3blocks, polybar) keeps one `status --line --follow` process for the
whole session. This starts, on a temporary data folder with `--orders` stored orders and two
enabled schedules (none due for an hour), a real `wosync daemon` (it writes its heartbeat every
30 s, as it does on a user's machine) and the follower, waits until the line was printed and
40 s more (the first re-read imports what re-reading needs: once a session), then measures the
follower's CPU time (user + system, every thread, /proc schedstat) over the
window. In the same window it measures the floor: a bare `python -c "import time; ..."` that
wakes up as often as the follower polls (every 2 s) and does nothing. Prints both scaled to
10 minutes and their ratio. Goal: under 0.05 s of CPU per 10 minutes. Exit status 1 when the
goal is missed. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from anywhere
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers (support/)

from bench_daemon_idle import cpu_seconds, daemon_env, wait_until_idle  # noqa: E402
from _orders import generate_orders  # noqa: E402
from wosync.clock import system_clock  # noqa: E402
from wosync.store import Store  # noqa: E402
from support.stored_orders import store_sync  # noqa: E402

GOAL_SECONDS_PER_10_MIN = 0.05
ACCOUNT = "tech@example.com"
# The floor: a process that wakes as often as the follower and does nothing else.
WARM_UP_SECONDS = 40.0
FLOOR = "import time\nwhile True:\n    time.sleep(2.0)\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--window", type=float, default=120.0, help="seconds to measure (default 120)")
    parser.add_argument("--orders", type=int, default=250, help="stored orders (default 250)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        env = daemon_env(home)
        store = Store()
        now = system_clock()
        orders, _ = generate_orders(args.orders)
        store_sync(store, orders, now - timedelta(minutes=20), account=ACCOUNT)  # the last sync, a success
        for index in range(2):
            store.create_schedule(ACCOUNT, 1.0 + index, None, None, "UTC", True,
                                  now + timedelta(hours=1, minutes=index), now)

        daemon = subprocess.Popen([sys.executable, "-m", "wosync", "daemon"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        follower = floor = None
        try:
            wait_until_idle(store, daemon.pid, daemon)
            follower = subprocess.Popen([sys.executable, "-m", "wosync", "status", "--line", "--follow"], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            floor = subprocess.Popen([sys.executable, "-c", FLOOR])
            first = follower.stdout.readline().strip()  # started and drew its line
            # Steady state: past the first re-read after a daemon heartbeat (its first call imports
            # what re-reading needs, once per session) and past the floor's own start-up.
            time.sleep(WARM_UP_SECONDS)
            follower_before, floor_before = cpu_seconds(follower.pid), cpu_seconds(floor.pid)
            started = time.monotonic()
            time.sleep(args.window)
            follower_used = cpu_seconds(follower.pid) - follower_before
            floor_used = cpu_seconds(floor.pid) - floor_before
            elapsed = time.monotonic() - started
            alive = follower.poll() is None
        finally:
            for process in (follower, floor):
                if process is not None:
                    process.kill()
                    process.wait()
            daemon.terminate()
            try:
                daemon.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.communicate()
        store.close()

    scale = 600.0 / elapsed
    follower_10, floor_10 = follower_used * scale, floor_used * scale
    print(f"line shown: {first!r}; {args.orders} orders, a live daemon; window {elapsed:.1f} s "
          f"(CPU time from /proc schedstat)")
    print(f"status --line --follow : {follower_used * 1000:.2f} ms CPU -> {follower_10:.4f} s per 10 min")
    print(f"floor (wakes every 2 s): {floor_used * 1000:.2f} ms CPU -> {floor_10:.4f} s per 10 min")
    ratio = f"{follower_used / floor_used:.1f}x" if floor_used > 0 else "n/a (the floor used no measurable CPU)"
    print(f"ratio {ratio}")
    met = alive and follower_10 < GOAL_SECONDS_PER_10_MIN
    print(f"goal < {GOAL_SECONDS_PER_10_MIN} s per 10 min: {'met' if met else 'MISSED'}"
          + ("" if alive else " (the follower exited)"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
