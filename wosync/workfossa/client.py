"""`WorkFossa`: the site's steps (log in, open the work list, choose Show 100, read every page),
built on the browser plumbing of browser.py, with the selectors of site.py.

    with WorkFossa(base_url, username, password, state_path=..., artefacts_dir=...) as wf:
        result = wf.read_work_orders(on_progress=print)

The browser starts in __enter__ and is closed on every way out of the `with` block. Every
decision is taken on outcomes (where a login landed, whether the list reloaded with more
rows), by the pure rules of paging.py; every wait is on the page itself, never a sleep.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from wosync.secret import Secret
from wosync.workfossa import paging, site
from wosync.workfossa.browser import unreachable
from wosync.workfossa.step_errors import LandedOnLogin, first_line
from wosync.workfossa.list_steps import WorkListSteps
from wosync.workfossa.errors import (
    CredentialsRejected,
    LayoutNotRecognised,
    SessionExpired,
    SiteHttpError,
)
from wosync.workfossa.paging import ListState
from wosync.workfossa.parse import check_required_fields, parse_rows
from wosync.workfossa.strategies import FieldStrategies
from wosync.model import ScrapeProgress, ScrapeResult

ProgressCallback = Callable[[ScrapeProgress], None]

class WorkFossa(WorkListSteps):
    """A logged-in browser on one WorkFossa account; use it as a context manager.

    Given the base URL, the username, the password (a Secret, or a zero-argument callable
    returning one, called only when a login is really needed), the storage-state file for the
    saved session and the folder for failure artefacts.
    """

    def __init__(self, base_url: str, username: str, password, *, state_path: Path,
                 artefacts_dir: Path, browser_executable: str | None = None,
                 timeout_ms: int = 30000, cancel: threading.Event | None = None,
                 profile_dir: Path | None = None):
        super().__init__(base_url, state_path=state_path, artefacts_dir=artefacts_dir,
                         browser_executable=browser_executable, timeout_ms=timeout_ms,
                         cancel=cancel, account=username, profile_dir=profile_dir)
        self.username = username
        self._password_source = password
        self.logins = 0
        self._session_checked = False
        # The list the page shows, loaded by ensure_session and not read yet: the scrape that
        # follows may start from it instead of loading it again (once only, or it is stale).
        self._unread_list_path: str | None = None
        # Which way each field of the last read was found (its fallback counts: doctor --site).
        self.field_strategies = FieldStrategies()

    # --- session ---------------------------------------------------------------------------

    def ensure_session(self, on_progress: ProgressCallback | None = None) -> bool:
        """Reuse the saved session when it still opens the work list, else log in and save it;
        return True when a login was made."""
        with self.errors_with_artefacts():
            self._session_checked = True
            if self.session_loaded:  # a saved session of this account and site
                try:
                    self._open_list(site.ACTIVE_LIST_PATH)
                    self._unread_list_path = site.ACTIVE_LIST_PATH
                    return False
                except LandedOnLogin:
                    pass
            self._login(on_progress)
            return True

    def login(self, on_progress: ProgressCallback | None = None) -> None:
        """Log in afresh (forgetting any session) and save the new session."""
        with self.errors_with_artefacts():
            self._session_checked = True
            self._login(on_progress)

    def _login(self, on_progress: ProgressCallback | None) -> None:
        """Submit the login form and judge where it landed: under /app/ without a login form
        is a login; the login form again is a rejected password; anything else is a layout
        this scraper does not know (named, with the artefacts)."""
        from playwright.sync_api import Error as PlaywrightError

        page = self.page
        _report(on_progress, ScrapeProgress(phase="logging_in"))
        self.forget_session()
        self._unread_list_path = None
        self.goto(site.LOGIN_PATH, what="the login page")
        # The form is drawn by the page's script (seen: login.html): wait for it.
        form = page.locator(site.LOGIN_FORM)
        if self.wait_for(site.LOGIN_FORM_SHOWN, {"sel": site.PAGE_SELECTORS},
                         what="the login form") is None:
            raise LayoutNotRecognised(
                f"no login form ({site.LOGIN_FORM}) at {self.base_url}{site.LOGIN_PATH}",
                site.LOGIN_FORM)
        secret = self._password()
        try:
            form.locator(site.LOGIN_EMAIL).fill(self.username)
            form.locator(site.LOGIN_PASSWORD).fill(secret.reveal())
        except PlaywrightError:
            # Never pass Playwright's message on: it could quote what was typed.
            raise LayoutNotRecognised(
                f"the login form's fields ({site.LOGIN_EMAIL}, {site.LOGIN_PASSWORD}) "
                "could not be filled", site.LOGIN_PASSWORD) from None
        self.net.start_step()
        with page.expect_navigation(wait_until="domcontentloaded"):
            form.locator(site.LOGIN_SUBMIT).first.click()
        self.logins += 1
        failure = self.net.first_failure()
        if failure is not None:
            raise unreachable(failure[1], failure[0])
        status = self.net.document_status()
        if status is not None and status >= 400 and status not in (401, 419, 422):
            raise SiteHttpError(
                f"WorkFossa answered HTTP {status} to the login form ({page.url})", status)
        landed = self.wait_for(site.LOGIN_OUTCOME, {"sel": site.PAGE_SELECTORS},
                               what="the page after logging in")
        if landed is None:
            # Quiet, and neither decided: a page under /app/ without a login form is still a
            # login (its layout may have changed); anywhere else is not one we know.
            url = page.url
            with self.answering("the page after logging in"):
                no_form = page.locator(site.LOGIN_FORM).count() == 0
            if urlsplit(url).path.startswith(site.APP_PATH_PREFIX) and no_form:
                landed = {"outcome": "app", "url": url}
            else:
                raise LayoutNotRecognised(
                    f"after logging in, the browser landed on {url}, which is neither a page "
                    f"under {site.APP_PATH_PREFIX} nor the login form ({site.LOGIN_FORM})",
                    site.APP_PATH_PREFIX)
        if landed["outcome"] == "form":
            raise CredentialsRejected(self.username)
        self.save_state()

    def _password(self) -> Secret:
        """Return the password, fetching it from its source the first time only."""
        if self._secret is None:
            source = self._password_source
            value = source() if callable(source) and not isinstance(source, Secret) else source
            self._secret = value if isinstance(value, Secret) else Secret(str(value))
        return self._secret

    # --- the work list ---------------------------------------------------------------------

    def read_work_orders(self, on_progress: ProgressCallback | None = None,
                         include_completed: bool = False, require_fields: bool = False,
                         until: Callable[[str], bool] | None = None) -> ScrapeResult:
        """Read every page of the work list (Show 100, next-page until a stop rule) and return
        the distinct orders, the site's match count (None without one) and how the read is
        known complete. One re-login is made if the session expires on the way; a second
        expiry raises SessionExpired. A read not known complete saves its artefacts.

        The result's `fallback_fields` is {field: rows that needed the parser's fallback}
        (parse.FieldStrategies; {} when every field was found the primary way).
        `require_fields` (a first sync, nothing stored to compare with): a field every row of
        the site carries (parse.REQUIRED_FIELDS) empty on every row read is LayoutNotRecognised
        naming it, with the artefacts, never a result.
        `until` (reading the completed list for a few orders): given each page's rows' HTML,
        True stops the read there (stop reason paging.WANTED_FOUND; no artefacts are saved
        for such a read, which is short on purpose)."""
        with self.errors_with_artefacts():
            if not self._session_checked:
                self.ensure_session(on_progress)
            path = site.ALL_LIST_PATH if include_completed else site.ACTIVE_LIST_PATH
            result = ScrapeResult()
            orders: dict[str, dict] = {}
            relogged = False
            while True:
                try:
                    self._read_all_pages(path, orders, result, on_progress, until)
                    break
                except LandedOnLogin:
                    if relogged:
                        raise SessionExpired(
                            "the WorkFossa session expired again right after a fresh login "
                            f"(after {len(orders)} orders); try again later") from None
                    relogged = True
                    self._login(on_progress)
            self.save_state()  # the site may have refreshed its cookies
            result.orders = list(orders.values())
            result.fallback_fields = self.field_strategies.fallback_fields()
            if require_fields:
                check_required_fields(result.orders)
            result.rows_read = len(orders)
            result.logins = self.logins
            result.completeness = paging.completeness(
                result.matches, result.rows_read, result.stop_reason, result.empty_pages > 0)
            if result.completeness is None and result.stop_reason != paging.WANTED_FOUND:
                result.artefacts = self.save_artefacts("incomplete")
            return result

    # --- single steps, for `wosync doctor --site` ------------------------------------------

    def open_work_list(self) -> ListState:
        """Open the active work list (the one ensure_session loaded, if any); return its state."""
        with self.errors_with_artefacts():
            state = self._open_list(site.ACTIVE_LIST_PATH)
            paging.check_list(state)
            return state

    def choose_page_size(self, state: ListState) -> ListState:
        """Given the list as shown, choose "Show 100"; return the reloaded list's state."""
        with self.errors_with_artefacts():
            return self._choose_page_size(state)

    def read_shown_page(self) -> tuple[ListState, list[dict], str]:
        """Return the list's state, the orders of the page shown and its rows' HTML (the
        fields that needed a fallback counted in self.field_strategies)."""
        with self.errors_with_artefacts():
            raw = self._read_page()
            self.field_strategies = FieldStrategies()
            orders = parse_rows(raw["rowsHtml"], self.base_url, self.field_strategies)
            return ListState.from_reader(raw), orders, raw["rowsHtml"]

    def _read_all_pages(self, path: str, orders: dict, result: ScrapeResult,
                        on_progress: ProgressCallback | None,
                        until: Callable[[str], bool] | None = None) -> None:
        """Open the list, choose Show 100 when there is more than one page, and read pages
        until a stop rule holds. Pages read before a re-login are read again (the orders are
        keyed by number, so that is harmless); only later pages can be "stalled"."""
        pages_read_before = result.pages
        # Every page is read again after a re-login: counted from here, each row once.
        self.field_strategies = FieldStrategies()
        state = self._open_list(path)
        paging.check_list(state)
        if paging.wants_page_size(state):
            state = self._choose_page_size(state)
        page_size = site.PAGE_SIZE if state.size_label == site.PAGE_SIZE_LABEL \
            else site.DEFAULT_PAGE_SIZE
        page_no = state.page or 1
        raw = None  # the page to read, when the wait for it read it already
        while True:
            self.check_cancel()
            if raw is None:
                raw = self._read_page()
            state = ListState.from_reader(raw)
            if state.login:
                raise LandedOnLogin()
            paging.check_list(state)
            page_no = state.page or page_no
            new_rows = 0
            for order in parse_rows(raw["rowsHtml"], self.base_url, self.field_strategies):
                new_rows += order["number"] not in orders
                orders[order["number"]] = order  # a later read replaces, keeping its place
            result.empty_pages += state.row_count == 0
            result.last_rows_html = raw["rowsHtml"]
            result.matches = state.matches
            result.pages = max(result.pages, page_no)
            _report(on_progress, ScrapeProgress(
                phase="scraping", page=page_no, pages=paging.page_count(state.matches, page_size),
                rows_read=len(orders), matches=state.matches))
            if until is not None and until(raw["rowsHtml"]):
                result.stop_reason = paging.WANTED_FOUND
                return
            counted_new = new_rows if page_no > pages_read_before else max(new_rows, 1)
            reason = paging.stop_reason(state, len(orders), counted_new, page_no)
            if reason is not None:
                result.stop_reason = reason
                return
            raw = self._next_page(state, page_no + 1)
            page_no += 1


def _report(on_progress: ProgressCallback | None, progress: ScrapeProgress) -> None:
    if on_progress is not None:
        on_progress(progress)


__all__ = ["WorkFossa", "first_line"]
