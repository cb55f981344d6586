"""The work list's stop rules and completeness judgement, as pure functions of the page state.

The in-page reader `site.LIST_STATE` returns a dict; `ListState.from_reader` turns it into a
typed value, and the functions below decide, without a browser:
- whether to choose "Show 100" at all (`wants_page_size`),
- whether the page size took (`page_size_applied`, or `page_size_reloaded_short` once the
  page went quiet: a reload onto one page that shows fewer rows than its count promises),
- after each page, whether to stop and why (`stop_reason`),
- at the end, whether the read was complete (`completeness`: "count", "pager" or None).
They are unit-tested on states read from the saved real pages, for both pager versions
(docs/workfossa-site.md, correction 3; docs/design.md "One sync", step 5).
"""

from __future__ import annotations

from dataclasses import dataclass

from wosync.workfossa import site
from wosync.workfossa.errors import LayoutNotRecognised

# Stop reasons, as recorded in ScrapeResult.stop_reason.
COUNT_REACHED = "count reached"
PAGER_HIDDEN = "pager hidden"
LAST_PAGE = "next-page disabled"
STALLED = "a page added no new order"
# Not a rule of the list: the reader was told what it looks for and found it all (the
# completed list, read only as far as the orders that left the active list).
WANTED_FOUND = "every order looked for was found"

LENGTH_AWARE = "length-aware"
SIMPLE = "simple"


@dataclass(frozen=True)
class ListState:
    """What the work list shows at one moment (see site._STATE for how each is read).

    page: the current page number (length-aware pager only, else None); matches: the
    "N matches" figure (None when the page has none, as with the simple pager); pager_kind:
    "length-aware", "simple", "unknown" or None (no pager); next_disabled / prev_disabled:
    None when the link is missing; size_label: the page-size selection's text.
    """

    url: str = ""
    login: bool = False
    layout: bool = False
    page: int | None = None
    matches: int | None = None
    row_count: int = 0
    signature: str = ""
    pager_kind: str | None = None
    pager_visible: bool = False
    next_found: bool = False
    next_disabled: bool | None = None
    prev_disabled: bool | None = None
    size_menu_found: bool = False
    size_label: str | None = None

    @classmethod
    def from_reader(cls, state: dict) -> "ListState":
        """Given the dict an in-page reader returned, return the ListState."""
        return cls(
            url=state.get("url") or "",
            login=bool(state.get("login")),
            layout=bool(state.get("layout")),
            page=state.get("page"),
            matches=state.get("matches"),
            row_count=int(state.get("rowCount") or 0),
            signature=state.get("signature") or "",
            pager_kind=state.get("pagerKind"),
            pager_visible=bool(state.get("pagerVisible")),
            next_found=bool(state.get("nextFound")),
            next_disabled=state.get("nextDisabled"),
            prev_disabled=state.get("prevDisabled"),
            size_menu_found=bool(state.get("sizeMenuFound")),
            size_label=state.get("sizeLabel"),
        )

    @property
    def next_enabled(self) -> bool:
        """True when a visible pager offers a next-page link not marked disabled."""
        return self.pager_visible and self.next_found and self.next_disabled is False


def check_list(state: ListState) -> None:
    """Given the list's state, raise LayoutNotRecognised when it is a version this scraper
    does not know: the length-aware pager always stands beside its "N matches" (seen), so
    one without the count means the count's markup moved (reading on would turn a changed
    count into a silently unchecked read)."""
    if state.pager_kind == LENGTH_AWARE and state.matches is None:
        raise LayoutNotRecognised(
            "the work list's length-aware pager shows no match count "
            f"({site.MATCH_COUNT} with \"N matches\")", site.MATCH_COUNT)


def wants_page_size(state: ListState) -> bool:
    """Given the list as first shown, return True when there is more than one page, so that
    choosing "Show 100" would reload it: the count is above the rows shown, or (without a
    count) next-page is enabled. On a single page nothing would reload (docs/workfossa-site.md).

    A hidden length-aware pager keeps its next-page link unmarked (seen): only a visible
    pager's link is believed. A list whose selection already shows "Show 100" is not resized
    (a site may remember the choice in the session, and choosing it again reloads nothing).
    """
    if state.size_label == site.PAGE_SIZE_LABEL:
        return False
    if state.matches is not None:
        return state.matches > state.row_count
    return state.next_enabled


def page_size_applied(before: ListState, after: ListState) -> bool:
    """Given the list before and after choosing the page size, return True when it took: the
    selection shows "Show 100" and the list reloaded at page 1 with more rows (or with every
    row its count promises). Never judged by li.selected-item, which stays on "Show 25"."""
    if not _at_first_page_of_show_100(after):
        return False
    if after.row_count > before.row_count:
        return True
    return after.matches is not None and after.row_count >= after.matches


def page_size_reloaded_short(before: ListState, settled: ListState) -> bool:
    """Given the list before choosing the page size and once the page's requests went quiet
    without `page_size_applied`, return True when the choice still took: the selection shows
    "Show 100" at page 1 with rows, and the pager, which offered a next page before, offers
    none now. The list reloaded onto one page yet shows no more rows than before: the site
    left rows out while its count still promises them (a menu that did nothing leaves the
    pager as it was). The read goes on; `completeness` then finds it short (the run is
    partial, nothing is marked completed) instead of the run failing as a changed layout.

    Only judged after the requests went quiet: mid-reload a pager may be briefly hidden.
    """
    return (_at_first_page_of_show_100(settled) and settled.row_count > 0
            and before.next_enabled and not settled.next_enabled)


def _at_first_page_of_show_100(state: ListState) -> bool:
    """Given a list's state, return True when its selection shows "Show 100" and it is at page
    1: numbered 1, or (the simple pager numbers nothing) its previous-page link not enabled."""
    if state.size_label != site.PAGE_SIZE_LABEL:
        return False
    return state.page == 1 or (state.page is None and state.prev_disabled is not False)


def stop_reason(state: ListState, rows_read: int, new_rows: int, page_number: int) -> str | None:
    """Given the page just read, the distinct rows read so far, how many of them this page
    added and its number, return why to stop (one of the reasons above) or None to go on.

    The rules of docs/workfossa-site.md, whichever comes first: the rows read reach the match
    count, the pager is hidden, next-page is disabled. A later page that added no order also
    stops (a site that pages forever must not loop us). Raises LayoutNotRecognised when the
    list cannot be paged on: no pager, or a pager without a next-page link, while rows remain.
    """
    if state.matches is not None and rows_read >= state.matches:
        return COUNT_REACHED
    if state.pager_kind is None:
        if state.matches is None:
            raise LayoutNotRecognised(
                "the work list shows neither a match count "
                f"({site.MATCH_COUNT} with \"N matches\") nor a pager ({site.LIST_PAGER})",
                site.LIST_PAGER)
        raise LayoutNotRecognised(
            f"the work list has {state.matches} matches but only {rows_read} rows were read "
            f"and it has no pager ({site.LIST_PAGER})", site.LIST_PAGER)
    if state.next_found and state.next_disabled:
        return LAST_PAGE  # hidden or not: a pager that marks next-page disabled says so
    if not state.pager_visible:
        return PAGER_HIDDEN
    if not state.next_found:
        raise LayoutNotRecognised(
            f"the work list's pager has no next-page link ({site.LIST_PAGER} {site.NEXT_PAGE})",
            site.NEXT_PAGE)
    if page_number > 1 and new_rows == 0:
        return STALLED
    return None


def completeness(matches: int | None, rows_read: int, stop: str | None,
                 empty_page_seen: bool) -> str | None:
    """Given the match count (None without one), the distinct rows read, why the read
    stopped and whether any page came back empty, return how the read is known complete:
    "count" (the rows equal the count), "pager" (no count: the last page, next-page
    disabled, was reached and no page was empty), or None when it is not known complete
    (the run is then partial and nothing is marked completed; docs/design.md "One sync", step 5)."""
    if matches is not None:
        return "count" if rows_read == matches else None
    if stop == LAST_PAGE and not empty_page_seen:
        return "pager"
    return None


def page_count(matches: int | None, page_size: int) -> int | None:
    """Given the match count and the page size, return the number of pages (None without a
    count: the simple pager does not say)."""
    if matches is None:
        return None
    return max(1, -(-matches // page_size))
