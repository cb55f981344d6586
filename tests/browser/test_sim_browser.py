"""The simulated site's in-page scripts in real Chromium, for both pager versions: the login
form the script renders, the page-size choice (reload at page 1, stale selected-item), next
and prev, the last page, the simple pager without a count, the one-page cases, open-only
menu items, a 500, an expired session, the Equipment tab and a collapsed group.

One browser and one site per pager version for the module; a fresh context per test. These
test the site, not the scraper: the steps are plain Playwright calls.
"""

from __future__ import annotations

import os

import pytest

from wosync.sim import DEFAULT_PASSWORD, DEFAULT_USERNAME, Faults, SimulatedWorkFossa

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("WOSYNC_BROWSER", "/usr/lib/chromium/chromium")
LIST_PATH = ("/app/work/list?work_visit_completion=none%7C%7CNo%20visits%20completed"
             "%7C%7CWork%20Visits%20Completed&order_direction=asc")
PAGER = ".paginator-wrapper .pagination"
SIZE_MENU = "div.ks-select:has(input[name=limit])"
ROWS = "div.mt-2.bg-white div.row.work-list-item"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module", params=["length-aware", "simple"])
def sim(request):
    """130 orders: 6 pages of 25, 2 of 100 (the last one 30 rows)."""
    with SimulatedWorkFossa(count=130, seed=11, pager=request.param) as site:
        yield site


VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


@pytest.fixture(scope="module")
def signed_in(sim, browser):
    """One login through the form per site; its cookies seed each test's context (quicker
    than a login per test). Tests that end their session log in on their own."""
    context = browser.new_context(viewport=VIEWPORT)
    log_in(sim, context)
    state = context.storage_state()
    context.close()
    return state


def log_in(sim, context):
    page = context.new_page()
    page.goto(sim.base_url + "/")
    page.fill("input[name=email]", DEFAULT_USERNAME)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click('input[type=submit][value="Log In"]')
    page.wait_for_url("**/app/dashboard")
    return page


@pytest.fixture
def page(sim, browser, signed_in):
    """Logged in (the module's session), on the work list; faults and switches reset after."""
    sim.faults = Faults()
    context = browser.new_context(viewport=VIEWPORT, storage_state=signed_in)
    page = context.new_page()
    page.goto(sim.base_url + LIST_PATH)
    yield page
    context.close()
    sim.faults = Faults()
    sim.page_size_options = "at-rest"


def numbers(page) -> list[str]:
    return [t.strip() for t in page.locator(f"{ROWS} .ks-checkbox-label-wrapper a").all_inner_texts()]


def wait_rows(page, first: str, count: int) -> None:
    """Wait until the list shows `count` rows starting with order `first`."""
    page.wait_for_function(
        "([selector, first, count]) => { const rows = document.querySelectorAll(selector);"
        " return rows.length === count && rows[0].querySelector('.ks-checkbox-label-wrapper a')"
        ".textContent.trim() === first; }", arg=[ROWS, first, count])


def choose_size(page, size: int) -> None:
    menu = page.locator(SIZE_MENU)
    menu.locator(".ks-select-selection").click()
    menu.locator("ul.autocomplete-list > li", has_text=f"Show {size}").click()


def link_class(page, name: str) -> str:
    return page.locator(f"{PAGER} a.{name}").get_attribute("class")


def test_login_form_is_rendered_by_the_script_and_lands_on_the_real_layout(sim, context):
    page = context.new_page()
    page.goto(sim.base_url + "/")
    form = page.locator("#app .login-container form[name=login]")
    form.wait_for()
    assert form.get_attribute("action") == f"{sim.base_url}/login"
    assert page.locator("input[type=checkbox][name=remember]").is_checked()
    page.fill("input[name=email]", DEFAULT_USERNAME)
    page.fill("input[name=password]", "wrong")
    page.click('input[type=submit][value="Log In"]')
    page.locator("form[name=login] .error-msg").wait_for()
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click('input[type=submit][value="Log In"]')
    page.wait_for_url("**/app/dashboard")
    assert page.locator("div.top-bar a.dropdown-toggle").inner_text() == DEFAULT_USERNAME
    assert page.locator("#sidebar.side-nav").count() == 1 and page.locator("nav.main-nav").count() == 0
    page.locator("div.top-bar a.dropdown-toggle").click()
    page.locator("ul.sub-dropdown a", has_text="Logout").click()
    page.wait_for_url(sim.base_url + "/")
    page.goto(sim.base_url + "/app/dashboard")
    assert page.url == sim.base_url + "/"
    page.locator("form[name=login]").wait_for()


def test_page_size_reloads_at_page_1_and_selected_item_stays_stale(sim, page):
    expected = [o["number"] for o in sim.expected_orders()]
    assert numbers(page) == expected[:25]
    page.locator(f"{PAGER} a.next-page").click()
    wait_rows(page, expected[25], 25)  # on page 2 of 25 rows

    sim.faults.slow_ms = 300  # long enough to see a loader
    choose_size(page, 100)
    page.locator("#work-order-search-bar + div .loader-line").wait_for(state="visible")
    wait_rows(page, expected[0], 100)  # back at page 1
    sim.faults.slow_ms = 0
    menu = page.locator(SIZE_MENU)
    assert menu.locator(".ks-select-selection").inner_text().strip() == "Show 100"
    assert menu.locator("li.selected-item").inner_text() == "Show 25"  # the real site's stale marker
    assert menu.locator("input[name=limit]").get_attribute("value") is None
    assert "disabled" in link_class(page, "prev-page")
    assert page.locator(".loader-line:visible").count() == 0


def test_next_page_reads_the_rest_and_the_last_page_disables_next(sim, page):
    expected = [o["number"] for o in sim.expected_orders()]
    choose_size(page, 100)
    wait_rows(page, expected[0], 100)
    assert "disabled" not in link_class(page, "next-page")
    page.locator(f"{PAGER} a.next-page").click()
    wait_rows(page, expected[100], 30)
    assert numbers(page) == expected[100:]
    assert "disabled" in link_class(page, "next-page")
    assert "disabled" not in link_class(page, "prev-page")
    page.locator(f"{PAGER} a.next-page").click(force=True)  # a disabled link does nothing
    page.locator(f"{PAGER} a.prev-page").click()
    wait_rows(page, expected[0], 100)
    if sim.pager == "length-aware":
        assert page.locator(f"{PAGER} a.current-page").inner_text().strip() == "1"
        page.locator(f"{PAGER} a.page-link", has_text="2").click()
        wait_rows(page, expected[100], 30)


def test_the_count_stands_beside_the_length_aware_pager_only(sim, page):
    counts = page.locator(".paginator-wrapper div.text-right.muted")
    if sim.pager == "simple":
        assert counts.count() == 0
        assert "matches" not in page.locator("body").inner_text()
        assert page.locator(".paginator-wrapper .simple-pagination .pagination a.page-link").count() == 0
        return
    assert counts.inner_text().strip() == "130 matches"
    page.set_viewport_size({"width": 800, "height": 900})
    assert not counts.is_visible()  # sm-hide tab-hide: a scraper needs a desktop viewport


def test_one_page_length_aware_hides_the_pager_simple_disables_both(sim, page):
    sim.faults.empty_glitch = True
    sim.faults.slow_ms = 0
    page.reload()
    assert numbers(page) == []
    pager = page.locator(PAGER)
    if sim.pager == "simple":
        assert pager.is_visible()
        assert "disabled" in link_class(page, "prev-page") and "disabled" in link_class(page, "next-page")
    else:
        assert not pager.is_visible()
        assert "disabled" not in link_class(page, "next-page")  # seen: hidden, NOT disabled
        assert page.locator(".paginator-wrapper div.text-right.muted").inner_text().strip() == "0 matches"
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/rows" in r.url else None)
    choose_size(page, 50)  # on the only page nothing reloads
    page.wait_for_timeout(300)
    assert requests == []
    assert page.locator(f"{SIZE_MENU} .ks-select-selection").inner_text().strip() == "Show 50"


def test_open_only_items_exist_only_while_the_menu_is_open(sim, page):
    sim.page_size_options = "open-only"
    page.reload()
    menu = page.locator(SIZE_MENU)
    assert menu.locator("li").count() == 0
    menu.locator(".ks-select-selection").click()
    assert menu.locator("ul.autocomplete-list > li").all_inner_texts() == ["Show 25", "Show 50", "Show 100"]
    page.locator("h1.heading-label").click()  # a click elsewhere closes it
    assert menu.locator("li").count() == 0
    expected = [o["number"] for o in sim.expected_orders()]
    choose_size(page, 50)
    wait_rows(page, expected[0], 50)
    assert menu.locator("li").count() == 0


def test_a_500_keeps_the_rows_and_shows_an_error(sim, page):
    before = numbers(page)
    sim.faults.http_500_on_page = 2
    with page.expect_response(lambda r: "/app/work/list/rows" in r.url) as response:
        page.locator(f"{PAGER} a.next-page").click()
    assert response.value.status == 500
    page.locator("[role=alert]").wait_for(state="visible")
    assert numbers(page) == before


def test_an_expired_session_sends_the_browser_to_the_login_form(sim, context):
    sim.faults = Faults()
    page = log_in(sim, context)  # a session of its own: this one ends
    page.goto(sim.base_url + LIST_PATH)
    try:
        sim.faults.expire_session_after = 1  # the list page was the one request this session gets
        page.locator(f"{PAGER} a.next-page").click()
        page.wait_for_url(sim.base_url + "/")
        form = page.locator("form[name=login]")
        form.wait_for()
        # What the user sees: the login form, empty, where the list was; no row is left.
        assert page.url == sim.base_url + "/"
        assert form.locator("input[name=email]").is_visible() and form.locator("input[name=password]").is_visible()
        assert form.locator("input[name=password]").input_value() == ""
        assert page.locator(ROWS).count() == 0
        # And the session really ended: the list itself sends the browser back to the form.
        page.goto(sim.base_url + LIST_PATH)
        page.locator("form[name=login]").wait_for()
        assert page.url == sim.base_url + "/" and page.locator(ROWS).count() == 0
    finally:
        sim.faults = Faults()


def test_more_opens_the_instructions_tooltip(sim, page):
    if sim.pager == "simple":
        pytest.skip("the rows do not depend on the pager: once is enough")
    row = page.locator(ROWS).filter(has=page.locator("a:visible", has_text="more...")).first
    more = row.locator("a", has_text="more...")
    tooltip = row.locator(".med-10 > .ks-tooltip")
    assert not tooltip.is_visible()
    more.click()
    assert tooltip.is_visible()
    tooltip.locator("a", has_text="Close").click()
    assert not tooltip.is_visible()


@pytest.mark.parametrize("collapsed", [False, True])
def test_the_equipment_tab_loads_on_click_and_a_collapsed_group_expands(sim, context, signed_in, collapsed):
    if sim.pager == "simple" and not collapsed:
        pytest.skip("the location page does not depend on the pager: once is enough")
    sim.equipment_collapsed = collapsed
    sim.faults.equipment_slow_ms = 200
    try:
        lid = next(lid for lid in sim.location_ids() if len(sim.expected_dispensers(lid)) >= 2)
        expected = sim.expected_dispensers(lid)
        page = context.new_page()
        context.add_cookies(signed_in["cookies"])
        page.goto(f"{sim.base_url}/app/customers/locations/{lid}/")
        assert page.locator(".group-heading").count() == 0  # nothing before the tab is chosen
        page.locator("ul.tabs a", has_text="Equipment").click()
        heading = page.locator(".group-heading", has=page.locator("span.bold", has_text="Dispenser"))
        heading.wait_for()
        assert heading.locator("a[title]").text_content().split("(")[1].startswith(f"{len(expected)})")
        group = page.locator("div.mt-4", has=heading)
        items = group.locator("div.py-1\\.5")
        if collapsed:
            assert heading.locator("a[title]").get_attribute("title") == "Show equipment"
            assert items.count() == 0
            heading.locator('a[title="Show equipment"]').click()
        assert items.count() == len(expected)
        assert heading.locator("a[title]").get_attribute("title") == "Hide equipment"
        serials = [t.strip() for t in items.locator("div.muted.text-tiny").all_text_contents()]
        assert serials == [f"S/N: {d['serial']}" for d in expected]
        heading.locator('a[title="Hide equipment"]').click()
        assert items.count() == 0
        assert sim.state()["equipment_loads"].get(lid, 0) >= 1
    finally:
        sim.equipment_collapsed = False
        sim.faults = Faults()


def test_hostile_text_reaches_chromiums_dom_as_the_expected_orders_say(browser):
    """The hostile switch's text, served escaped, is in Chromium's DOM exactly as expected()
    says a correct scraper reads it (escapes, bidi controls and formulas as text)."""
    import re

    from wosync.sim import render
    from wosync.sim.data import generate_orders
    from wosync.sim.server import SIM_TODAY

    orders = [o for o in generate_orders(40, seed=5, today=SIM_TODAY, hostile=True)[0] if o.customer.startswith("Acme ")]
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_content(f'<div class="mt-2 bg-white">{render.rows_html(orders)}</div>')
        read = page.evaluate("""() => [...document.querySelectorAll('div.work-list-item')].map(row => ({
            customer: row.querySelector('.address a').textContent,
            street: row.querySelector('.address-info > div > div').textContent,
            contact: row.querySelector('.contact-name > div').textContent,
            status: row.querySelector('.work-status-badge > div').textContent,
            instructions: row.querySelector('.med-10 > div:first-child span.pre-wrap').textContent,
        }))""")
    finally:
        context.close()
    assert len(read) == len(orders) >= 5
    for got, order in zip(read, orders):
        expected = order.expected("http://x")
        for field in ("customer", "street", "contact", "status"):
            assert re.sub(r"\s+", " ", got[field]).strip() == expected[field], (order.number, field)
        assert got["instructions"].strip() == expected["instructions"]
