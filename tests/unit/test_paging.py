"""The stop rules and the completeness judgement (wosync/workfossa/paging.py), pure.

The states are those the in-page reader returns on the saved real list page
(tests/browser/test_capture_readers.py checks that the reader really returns them there), and on the
two pager versions of docs/workfossa-site.md correction 3: the length-aware one (captured) and
the simple one (prev/next only, no match count).
"""

from __future__ import annotations

import pytest

from wosync.workfossa import paging
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.paging import ListState

# work-list-length-aware.html as captured: 44 orders on one page after "Show 100"; the pager
# is hidden and its next-page link is not marked disabled.
CAPTURED = ListState(url="https://app.workfossa.com/app/work/list", layout=True, page=1,
                     matches=44, row_count=44, pager_kind="length-aware", pager_visible=False,
                     next_found=True, next_disabled=False, prev_disabled=False,
                     size_menu_found=True, size_label="Show 100")


def length_aware(page: int, rows: int, matches: int, last: bool, label: str = "Show 100") -> ListState:
    """A visible length-aware pager on `page` (its next-page disabled on the last page)."""
    return ListState(page=page, matches=matches, row_count=rows, pager_kind="length-aware",
                     pager_visible=True, next_found=True, next_disabled=last,
                     prev_disabled=page == 1, size_menu_found=True, size_label=label)


def simple(rows: int, first: bool, last: bool, label: str = "Show 100") -> ListState:
    """The simple pager: no page numbers, no match count, disabled links at the ends."""
    return ListState(page=None, matches=None, row_count=rows, pager_kind="simple",
                     pager_visible=True, next_found=True, next_disabled=last,
                     prev_disabled=first, size_menu_found=True, size_label=label)


# --- choosing the page size -------------------------------------------------------------------

def test_a_single_page_is_not_resized_even_though_its_hidden_next_page_looks_enabled():
    assert paging.wants_page_size(CAPTURED) is False


def test_more_matches_than_rows_asks_for_show_100():
    assert paging.wants_page_size(length_aware(1, 25, 244, last=False, label="Show 25")) is True


@pytest.mark.parametrize("state", [
    length_aware(1, 100, 244, last=False),
    simple(100, first=True, last=False),
], ids=["length-aware", "simple"])
def test_a_list_already_at_show_100_is_not_resized_again(state):
    # A site that remembers the choice opens the next sync's list at Show 100: choosing it
    # again would reload nothing, and the wait for "more rows" would fail.
    assert paging.wants_page_size(state) is False


def test_simple_pager_is_resized_only_when_next_page_is_enabled():
    assert paging.wants_page_size(simple(25, first=True, last=False, label="Show 25")) is True
    assert paging.wants_page_size(simple(25, first=True, last=True, label="Show 25")) is False
    assert paging.wants_page_size(simple(7, first=True, last=True, label="Show 25")) is False


def test_page_size_took_when_the_label_says_so_and_more_rows_show_at_page_1():
    before = length_aware(1, 25, 244, last=False)
    assert paging.page_size_applied(before, length_aware(1, 100, 244, last=False))
    # The label alone is not enough: the list must have reloaded with more rows.
    assert not paging.page_size_applied(before, length_aware(1, 25, 244, last=False))
    # Nor are more rows enough when the selection does not show "Show 100".
    other = ListState(**{**vars(length_aware(1, 50, 244, last=False)), "size_label": "Show 50"})
    assert not paging.page_size_applied(before, other)


def test_page_size_took_on_the_simple_pager_at_its_first_page():
    before = simple(25, first=True, last=False, label="Show 25")
    assert paging.page_size_applied(before, simple(100, first=True, last=False))
    assert not paging.page_size_applied(before, simple(100, first=False, last=False))


def test_page_size_took_when_every_counted_row_shows():
    before = length_aware(1, 25, 25, last=False)
    assert paging.page_size_applied(before, length_aware(1, 25, 25, last=True))


def hidden_pager(state: ListState) -> ListState:
    """`state` with its pager hidden as the captured single page has it (next-page unmarked)."""
    return ListState(**{**vars(state), "pager_visible": False, "next_disabled": False})


@pytest.mark.parametrize("before, settled", [
    # 27 counted, 2 never shown: Show 100 reloads onto one page of 25 (the pager hides).
    (length_aware(1, 25, 27, last=False, label="Show 25"), hidden_pager(length_aware(1, 25, 27, last=True))),
    # The simple pager: its next-page turns disabled, and fewer rows show than before.
    (simple(25, first=True, last=False, label="Show 25"), simple(20, first=True, last=True)),
], ids=["length-aware", "simple"])
def test_a_reload_onto_one_page_with_rows_left_out_took(before, settled):
    assert not paging.page_size_applied(before, settled)  # no more rows: not by the first rule
    assert paging.page_size_reloaded_short(before, settled)


def test_a_menu_that_did_nothing_is_not_taken_for_a_short_reload():
    before = length_aware(1, 25, 27, last=False, label="Show 25")
    # The label moved but the list did not reload: the pager still offers page 2.
    assert not paging.page_size_reloaded_short(before, length_aware(1, 25, 27, last=False))
    # The pager changed but the selection does not show "Show 100".
    assert not paging.page_size_reloaded_short(before, hidden_pager(length_aware(1, 25, 27, True, "Show 25")))
    # No rows at all (a list still loading, or emptied) is never a reload that took.
    assert not paging.page_size_reloaded_short(before, hidden_pager(length_aware(1, 0, 27, last=True)))
    # Not at page 1.
    assert not paging.page_size_reloaded_short(before, hidden_pager(length_aware(2, 25, 27, last=True)))
    # A list whose pager offered no next page before cannot show the change.
    hidden_before = hidden_pager(length_aware(1, 25, 27, last=False, label="Show 25"))
    assert not paging.page_size_reloaded_short(hidden_before, hidden_pager(length_aware(1, 25, 27, last=True)))


# --- the stop rules ---------------------------------------------------------------------------

def test_the_captured_page_stops_on_its_count():
    assert paging.stop_reason(CAPTURED, rows_read=44, new_rows=44, page_number=1) == paging.COUNT_REACHED


def test_a_hidden_pager_stops_even_short_of_the_count():
    short = ListState(**{**vars(CAPTURED), "matches": 45})
    assert paging.stop_reason(short, rows_read=44, new_rows=44, page_number=1) == paging.PAGER_HIDDEN


def test_a_hidden_pager_whose_next_page_is_disabled_is_at_its_last_page():
    # The simple pager stays visible on a single page (seen); a version that hides it there
    # still says, by the disabled link, that this is the last page: complete by the pager.
    hidden = ListState(**{**vars(simple(7, first=True, last=True)), "pager_visible": False})
    reason = paging.stop_reason(hidden, rows_read=7, new_rows=7, page_number=1)
    assert reason == paging.LAST_PAGE
    assert paging.completeness(None, 7, reason, empty_page_seen=False) == "pager"


def test_length_aware_pages_go_on_until_the_count_is_reached():
    assert paging.stop_reason(length_aware(1, 100, 250, False), 100, 100, 1) is None
    assert paging.stop_reason(length_aware(2, 100, 250, False), 200, 100, 2) is None
    assert paging.stop_reason(length_aware(3, 50, 250, True), 250, 50, 3) == paging.COUNT_REACHED


def test_simple_pages_go_on_until_next_page_is_disabled():
    assert paging.stop_reason(simple(100, True, False), 100, 100, 1) is None
    assert paging.stop_reason(simple(100, False, False), 200, 100, 2) is None
    assert paging.stop_reason(simple(50, False, True), 250, 50, 3) == paging.LAST_PAGE


def test_a_page_that_adds_nothing_stops_a_site_that_pages_forever():
    assert paging.stop_reason(simple(100, False, False), 100, 0, 2) == paging.STALLED


def test_no_pager_short_of_the_count_names_the_pager_selector():
    state = ListState(page=None, matches=250, row_count=100, pager_kind=None)
    with pytest.raises(LayoutNotRecognised) as caught:
        paging.stop_reason(state, 100, 100, 1)
    assert caught.value.selector == ".paginator-wrapper .pagination"
    assert "250 matches" in str(caught.value)


def test_neither_count_nor_pager_is_a_layout_error():
    state = ListState(row_count=30)
    with pytest.raises(LayoutNotRecognised) as caught:
        paging.stop_reason(state, 30, 30, 1)
    assert "neither a match count" in str(caught.value)


def test_a_pager_without_next_page_is_a_layout_error():
    state = ListState(**{**vars(simple(100, True, False)), "next_found": False, "next_disabled": None})
    with pytest.raises(LayoutNotRecognised) as caught:
        paging.stop_reason(state, 100, 100, 1)
    assert caught.value.selector == "a.next-page"


def test_a_length_aware_pager_without_its_count_is_a_layout_error():
    state = ListState(**{**vars(length_aware(1, 100, 250, False)), "matches": None})
    with pytest.raises(LayoutNotRecognised) as caught:
        paging.check_list(state)
    assert "match count" in str(caught.value)
    paging.check_list(simple(100, True, False))  # the simple pager never has one: fine
    paging.check_list(CAPTURED)


# --- completeness (docs/design.md "One sync", step 5) ---------------------------------------------

@pytest.mark.parametrize("matches, rows, stop, empty, expected", [
    (44, 44, paging.COUNT_REACHED, False, "count"),
    (45, 44, paging.PAGER_HIDDEN, False, None),
    (250, 251, paging.COUNT_REACHED, False, None),  # more than counted: the list moved
    (0, 0, paging.COUNT_REACHED, True, "count"),  # "0 matches" says so itself
    (None, 250, paging.LAST_PAGE, False, "pager"),
    (None, 200, paging.STALLED, False, None),
    (None, 0, paging.LAST_PAGE, True, None),  # an empty page is never proof
    (None, 150, paging.LAST_PAGE, True, None),
    (None, 100, paging.PAGER_HIDDEN, False, None),
])
def test_completeness(matches, rows, stop, empty, expected):
    assert paging.completeness(matches, rows, stop, empty) == expected


def test_page_count_is_known_only_with_a_count():
    assert paging.page_count(250, 100) == 3
    assert paging.page_count(0, 100) == 1
    assert paging.page_count(None, 100) is None
