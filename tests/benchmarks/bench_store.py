"""Benchmark: storing and diffing 100,000 work orders through the real sync path
(goal: within 2 x a raw executemany of the same rows).

Run it as a script (pytest does not collect it):

    python tests/benchmarks/bench_store.py [--orders 100000] [--runs 3]

What is timed, each best of --runs, in wall time and in CPU time (the second is what a busy
machine disturbs least):
  floor         the least any storage could do with the scraped rows: build each row's tuple
                (items as JSON text, one prebuilt encoder) and one raw sqlite3 `executemany`
                INSERT of the same columns into a fresh table (the store's own CREATE TABLE
                work_orders, primary key included, none of its other indexes) of a fresh WAL
                file (synchronous=NORMAL, like the store), in one transaction.
  first sync    `run_sync` with a source that returns the generated rows, into an empty store
                (temporary WOSYNC_HOME): the account lock, the `runs` row, progress records,
                loading the stored orders, the diff, the one-transaction save.
  second sync   the same store, the next scrape: 1% of the orders changed, 0.5% new,
                0.5% gone (marked completed).
Each sync's result is checked (counts of new, updated, completed orders, and the `changes`
rows) before any figure is printed: a fast wrong answer is not a result.

Peak memory is measured in one extra, untimed run under tracemalloc: the most Python memory
the sync had allocated at once beyond its input (SQLite's own page cache is not included).
Notifications are off (`SyncOptions(notify=False)`): this measures storing and diffing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, when run as a script
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _orders import Scrape, generate_orders, next_scrape  # noqa: E402

from wosync.fields import SCRAPED_FIELDS  # noqa: E402
from wosync.store import Store  # noqa: E402
from wosync.sync import SyncOptions, run_sync  # noqa: E402

ACCOUNT = "tech@example.com"
GOAL_RATIO = 2.0


@dataclass
class Outcome:
    """What the benchmark's source returns: the ScrapeOutcome of wosync.sync."""

    orders: list[dict]
    matches: int
    rows_read: int


def source_of(orders: list[dict]) -> Callable:
    """Given scraped records, return a sync source that reads them at once (no browser)."""
    def source(account, password, on_page, cancel) -> Outcome:
        return Outcome(orders, matches=len(orders), rows_read=len(orders))

    return source


def clock() -> datetime:
    return datetime.now(timezone.utc)


def work_orders_table_sql() -> str:
    """Return the store's own CREATE TABLE work_orders statement (so the floor has the same columns)."""
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "schema.db") as store:
        return store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'work_orders'").fetchone()[0]


def floor_seconds(orders: list[dict], folder: Path, table_sql: str) -> tuple[float, float]:
    """Given records and an empty folder, return the (wall, CPU) seconds of the raw executemany INSERT."""
    conn = sqlite3.connect(str(folder / "floor.db"), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(table_sql)
    columns = ("account", *SCRAPED_FIELDS, "first_seen_at", "last_seen_at", "completed_at")
    sql = f"INSERT INTO work_orders({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    stamp = "2026-04-10T10:00:00Z"
    items_at = SCRAPED_FIELDS.index("items")
    encode_items = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    start, cpu = time.perf_counter(), time.process_time()
    rows = []
    for order in orders:
        values = [order[name] for name in SCRAPED_FIELDS]
        values[items_at] = encode_items(values[items_at])
        rows.append((ACCOUNT, *values, stamp, stamp, None))
    conn.execute("BEGIN")
    conn.executemany(sql, rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return elapsed


def timed_sync(store: Store, orders: list[dict]) -> tuple[tuple[float, float], dict]:
    """Given a store and scraped records, run one real sync; return ((wall, CPU) seconds, run record)."""
    account = store.ensure_account(ACCOUNT, "https://app.workfossa.com", clock())
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    run = run_sync(store, account, clock, SyncOptions(notify=False), source=source_of(orders))
    return (time.perf_counter() - start, time.process_time() - cpu), run


def check(store: Store, run: dict, label: str, new: int, updated: int, completed: int) -> None:
    """Stop the benchmark when a sync's result is wrong (a fast wrong answer is not a result)."""
    kinds = dict(store.conn.execute(
        "SELECT kind, count(*) FROM changes WHERE run_id = ? GROUP BY kind", (run["id"],)).fetchall())
    got = (run["status"], run["added"], run["updated"], run["removed"],
           kinds.get("new", 0), kinds.get("updated", 0), kinds.get("completed", 0))
    want = ("success", new, updated, completed, new, updated, completed)
    if got != want:
        raise SystemExit(f"{label}: wrong result {got}, expected {want}: {run.get('error_message')}")


def one_round(first: list[dict], second: Scrape, table_sql: str) -> list[tuple[float, float]]:
    """Run the floor, a first sync and a second sync in fresh folders; return their (wall, CPU) seconds."""
    with tempfile.TemporaryDirectory(prefix="wosync-bench-") as folder:
        home = Path(folder)
        os.environ["WOSYNC_HOME"] = str(home / "home")
        floor = floor_seconds(first, home, table_sql)
        with Store() as store:
            first_s, run = timed_sync(store, first)
            check(store, run, "first sync", len(first), 0, 0)
            second_s, run = timed_sync(store, second.orders)
            check(store, run, "second sync", second.new, second.updated, second.completed)
    return [floor, first_s, second_s]


def peak_memory(first: list[dict], second: Scrape) -> tuple[int, int]:
    """Return the peak Python memory (bytes) allocated during a first and a second sync."""
    peaks = []
    with tempfile.TemporaryDirectory(prefix="wosync-bench-") as folder:
        os.environ["WOSYNC_HOME"] = folder
        with Store() as store:
            for orders in (first, second.orders):
                gc.collect()
                tracemalloc.start()
                base = tracemalloc.get_traced_memory()[0]
                timed_sync(store, orders)
                peaks.append(tracemalloc.get_traced_memory()[1] - base)
                tracemalloc.stop()
    return peaks[0], peaks[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    first, factory = generate_orders(args.orders)
    second = next_scrape(first, factory)
    print(f"generated {len(first):,} orders, next scrape {len(second.orders):,} "
          f"({second.updated} changed, {second.new} new, {second.completed} gone) "
          f"in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    table_sql = work_orders_table_sql()

    rounds = []
    for n in range(args.runs):
        rounds.append(one_round(first, second, table_sql))
        print(f"run {n + 1}: " + ", ".join(f"{name} {wall:.3f} s (CPU {cpu:.3f} s)" for name, (wall, cpu)
                                            in zip(("floor", "first sync", "second sync"), rounds[-1])), file=sys.stderr)
    first_peak, second_peak = peak_memory(first, second)

    # Best of the runs, wall and CPU each (CPU time is what a busy machine disturbs least).
    best = [(min(r[i][0] for r in rounds), min(r[i][1] for r in rounds)) for i in range(3)]
    (floor, floor_cpu), (first_s, first_cpu), (second_s, second_cpu) = best
    rows = [
        ("raw sqlite3 executemany (floor)", floor, floor_cpu, None, None, None),
        (f"first sync, {args.orders:,} new", first_s, first_cpu, first_s / floor, first_cpu / floor_cpu, first_peak),
        ("second sync, 1% changed, 0.5% new, 0.5% gone", second_s, second_cpu, second_s / floor,
         second_cpu / floor_cpu, second_peak),
    ]
    print(f"\nStoring and diffing {args.orders:,} work orders (best of {args.runs}; goal <= {GOAL_RATIO:g} x floor)\n")
    print("| what | wall time | x floor | CPU time | x floor | peak Python memory |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, wall, cpu, ratio, cpu_ratio, peak in rows:
        ratios = ("1.00", "1.00") if ratio is None else (f"{ratio:.2f}", f"{cpu_ratio:.2f}")
        peak_text = "" if peak is None else f"{peak / 2**20:.0f} MiB"
        print(f"| {label} | {wall:.2f} s | {ratios[0]} | {cpu:.2f} s | {ratios[1]} | {peak_text} |")
    worst = max(r[3] for r in rows if r[3] is not None)
    print(f"\n{'within' if worst <= GOAL_RATIO else 'ABOVE'} the goal (worst wall-time ratio {worst:.2f})")


if __name__ == "__main__":
    main()
