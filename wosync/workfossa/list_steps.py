"""The work list's browser steps: show the list, choose "Show 100", go to the next page, read a
page; each judged by what the page then shows (paging.py), never by a sleep.

A part of client.WorkFossa (it uses the browser session's page, waits and clicks): the steps
`read_work_orders` puts together.
"""

from __future__ import annotations

from wosync.workfossa import paging, site
from wosync.workfossa.browser import BrowserSession
from wosync.workfossa.step_errors import LandedOnLogin
from wosync.workfossa.errors import LayoutNotRecognised
from wosync.workfossa.paging import ListState


class WorkListSteps(BrowserSession):
    """The work list's steps on a logged-in browser session (see the module text)."""

    _unread_list_path: str | None = None

    def _read_page(self) -> dict:
        """Return site.READ_PAGE's result for the page shown: the list's state and, under
        "rowsHtml", its rows' HTML (which crosses from the browser packed: transfer.py)."""
        return self.read_packed(site.READ_PAGE, {"sel": site.PAGE_SELECTORS}, "rowsHtml")

    def _open_list(self, path: str) -> ListState:
        """Show the work list at `path` and wait until it is ready; return its state (the
        list ensure_session just loaded is used as it is). Raises LandedOnLogin on the
        login form, LayoutNotRecognised naming what is missing."""
        fresh, self._unread_list_path = self._unread_list_path == path, None
        if fresh:
            state = ListState.from_reader(self.read(site.LIST_STATE, {"sel": site.PAGE_SELECTORS}))
            if not state.login and (state.row_count > 0 or state.matches is not None):
                return state
        self.goto(path, what="page 1 of the work list")
        ready = self.wait_for(site.LIST_READY, {"sel": site.PAGE_SELECTORS},
                              what="page 1 of the work list")
        if ready is not None:
            return ListState.from_reader(ready)
        state = ListState.from_reader(self.read(site.LIST_STATE, {"sel": site.PAGE_SELECTORS}))
        if state.login:
            raise LandedOnLogin()
        if state.pager_kind == paging.SIMPLE and not state.next_enabled:
            return state  # an empty single page of the simple pager: read as such (never complete)
        if state.matches is not None:
            raise LayoutNotRecognised(
                f"the work list says {state.matches} matches but shows no rows ({site.ROWS_SHOWN})",
                site.ROWS_SHOWN)
        if state.pager_kind is not None:
            raise LayoutNotRecognised(
                f"the work list shows no rows ({site.ROWS_SHOWN}) although its pager offers a next page",
                site.ROWS_SHOWN)
        raise LayoutNotRecognised(
            f"the work list at {self.page.url} shows no rows ({site.ROWS_SHOWN}), no match count "
            f"({site.MATCH_COUNT}) and no pager ({site.LIST_PAGER})", site.ROWS_SHOWN)

    def _choose_page_size(self, state: ListState) -> ListState:
        """Choose "Show 100" in the page-size menu: click its selection, then the item (which
        may exist only while the menu is open); return the list once it reloaded at page 1
        with more rows (or onto one page that shows fewer rows than its count: read on, found
        short later). Judged by the selection label, the rows and the pager, never by
        selected-item."""
        page = self.page
        label = site.PAGE_SIZE_LABEL
        if not state.size_menu_found:
            raise LayoutNotRecognised(
                f"the work list has no page-size menu ({site.PAGE_SIZE_MENU})", site.PAGE_SIZE_MENU)
        menu = page.locator(site.PAGE_SIZE_MENU).first
        self.click(menu.locator(site.PAGE_SIZE_SELECTION), "the page-size menu",
                   f"{site.PAGE_SIZE_MENU} {site.PAGE_SIZE_SELECTION}")
        option = menu.locator(site.PAGE_SIZE_OPTION).filter(has_text=label)
        try:
            option.first.wait_for(state="visible", timeout=self.timeout_ms)
        except Exception:
            raise LayoutNotRecognised(
                f"the page-size menu offers no visible \"{label}\" "
                f"({site.PAGE_SIZE_MENU} {site.PAGE_SIZE_OPTION})", site.PAGE_SIZE_OPTION) from None
        self.net.start_step()
        self.click(option.first, f"\"{label}\" in the page-size menu", site.PAGE_SIZE_OPTION)
        applied = self.wait_for(site.SIZE_APPLIED, {"sel": site.PAGE_SELECTORS, "label": label,
                                                    "before": state.row_count},
                                what=f"page 1 of the work list at \"{label}\"")
        after = ListState.from_reader(applied) if applied is not None else None
        if after is None or not paging.page_size_applied(state, after):
            # wait_for gave up once the page's requests went quiet: judge what the list shows now.
            now = ListState.from_reader(self.read(site.LIST_STATE, {"sel": site.PAGE_SELECTORS}))
            if paging.page_size_reloaded_short(state, now):
                return now  # one page, rows left out: read on; the read is then found short
            raise LayoutNotRecognised(
                f"choosing \"{label}\" in the page-size menu ({site.PAGE_SIZE_MENU}) did not "
                f"reload the work list at page 1 with more rows (the selection shows "
                f"{now.size_label!r}, {now.row_count} rows, {state.row_count} before)",
                site.PAGE_SIZE_MENU)
        return after

    def _next_page(self, state: ListState, want: int) -> dict | None:
        """Click the list's next-page link and wait until the list shows other rows (and page
        `want`, where the pager numbers its pages); return that page as _read_page does (None
        for an empty page of the simple pager, which the caller then reads)."""
        self.net.start_step()
        link = self.page.locator(site.LIST_PAGER).first.locator(site.NEXT_PAGE).first
        self.click(link, "next-page", f"{site.LIST_PAGER} {site.NEXT_PAGE}")
        shown = self.wait_for(site.PAGE_SHOWN, {"sel": site.PAGE_SELECTORS, "page": want,
                                                "before": state.signature},
                              what=f"page {want} of the work list", packed="rowsHtml")
        if shown is None:
            now = ListState.from_reader(self.read(site.LIST_STATE, {"sel": site.PAGE_SELECTORS}))
            if now.pager_kind == paging.SIMPLE and now.row_count == 0 and now.signature != state.signature:
                return None  # an empty page of the simple pager: read as such (the read is then short)
            raise LayoutNotRecognised(
                f"clicking next-page ({site.LIST_PAGER} {site.NEXT_PAGE}) did not show page "
                f"{want} of the work list", site.NEXT_PAGE)
        return shown
