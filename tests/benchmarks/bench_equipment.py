"""Benchmark: reading the Equipment tab of 100 locations with wosync, against the floor of any
Playwright script loading the same pages.

    python tests/benchmarks/bench_equipment.py [--locations 100] [--repeat 3] [--collapsed]

On a simulated site in its own process (enough orders for the locations asked for), time
(median of a few interleaved runs, each from browser launch to browser closed, a login
included):
  * wosync:  WorkFossa(...) then read_location_equipment() for each location: open the page,
             find the Equipment tab by its text, click it, wait for the Dispenser group
             (expanding it when collapsed), parse every dispenser; checked against the site;
  * floor:   a bare Playwright script that logs in, then for each location opens the page,
             clicks the tab and waits for the equipment to show (nothing parsed).
Prints both medians and the ratio, wall time and CPU time (this process and the browser; the
site's own process is not counted; goal <= 1.3). On a machine shared with other work, the CPU
figures are the steadier ones. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from anywhere

from wosync.secret import Secret  # noqa: E402
from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME  # noqa: E402
from wosync.workfossa import WorkFossa, find_browser, site  # noqa: E402
from wosync.workfossa.locations import read_location_equipment  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from _browser_bench import adopt_orphans, measured, print_ratios, simulated_site  # noqa: E402

GOAL = 1.3


def control(base_url: str, path: str):
    """GET one of the simulated site's control endpoints; return its JSON."""
    with urllib.request.urlopen(base_url + path) as response:
        return json.loads(response.read())


@measured
def run_wosync(base_url: str, browser: str, ids: list[int], expected: dict[int, list]) -> float:
    """Read every location's dispensers with wosync from a fresh session; return the seconds."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        with WorkFossa(base_url, DEFAULT_USERNAME, Secret(DEFAULT_PASSWORD),
                       state_path=Path(folder) / "session.json", artefacts_dir=Path(folder) / "artefacts",
                       browser_executable=browser) as wf:
            wf.ensure_session()
            read = {location_id: read_location_equipment(wf, location_id) for location_id in ids}
        elapsed = time.perf_counter() - start
    assert read == expected, "wosync read other dispensers than the site shows"
    return elapsed


# The floor's wait: the tab's content is there (a group heading, or the "No equipment" line).
FLOOR_SHOWN = """(collapsed) => {
  const headings = document.querySelectorAll('div.group-heading');
  if (!headings.length) return !!document.querySelector('.tab-content .muted.text-sm');
  return true;
}"""
FLOOR_TOGGLE = 'div.group-heading:has(span.bold:text-is("Dispenser")) a[title="Show equipment"]'
FLOOR_EXPANDED = "() => !!document.querySelector('div.group-heading a[title=\"Hide equipment\"]')"


@measured
def run_floor(base_url: str, browser: str, ids: list[int], collapsed: bool) -> float:
    """Log in, then open each location's Equipment tab with bare Playwright; return seconds."""
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
        for location_id in ids:
            page.goto(base_url + site.LOCATION_PATH.format(location_id=location_id), wait_until="domcontentloaded")
            page.click("ul.tabs a:text-is('Equipment')")
            page.wait_for_function(FLOOR_SHOWN, arg=collapsed)
            if collapsed and page.locator(FLOOR_TOGGLE).count():  # the Dispenser group, as wosync
                page.locator(FLOOR_TOGGLE).click()
                page.wait_for_function(FLOOR_EXPANDED)
        chromium.close()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--collapsed", action="store_true", help="the Dispenser groups start collapsed")
    args = parser.parse_args()
    adopt_orphans()  # count the whole browser, renderers included

    browser = find_browser()
    # About 2.3 orders share a location on the simulated site: enough orders for the locations.
    options = ["--orders", str(args.locations * 3)] + (["--equipment-collapsed"] if args.collapsed else [])
    with simulated_site(*options) as base_url:
        ids = control(base_url, "/__sim__/locations")[:args.locations]
        assert len(ids) == args.locations, f"the site has only {len(ids)} locations"
        expected = {i: control(base_url, f"/__sim__/dispensers?location_id={i}") for i in ids}
        run_floor(base_url, browser, ids, args.collapsed)  # warm-up: disk caches, page cache
        wosync_times, floor_times = [], []
        for _ in range(args.repeat):  # interleaved, so load changes hit both alike
            floor_times.append(run_floor(base_url, browser, ids, args.collapsed))
            wosync_times.append(run_wosync(base_url, browser, ids, expected))
    dispensers = sum(len(d) for d in expected.values())
    print(f"locations: {len(ids)} ({dispensers} dispensers{', groups collapsed' if args.collapsed else ''}), "
          f"repetitions: {args.repeat}, load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print_ratios("read_location_equipment", floor_times, wosync_times, goals=(GOAL, GOAL))

if __name__ == "__main__":
    main()
