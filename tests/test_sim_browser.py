"""The simulated site's in-page script in real Chromium: page size, pagination, loader,
the one-page trap, a 500 and an expired session. One browser and one site for the module."""

from __future__ import annotations

import os

import pytest

from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME, Faults, SimulatedWorkFossa

playwright_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("WOSYNC_BROWSER", "/usr/lib/chromium/chromium")
LIST_PATH = ("/app/work/list?work_visit_completion=none%7C%7CNo%20visits%20completed"
             "%7C%7CWork%20Visits%20Completed&order_direction=asc")
PAGER = ".simple-pagination .pagination"


@pytest.fixture(scope="module")
def sim():
    with SimulatedWorkFossa(count=130, seed=11) as site:
        yield site


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def page(sim, browser):
    """A fresh desktop-size browser context, logged in through the form, on the work list."""
    sim.faults = Faults()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(sim.base_url + "/")
    page.fill("input[name=email]", DEFAULT_USERNAME)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click('input[type=submit][value="Log In"]')
    page.wait_for_url("**/app/dashboard")
    page.goto(sim.base_url + LIST_PATH)
    yield page
    context.close()
    sim.faults = Faults()


def numbers(page) -> list[str]:
    return [t.strip() for t in page.locator("div.work-list-item .ks-checkbox-label-wrapper a").all_inner_texts()]


def choose_size(page, size: int) -> None:
    select = page.locator("div.ks-select:has(input[name=limit])")
    select.locator(".ks-select-selection").click()
    select.locator("ul.autocomplete-list > li", has_text=f"Show {size}").click()


def current_page_is(page, n: int) -> None:
    page.wait_for_function(
        f"document.querySelector('{PAGER} .current-page').textContent.trim() === '{n}'")


def test_page_size_and_pagination_read_every_order_once(sim, page):
    expected = [o["number"] for o in sim.expected_orders()]
    assert numbers(page) == expected[:25]
    assert page.locator("div.text-right.muted").first.inner_text().strip() == "130 matches"

    sim.faults.slow_ms = 300  # long enough to see the list's loader
    choose_size(page, 100)
    page.locator(".list-loader").wait_for(state="visible")
    page.wait_for_function("document.querySelectorAll('div.work-list-item').length === 100")
    page.locator(".list-loader").wait_for(state="hidden")
    sim.faults.slow_ms = 0
    assert numbers(page) == expected[:100]
    select = page.locator("div.ks-select:has(input[name=limit])")
    assert select.locator("li.selected-item").inner_text() == "Show 100"
    assert "disabled" in page.locator(f"{PAGER} a.prev-page").get_attribute("class")

    page.locator(f"{PAGER} a.next-page").click()
    current_page_is(page, 2)
    assert numbers(page) == expected[100:]
    assert "disabled" in page.locator(f"{PAGER} a.next-page").get_attribute("class")
    page.locator(f"{PAGER} a.prev-page").click()
    current_page_is(page, 1)
    assert numbers(page) == expected[:100]

    page.set_viewport_size({"width": 800, "height": 900})
    assert not page.locator("div.text-right.muted").first.is_visible()


def test_one_page_hides_the_pagination_without_disabling_next(sim, page):
    sim.faults.empty_glitch = True
    choose_size(page, 50)
    page.wait_for_function("document.querySelectorAll('div.work-list-item').length === 0")
    assert page.locator("div.text-right.muted").first.inner_text().strip() == "0 matches"
    assert not page.locator(PAGER).is_visible()
    assert "disabled" not in page.locator(f"{PAGER} a.next-page").get_attribute("class")


def test_a_500_keeps_the_rows_and_shows_an_error(sim, page):
    before = numbers(page)
    sim.faults.http_500_on_page = 2
    with page.expect_response(lambda r: "/app/work/list/rows" in r.url) as response:
        page.locator(f"{PAGER} a.next-page").click()
    assert response.value.status == 500
    page.locator(".list-error").wait_for(state="visible")
    assert numbers(page) == before
    assert page.locator(f"{PAGER} .current-page").inner_text().strip() == "1"


def test_an_expired_session_sends_the_browser_to_the_login_form(sim, page):
    sim.faults.expire_session_after = 1  # the list page was the one request this session gets
    page.locator(f"{PAGER} a.next-page").click()
    page.wait_for_url(sim.base_url + "/")
    assert page.locator("form[name=login]").is_visible()
