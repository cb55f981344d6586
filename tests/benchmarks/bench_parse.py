"""Benchmark: the CPU cost of reading work-list rows (workfossa.parse.parse_rows), against the
floor of any lexbor-based reader of the same HTML.

    python tests/benchmarks/bench_parse.py [--rounds 9] [--orders 1000] [--no-browser]

On the same HTML, per row, in rounds that alternate the two so load changes hit both alike:
  * floor:       LexborHTMLParser(html, is_fragment=True).css(site.ROWS): one parse and the
                 one query that finds the rows, nothing read from them;
  * parse_rows:  wosync's reader, every field of every row (its caches of worked-out dates
                 emptied before each run, so each run pays what one sync pays).
The inputs are the 44 rows of the captured list (work-list-length-aware.html) as Chromium
serialises them (their outerHTML joined, what site.READ_PAGE hands over; as lexbor serialises
them with --no-browser or without a Chromium), and the rows of `--orders` simulated orders
(plus the completed tenth the generator adds), read a page of site.PAGE_SIZE at a time as the
scraper does, and in one call. Both are checked against their expected orders first.

Prints CPU time (time.process_time) beside wall time, the median of the rounds with the
fastest in brackets, µs per row, and parse_rows / floor. On a machine shared with other work
the CPU figures are the steadier ones, and the fastest round the least disturbed.
Not collected by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from anywhere
sys.path.insert(0, str(ROOT / "tests"))  # captures.py

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from support.captures import CHROMIUM, capture_expected, capture_html, open_capture  # noqa: E402
from wosync.fields import SCRAPED_FIELDS  # noqa: E402
from wosync.sim import render  # noqa: E402
from wosync.sim.data import generate_orders  # noqa: E402
from wosync.workfossa import parse, site  # noqa: E402

CAPTURE = "work-list-length-aware.html"
CAPTURE_BASE = "https://app.workfossa.com"
SIM_BASE = "http://127.0.0.1:9"
# Work for one timed run: enough rows that the clock's resolution does not matter.
ROWS_PER_RUN = 2000


def captured_rows(use_browser: bool) -> tuple[str, str]:
    """Return (the captured rows' outerHTML joined as site.READ_PAGE joins them, who serialised
    them): Chromium's serialisation where there is one, else lexbor's."""
    if use_browser and os.path.exists(CHROMIUM):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = open_capture(chromium, CAPTURE)
            html = page.evaluate(site.READ_PAGE, {"sel": site.PAGE_SELECTORS})["rowsHtml"]
            chromium.close()
        return html, "Chromium"
    rows = LexborHTMLParser(capture_html(CAPTURE)).css(site.ROWS)
    return "\n".join(row.html for row in rows), "lexbor (no browser)"


def simulated_pages(orders: int) -> tuple[list[str], int, list[dict]]:
    """Return (the rows of that many simulated orders as pages of site.PAGE_SIZE rows, each
    joined as site.READ_PAGE joins them, the number of rows, the orders they must read as)."""
    made, _ = generate_orders(orders, seed=11, today=dt.date(2026, 4, 10))
    rows = [render.row_html(order) for order in made]
    pages = ["\n".join(rows[i:i + site.PAGE_SIZE]) for i in range(0, len(rows), site.PAGE_SIZE)]
    expected = [{key: {"location_id": o.location_id, **o.expected(SIM_BASE)}[key] for key in SCRAPED_FIELDS}
                for o in made]
    return pages, len(rows), expected


def floor(pages: list[str], base: str) -> None:
    """Parse each page and find its rows: what any lexbor-based reader pays."""
    for html in pages:
        LexborHTMLParser(html, is_fragment=True).css(site.ROWS)


def read(pages: list[str], base: str) -> None:
    """Read every order of each page, as a sync does (date caches emptied first)."""
    parse._iso_date.cache_clear()
    parse._iso_day.cache_clear()
    for html in pages:
        parse.parse_rows(html, base)


def timed(run: Callable, pages: list[str], base: str, repeats: int) -> tuple[float, float]:
    """Return (CPU seconds, wall seconds) of `repeats` runs."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(repeats):
        run(pages, base)
    return time.process_time() - cpu, time.perf_counter() - wall


def measure(name: str, pages: list[str], rows: int, base: str, rounds: int) -> None:
    """Time the floor and parse_rows on the same pages, alternately; print µs per row."""
    repeats = max(1, ROWS_PER_RUN // rows)
    runs = {"floor": floor, "parse_rows": read}
    per_row = {key: ([], []) for key in runs}
    read(pages, base)  # warm-up: imports, allocator, caches of the CPU
    for _ in range(rounds):
        for key, run in runs.items():
            cpu, wall = timed(run, pages, base, repeats)
            per_row[key][0].append(cpu / repeats / rows * 1e6)
            per_row[key][1].append(wall / repeats / rows * 1e6)

    def shown(values: list[float]) -> str:
        return f"{statistics.median(values):7.1f} [{min(values):6.1f}]"

    print(f"\n{name}")
    print(f"  {'µs per row':24s} {'CPU median [fastest]':>22s} {'wall median [fastest]':>22s}")
    for key, (cpu, wall) in per_row.items():
        print(f"  {key:24s} {shown(cpu):>22s} {shown(wall):>22s}")
    cpu_floor, cpu_read = (statistics.median(per_row[k][0]) for k in runs)
    wall_floor, wall_read = (statistics.median(per_row[k][1]) for k in runs)
    best_floor, best_read = (min(per_row[k][0]) for k in runs)
    print(f"  {'parse_rows / floor':24s} {cpu_read / cpu_floor:7.2f} [{best_read / best_floor:6.2f}]"
          f" {wall_read / wall_floor:14.2f}")
    print(f"  {'reading beyond the floor':24s} {cpu_read - cpu_floor:7.1f} [{best_read - best_floor:6.1f}]"
          f" {wall_read - wall_floor:14.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--no-browser", action="store_true", help="lexbor's serialisation of the capture")
    args = parser.parse_args()

    captured, serialiser = captured_rows(not args.no_browser)
    assert parse.parse_rows(captured, CAPTURE_BASE) == capture_expected(CAPTURE), "the capture misreads"
    pages, rows, expected = simulated_pages(args.orders)
    assert [o for page in pages for o in parse.parse_rows(page, SIM_BASE)] == expected, "the sim misreads"

    print(f"rounds: {args.rounds}, load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    measure(f"44 captured rows, serialised by {serialiser} ({len(captured) // 44} bytes a row)",
            [captured], 44, CAPTURE_BASE, args.rounds)
    measure(f"{rows} simulated rows in pages of {site.PAGE_SIZE}, as the scraper reads them",
            pages, rows, SIM_BASE, args.rounds)
    measure(f"the same {rows} rows in one call", ["\n".join(pages)], rows, SIM_BASE, args.rounds)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
