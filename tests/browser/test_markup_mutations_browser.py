"""A sample of the markup mutations (tests/support/mutations.py) through a real Chromium: each
variant loaded with `page.set_content`, every request refused, and read the way the scraper
reads a live page (the list's rows by site.READ_PAGE, the Equipment tab by the Equipment step's
CONTENT_SHOWN), then parsed: exactly the capture's expected JSON. And the older release's rows
(rows-2025-04.html) read in Chromium.
"""

from __future__ import annotations

import pytest

from support.captures import browser, capture_expected, capture_html, open_capture  # noqa: F401 - fixture
from support.mutations import mutate
from wosync.workfossa import site
from wosync.workfossa.equipment import parse_dispensers
from wosync.workfossa.locations import CONTENT_SHOWN, SELECTORS
from wosync.workfossa.parse import parse_rows

pytestmark = pytest.mark.browser

BASE = "https://app.workfossa.com"
SAMPLE = (0, 1, 2, 41, 199)


def rows_in_chromium(browser, html: str) -> list[dict]:
    page = open_capture(browser, html=html)
    try:
        return parse_rows(page.evaluate(site.READ_PAGE, {"sel": site.PAGE_SELECTORS})["rowsHtml"], BASE)
    finally:
        page.context.close()


def dispensers_in_chromium(browser, html: str) -> list[dict]:
    page = open_capture(browser, html=html)
    try:
        shown = page.evaluate(CONTENT_SHOWN, {"sel": SELECTORS, "expanding": False})
        assert shown and shown["group"] == "expanded" and shown["items"] == shown["count"] == 8, shown
        return parse_dispensers(shown["html"])
    finally:
        page.context.close()


def test_the_older_rows_read_in_chromium_equal_the_expected_json(browser):
    assert rows_in_chromium(browser, capture_html("rows-2025-04.html")) == capture_expected("rows-2025-04.html")


@pytest.mark.parametrize("name", ["work-list-length-aware.html", "rows-2025-04.html"])
@pytest.mark.parametrize("tier", [1, 2])
def test_list_variants_read_in_chromium_equal_the_expected_json(browser, name, tier):
    expected = capture_expected(name)
    seeds = SAMPLE if name == "rows-2025-04.html" else SAMPLE[:2]
    for seed in seeds:
        assert rows_in_chromium(browser, mutate(capture_html(name), seed, tier)) == expected, (tier, seed)


@pytest.mark.parametrize("tier", [1, 2])
def test_equipment_variants_read_in_chromium_equal_the_expected_json(browser, tier):
    expected = capture_expected("equipment-dispensers.html")
    for seed in SAMPLE:
        assert dispensers_in_chromium(browser, mutate(capture_html("equipment-dispensers.html"), seed, tier)) \
            == expected, (tier, seed)
