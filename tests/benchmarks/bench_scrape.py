"""Benchmark: wosync's scrape against the floor of any Playwright scrape of the same pages.

    python tests/benchmarks/bench_scrape.py [--orders 1000] [--repeat 5] [--pager length-aware|simple]

For each pager version of the site (both unless --pager names one), on a simulated site with
1,000 orders (in its own process), time (median of a few runs, each from browser launch
to browser closed, fresh session so a login is included):
  * wosync:  WorkFossa(...).read_work_orders() - parses every row into the order dict;
  * floor:   a minimal Playwright script that only logs in, chooses Show 100 and clicks
             next-page through every page, waiting on the rows to change.
Prints both medians and the ratio (goals: <= 1.2 in wall time, <= 1.15 in CPU time) (this
process, Playwright's driver and every process of the browser, its renderers included; the
simulated site's own process is not counted), and for comparison the CPU ratio as counted
before 2026-12-02, which missed the renderers (see _browser_bench.adopt_orphans). On a machine
shared with other work, the CPU figures are the steadier ones. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from anywhere

from wosync.secret import Secret  # noqa: E402
from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME  # noqa: E402
from wosync.workfossa import WorkFossa, find_browser  # noqa: E402
from wosync.workfossa import site  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from _browser_bench import adopt_orphans, measured, print_ratios, simulated_site  # noqa: E402

PAGERS = ("length-aware", "simple")


@measured
def run_wosync(base_url: str, browser: str, expected: int) -> float:
    """Scrape with wosync from a fresh session; return the seconds taken."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with WorkFossa(base_url, DEFAULT_USERNAME, Secret(DEFAULT_PASSWORD),
                       state_path=Path(folder) / "session.json",
                       artefacts_dir=Path(folder) / "artefacts",
                       browser_executable=browser) as wf:
            result = wf.read_work_orders()
        elapsed = time.perf_counter() - start
    assert result.rows_read == expected and result.complete, result
    return elapsed


@measured
def run_floor(base_url: str, browser: str, expected: int) -> float:
    """Log in, Show 100 and click through every page with bare Playwright; return seconds."""
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser, headless=True)
        page = chromium.new_page(viewport={"width": 1440, "height": 900})
        page.goto(base_url + "/")
        page.fill("input[name=email]", DEFAULT_USERNAME)
        page.fill("input[name=password]", DEFAULT_PASSWORD)
        with page.expect_navigation():
            page.click("input[type=submit]")
        page.goto(base_url + site.ACTIVE_LIST_PATH)
        menu = page.locator("div.ks-select", has=page.locator("input[name=limit]"))
        menu.locator(".ks-select-selection").click()
        menu.locator("li", has_text="Show 100").click()
        page.wait_for_function("() => document.querySelectorAll('div.work-list-item').length > 25")
        pages = -(-expected // 100)
        first_row = "() => document.querySelector('div.work-list-item').className"
        for _ in range(2, pages + 1):
            before = page.evaluate(first_row)
            page.click(".paginator-wrapper .pagination a.next-page")
            page.wait_for_function(
                "(before) => { const row = document.querySelector('div.work-list-item');"
                " return row && row.className !== before; }", arg=before)
        chromium.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pager", choices=PAGERS, help="only this pager version (default: both)")
    args = parser.parse_args()
    adopt_orphans()  # count the whole browser, renderers included

    browser = find_browser()
    for pager in [args.pager] if args.pager else PAGERS:
        with simulated_site("--orders", str(args.orders), "--pager", pager) as base_url:
            expected = args.orders
            # Warm-up, one run of each: disk and page caches, and what either side does once
            # per process (lazy imports, compiled patterns), which the timed runs must not pay.
            run_floor(base_url, browser, expected)
            run_wosync(base_url, browser, expected)
            wosync_times, floor_times = [], []
            for _ in range(args.repeat):  # interleaved, so load changes hit both alike
                floor_times.append(run_floor(base_url, browser, expected))
                wosync_times.append(run_wosync(base_url, browser, expected))
        print(f"pager: {pager}, orders: {expected}, pages: {-(-expected // 100)}, "
              f"repetitions: {args.repeat}, load average at the end: {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        print_ratios("read_work_orders", floor_times, wosync_times, goals=(1.2, 1.15))

if __name__ == "__main__":
    main()
