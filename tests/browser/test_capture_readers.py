"""The in-page readers of site.py on the saved pages of the real site, in a real Chromium.

Each page is loaded with `page.set_content` while every network request is refused, so only
the saved DOM is read. Besides the captures as they are, two variants are derived from the
captured list page by changing its pager bar alone: the simple pager of docs/workfossa-site.md
correction 3 (prev/next only, no match count; not captured), and a length-aware pager on
page 1 of 3 (the captured one, shown). The states read here are the ones the pure rules of
tests/unit/test_paging.py are tested on.
"""

from __future__ import annotations

import re

import pytest

from wosync.workfossa import paging, site
from wosync.workfossa.paging import ListState

from support.captures import browser, capture_html, open_capture  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.browser

APP_URL = "https://app.workfossa.com" + site.ACTIVE_LIST_PATH
ARG = {"sel": site.PAGE_SELECTORS}

# The captured pager bar: the hidden length-aware pager on page 1 and its count.
_CAPTURED_PAGER = re.compile(
    r'<div class="pagination flex-shrink-0 text-sm" style="display: none;">.*?44 matches\s*</div>',
    re.S)
# The simple pager as docs/workfossa-site.md quotes it (correction 3): on the first of several pages.
_SIMPLE_PAGER = ('<div class="pagination text-sm"><ul><li><a href="#" class="prev-page disabled">'
                 '&lt;</a></li> <li><a href="#" class="next-page">&gt;</a></li></ul></div>')
_SHOWN_LENGTH_AWARE = (
    '<div class="pagination flex-shrink-0 text-sm"><ul class="row"><li><a href="#" '
    'class="prev-page">&lt;</a></li> <li><a href="#" class="page-link current-page">1</a></li> '
    '<li><a href="#" class="page-link">2</a></li> <li><a href="#" class="page-link">3</a></li> '
    '<li><a href="#" class="next-page">&gt;</a></li></ul></div> '
    '<div class="text-right muted text-sm ks-padding-fix sm-hide tab-hide med-show-up">'
    '244 matches</div>')


def list_variant(pager_html: str, simple: bool) -> str:
    """Return the captured list page with its pager bar replaced (and, for the simple pager,
    its wrapper class changed from length-aware-pagination to simple-pagination)."""
    html, replaced = _CAPTURED_PAGER.subn(pager_html, capture_html("work-list-length-aware.html"))
    assert replaced == 1, "the captured pager bar was not found"
    if simple:
        html = html.replace('class="length-aware-pagination ', 'class="simple-pagination ', 1)
    return html


def state_of(page) -> ListState:
    return ListState.from_reader(page.evaluate(site.LIST_STATE, ARG))


# --- the captured list page -------------------------------------------------------------------

def test_the_list_reader_sees_44_matches_44_rows_show_100_and_a_hidden_pager(browser):
    page = open_capture(browser, "work-list-length-aware.html")
    state = state_of(page)
    assert (state.matches, state.row_count) == (44, 44)
    assert state.size_label == "Show 100"
    assert (state.pager_kind, state.pager_visible) == ("length-aware", False)
    # The hidden pager's next-page is not marked disabled (seen): only hiding says "last page".
    assert (state.next_found, state.next_disabled, state.page) == (True, False, 1)
    assert state.login is False and state.layout is True
    # The stale marker the scraper must not believe:
    assert page.locator(f"{site.PAGE_SIZE_MENU} li.selected-item").inner_text() == "Show 25"
    # The decisions on it: no page-size choice needed, stop on the count, complete by count.
    assert paging.wants_page_size(state) is False
    reason = paging.stop_reason(state, 44, 44, 1)
    assert reason == paging.COUNT_REACHED
    assert paging.completeness(state.matches, 44, reason, False) == "count"


def test_the_list_pager_is_the_one_in_the_paginator_wrapper_not_the_modals(browser):
    page = open_capture(browser, "work-list-length-aware.html")
    assert page.locator(".pagination").count() == 2  # a hidden modal's comes first
    first = page.locator(".pagination").first.evaluate("(el) => !!el.closest('.paginator-wrapper')")
    assert first is False
    assert page.locator(site.LIST_PAGER).count() == 1
    assert page.locator(site.PAGE_SIZE_MENU).count() == 1
    assert page.locator("div.ks-select").count() == 3  # the other menus stand in the page too


def test_a_page_read_hands_over_every_row(browser):
    page = open_capture(browser, "work-list-length-aware.html")
    raw = page.evaluate(site.READ_PAGE, ARG)
    assert raw["rowsHtml"].count('class="row py-2 work-list-item') == 44


def test_the_list_page_under_app_is_judged_a_login(browser):
    page = open_capture(browser, "work-list-length-aware.html", url=APP_URL)
    assert page.evaluate(site.LOGIN_OUTCOME, ARG)["outcome"] == "app"


def test_the_loaders_are_all_hidden_at_rest(browser):
    page = open_capture(browser, "work-list-length-aware.html")
    loaders = page.locator(".loader-line")
    assert loaders.count() == 10
    assert all(not loaders.nth(i).is_visible() for i in range(10))


# --- the captured login page ------------------------------------------------------------------

def test_the_login_page_shows_the_login_form(browser):
    page = open_capture(browser, "login.html", url="https://app.workfossa.com/")
    assert page.evaluate(site.LOGIN_FORM_SHOWN, ARG) is True
    assert page.evaluate(site.LOGIN_OUTCOME, ARG)["outcome"] == "form"
    assert state_of(page).login is True
    form = page.locator(site.LOGIN_FORM)
    for field in (site.LOGIN_EMAIL, site.LOGIN_PASSWORD, site.LOGIN_SUBMIT):
        assert form.locator(field).count() >= 1, field
    assert form.locator(site.LOGIN_SUBMIT).first.get_attribute("value") == "Log In"


def test_a_page_neither_under_app_nor_with_a_login_form_is_undecided(browser):
    page = open_capture(browser, "work-list-length-aware.html", url="https://app.workfossa.com/two-factor")
    assert page.evaluate(site.LOGIN_OUTCOME, ARG) is False


# --- the two pager versions, derived from the capture -----------------------------------------

def test_the_simple_pager_has_no_count_and_pages_by_its_links(browser):
    page = open_capture(browser, html=list_variant(_SIMPLE_PAGER, simple=True))
    state = state_of(page)
    assert (state.pager_kind, state.pager_visible, state.matches, state.page) == ("simple", True, None, None)
    assert (state.next_disabled, state.prev_disabled) == (False, True)
    # Next-page enabled: more than one page, resized unless the selection shows Show 100 already
    # (as the captured one does).
    assert paging.wants_page_size(state) is False
    assert paging.wants_page_size(ListState(**{**vars(state), "size_label": "Show 25"})) is True
    assert paging.stop_reason(state, 44, 44, 1) is None


def test_the_simple_pager_on_its_last_page_stops_and_is_complete(browser):
    last = _SIMPLE_PAGER.replace('class="next-page"', 'class="next-page disabled"')
    page = open_capture(browser, html=list_variant(last, simple=True))
    state = state_of(page)
    assert state.next_disabled is True
    reason = paging.stop_reason(state, 244, 44, 3)
    assert reason == paging.LAST_PAGE
    assert paging.completeness(state.matches, 244, reason, empty_page_seen=False) == "pager"


@pytest.mark.parametrize("marked", [
    '<li class="disabled"><a href="#" class="next-page">',
    '<li><a href="#" class="next-page" aria-disabled="true">',
], ids=["on-the-list-item", "aria-disabled"])
def test_a_next_page_marked_disabled_another_way_is_the_last_page(browser, marked):
    # Not captured, tolerated: Bootstrap-style pagers mark the li, others aria-disabled.
    last = _SIMPLE_PAGER.replace('<li><a href="#" class="next-page">', marked)
    assert last != _SIMPLE_PAGER
    state = state_of(open_capture(browser, html=list_variant(last, simple=True)))
    assert state.next_disabled is True
    assert paging.stop_reason(state, 244, 44, 3) == paging.LAST_PAGE


def test_a_shown_length_aware_pager_reads_its_page_and_count(browser):
    page = open_capture(browser, html=list_variant(_SHOWN_LENGTH_AWARE, simple=False))
    state = state_of(page)
    assert (state.pager_kind, state.pager_visible, state.page, state.matches) == ("length-aware", True, 1, 244)
    assert paging.wants_page_size(state) is False  # the captured selection shows Show 100
    assert paging.wants_page_size(ListState(**{**vars(state), "size_label": "Show 25"})) is True
    assert paging.stop_reason(state, 44, 44, 1) is None


def test_size_applied_is_judged_by_the_label_and_the_rows_not_selected_item(browser):
    page = open_capture(browser, "work-list-length-aware.html")
    # The capture: "Show 100", page 1, every counted row shown, while selected-item says 25.
    assert page.evaluate(site.SIZE_APPLIED, {**ARG, "label": "Show 100", "before": 25}) is not False
    assert page.evaluate(site.SIZE_APPLIED, {**ARG, "label": "Show 50", "before": 25}) is False
