"""`WorkFossa`: drive a headless Chromium through the real site's login and work list.

    with WorkFossa(base_url, username, password, state_path=..., artefacts_dir=...) as wf:
        result = wf.read_work_orders(on_progress=print)

The browser starts in __enter__ and is closed on every way out of the `with` block. Each
wait is on the page's own signal (the list showing the wanted page, the login form
appearing) with `timeout_ms`, polled in short slices so that a cancel request, an HTTP error
or a site that has gone quiet without showing what we wait for is noticed at once.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from wosync.errors import Interrupted
from wosync.secret import Secret
from wosync.workfossa import site
from wosync.workfossa.artefacts import save_artefacts, write_private
from wosync.workfossa.background import BackgroundParser
from wosync.workfossa.browser import HOW_TO_GET_ONE, pick_browser
from wosync.workfossa.errors import (
    BrowserFailed,
    BrowserNotFound,
    CredentialsRejected,
    LayoutNotRecognised,
    ScrapeError,
    SessionExpired,
    SiteHttpError,
    SiteUnreachable,
)
from wosync.workfossa.network import AUTH_STATUSES, NetworkWatch
from wosync.workfossa.result import ScrapeProgress, ScrapeResult

# The match count is hidden on narrow screens: always a desktop-size window.
VIEWPORT = {"width": 1440, "height": 900}
# How long one poll of a page signal lasts before we look at cancel / HTTP errors again.
SLICE_MS = 200
# A wait gives up early (and explains why) when the page's own requests have all finished
# this long ago and the page still does not show what we wait for.
QUIET_SECONDS = 1.5

ProgressCallback = Callable[[ScrapeProgress], None]


class _LandedOnLogin(Exception):
    """Internal: the page shows the login form where the work list was expected."""


class WorkFossa:
    """A logged-in browser on one WorkFossa account; use it as a context manager.

    Given the base URL, the username, the password (a Secret, or a zero-argument callable
    returning one, called only when a login is really needed), the storage-state file for the
    saved session and the folder for failure artefacts.
    """

    def __init__(self, base_url: str, username: str, password, *, state_path: Path,
                 artefacts_dir: Path, browser_executable: str | None = None,
                 timeout_ms: int = 30000, cancel: threading.Event | None = None):
        self.base_url = base_url.rstrip("/")
        self.username = username
        self._password_source = password
        self._secret: Secret | None = None
        self.state_path = Path(state_path)
        self.artefacts_dir = Path(artefacts_dir)
        self.browser_executable = browser_executable
        self.timeout_ms = timeout_ms
        self.cancel = cancel
        self.logins = 0
        self._origin = _origin(self.base_url)
        self._playwright = None
        self._browser = None
        self._context = None
        self._page = None
        self._net: NetworkWatch | None = None
        self._session_checked = False
        # The list the page shows, loaded by ensure_session and not read yet: the scrape that
        # follows may start from it instead of loading it again (once only, or it is stale).
        self._unread_list_path: str | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> "WorkFossa":
        from playwright.sync_api import Error as PlaywrightError, sync_playwright

        self._playwright = sync_playwright().start()
        try:
            executable = self.browser_executable or pick_browser(
                self._playwright.chromium.executable_path)
            try:
                self._browser = self._playwright.chromium.launch(
                    executable_path=executable, headless=True)
            except PlaywrightError as exc:
                if not os.path.exists(executable):
                    raise BrowserNotFound(
                        f"the browser {executable} does not exist; {HOW_TO_GET_ONE}") from None
                raise BrowserFailed(
                    f"the browser {executable} did not start: {_first_line(exc)}") from None
            self._context = self._browser.new_context(
                viewport=VIEWPORT, storage_state=self._saved_state())
            self._context.set_default_timeout(self.timeout_ms)
            self._context.set_default_navigation_timeout(self.timeout_ms)
            self._page = self._context.new_page()
            self._net = NetworkWatch(self._page, self._origin)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the page, the browser and Playwright (safe to call twice, never raises)."""
        for closer in (self._context, self._browser):
            if closer is not None:
                try:
                    closer.close()
                except Exception:
                    pass
        if self._playwright is not None:
            try:
                self._playwright.stop()
            except Exception:
                pass
        self._playwright = self._browser = self._context = self._page = None

    # --- session ---------------------------------------------------------------------------

    def ensure_session(self, on_progress: ProgressCallback | None = None) -> bool:
        """Reuse the saved session when it still opens the work list, else log in and save it;
        return True when a login was made."""
        with self._errors_with_artefacts():
            self._session_checked = True
            if self.state_path.exists():
                try:
                    self._open_list(site.ACTIVE_LIST_PATH)
                    self._unread_list_path = site.ACTIVE_LIST_PATH
                    return False
                except _LandedOnLogin:
                    pass
            self._login(on_progress)
            return True

    def login(self, on_progress: ProgressCallback | None = None) -> None:
        """Log in afresh (forgetting any session) and save the new session."""
        with self._errors_with_artefacts():
            self._session_checked = True
            self._login(on_progress)

    def _login(self, on_progress: ProgressCallback | None) -> None:
        """Submit the login form; raise CredentialsRejected when it comes back."""
        from playwright.sync_api import Error as PlaywrightError

        page = self._require_page()
        _report(on_progress, ScrapeProgress(phase="logging_in"))
        self._context.clear_cookies()
        self._unread_list_path = None
        self._goto("/", what="the login page")
        form = page.locator(site.LOGIN_FORM)
        if form.count() == 0:
            raise LayoutNotRecognised(
                f"no login form ({site.LOGIN_FORM}) at {self.base_url}/", site.LOGIN_FORM)
        secret = self._password()
        try:
            form.locator(site.LOGIN_EMAIL).fill(self.username)
            form.locator(site.LOGIN_PASSWORD).fill(secret.reveal())
        except PlaywrightError:
            # Never pass Playwright's message on: it could quote what was typed.
            raise LayoutNotRecognised(
                f"the login form's fields ({site.LOGIN_EMAIL}, {site.LOGIN_PASSWORD}) "
                "could not be filled", site.LOGIN_PASSWORD) from None
        self._net.start_step()
        with page.expect_navigation(wait_until="domcontentloaded"):
            form.locator(site.LOGIN_SUBMIT).first.click()
        self.logins += 1
        failure = self._net.first_failure()
        if failure is not None:
            raise _unreachable(failure[1], failure[0])
        status = self._net.document_status()
        if page.locator(site.LOGIN_FORM).count() > 0 and (status is None or status < 500):
            raise CredentialsRejected(self.username)
        if status is not None and status >= 400:
            raise SiteHttpError(
                f"WorkFossa answered HTTP {status} to the login form ({page.url})", status)
        if page.locator(site.LOGGED_IN_MARK).count() == 0:
            raise LayoutNotRecognised(
                f"after logging in, the page ({page.url}) shows neither the login form nor "
                f"the logged-in navigation ({site.LOGGED_IN_MARK})", site.LOGGED_IN_MARK)
        self._save_state()

    def _password(self) -> Secret:
        """Return the password, fetching it from its source the first time only."""
        if self._secret is None:
            source = self._password_source
            value = source() if callable(source) and not isinstance(source, Secret) else source
            self._secret = value if isinstance(value, Secret) else Secret(str(value))
        return self._secret

    def _saved_state(self) -> dict | None:
        """Return the saved storage state when the file holds one, else None."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if isinstance(state, dict) and "cookies" in state else None

    def _save_state(self) -> None:
        """Write the context's cookies and storage to state_path (mode 0600)."""
        state = self._context.storage_state()
        write_private(self.state_path, json.dumps(state).encode("utf-8"))

    # --- the work list ---------------------------------------------------------------------

    def read_work_orders(self, on_progress: ProgressCallback | None = None,
                         include_completed: bool = False) -> ScrapeResult:
        """Read every page of the work list (Show 100, next-page until a stop rule) and return
        the distinct orders with the site's match count. One re-login is made if the session
        expires on the way; a second expiry raises SessionExpired."""
        with self._errors_with_artefacts():
            if not self._session_checked:
                self.ensure_session(on_progress)
            path = site.ALL_LIST_PATH if include_completed else site.ACTIVE_LIST_PATH
            orders: dict[str, dict] = {}
            progress = {"matches": 0, "pages": 0, "seen": set()}
            relogged = False
            with BackgroundParser(self.base_url) as parser:
                while True:
                    try:
                        self._read_all_pages(path, parser, orders, progress, on_progress)
                        break
                    except _LandedOnLogin:
                        if relogged:
                            raise SessionExpired(
                                "the WorkFossa session expired again right after a fresh login "
                                f"(after {len(progress['seen'])} of {progress['matches']} "
                                "orders); try again later") from None
                        relogged = True
                        self._login(on_progress)
                parser.merge_all(orders)
            self._save_state()  # the site may have refreshed its cookies
            return ScrapeResult(orders=list(orders.values()), matches=progress["matches"],
                                rows_read=len(orders), pages=progress["pages"],
                                logins=self.logins)

    def _read_all_pages(self, path: str, parser: BackgroundParser, orders: dict,
                        progress: dict, on_progress: ProgressCallback | None) -> None:
        """Open the list, choose Show 100, and read pages until a stop rule holds; pages
        already read (before a re-login) are read again, which the dedupe makes harmless.

        Each page's rows go to the background parser while the browser loads the next page;
        the stop rules and progress use the row numbers the page read returns beside them.
        """
        seen: set = progress["seen"]
        pages_read_before = progress["pages"]  # > 0 when resuming after a re-login
        state = self._open_list(path)
        if state["matches"] > state["rowCount"]:  # more than one page at the default size
            state = self._choose_page_size(state)
        page_size = site.PAGE_SIZE if state["sizeChosen"] == f"Show {site.PAGE_SIZE}" \
            else site.DEFAULT_PAGE_SIZE
        while True:
            self._check_cancel()
            parser.merge_ready(orders)  # raises a row's layout error as soon as it is known
            page_state = self._page.evaluate(site.READ_PAGE)
            if page_state["login"]:
                raise _LandedOnLogin()
            if page_state["matches"] is None:  # the count went away with the page change
                self._explain_list_not_ready()
            parser.submit(page_state["rows"])
            page_no = page_state["page"] or 1
            new_numbers = {n for n in page_state["numbers"] if n} - seen
            seen |= new_numbers
            matches = page_state["matches"]
            progress["matches"] = matches
            progress["pages"] = max(progress["pages"], page_no)
            _report(on_progress, ScrapeProgress(
                phase="scraping", page=page_no,
                pages=max(1, math.ceil(matches / page_size)) if matches else 1,
                rows_read=len(seen), matches=matches))
            # Pages read before a re-login bring nothing new: only later pages must.
            stalled = page_no > max(1, pages_read_before) and not new_numbers
            if self._should_stop(page_state, len(seen), stalled):
                return
            self._next_page(page_state)

    def _should_stop(self, state: dict, rows_read: int, stalled: bool) -> bool:
        """Return True when a stop rule of WORKFOSSA_SITE.md holds: rows read reach the match
        count, the list's pagination is hidden, or next-page is disabled. A new page that
        added no order (`stalled`) also stops: a site that pages forever must not loop us."""
        if rows_read >= state["matches"]:
            return True
        if not state["pagerFound"]:
            raise LayoutNotRecognised(
                f"the work list has {state['matches']} matches but only {rows_read} rows were "
                f"read and it has no pagination ({site.LIST_PAGINATION})", site.LIST_PAGINATION)
        if not state["pagerVisible"] or state["nextDisabled"]:
            return True
        if not state["nextFound"]:
            raise LayoutNotRecognised(
                f"the work list's pagination has no next-page link ({site.NEXT_PAGE})",
                site.NEXT_PAGE)
        return stalled

    def _open_list(self, path: str) -> dict:
        """Show the work list at `path` and wait until it is ready; return its state (the
        list ensure_session just loaded is used as it is). Raises _LandedOnLogin on the
        login form."""
        fresh, self._unread_list_path = self._unread_list_path == path, None
        if fresh:
            state = self._page.evaluate(site.LIST_STATE)
            if not state["login"] and state["matches"] is not None:
                return state
        self._goto(path, what="the work list")
        state = self._wait(site.LIST_READY, None, what="the work list", page_no=1)
        if state is None:
            self._explain_list_not_ready()
        return state

    def _explain_list_not_ready(self) -> None:
        """Raise the layout error that says which part of the loaded list is missing."""
        state = self._page.evaluate(site.LIST_STATE)
        if state["matches"] is None:
            raise LayoutNotRecognised(
                f"the work list shows no match count ({site.MATCH_COUNT} with \"N matches\")",
                site.MATCH_COUNT)
        raise LayoutNotRecognised(
            f"the work list says {state['matches']} matches but shows no rows ({site.ROWS})",
            site.ROWS)

    def _choose_page_size(self, state: dict) -> dict:
        """Choose "Show 100" in the page-size menu (the ks-select holding input[name=limit])
        and wait for the list to reload at page 1; return the new state."""
        page = self._page
        label = f"Show {site.PAGE_SIZE}"
        menu = page.locator("div.ks-select", has=page.locator("input[name=limit]")).first
        if not state["sizeMenuFound"]:
            raise LayoutNotRecognised(
                f"the work list has no page-size menu ({site.PAGE_SIZE_MENU})", site.PAGE_SIZE_MENU)
        self._click(menu.locator(".ks-select-selection"), "the page-size menu",
                    site.PAGE_SIZE_MENU)
        option = menu.locator(site.PAGE_SIZE_OPTION).filter(has_text=label)
        if option.count() == 0:
            raise LayoutNotRecognised(
                f"the page-size menu offers no \"{label}\" ({site.PAGE_SIZE_OPTION})",
                site.PAGE_SIZE_OPTION)
        self._net.start_step()
        self._click(option.first, f"\"{label}\" in the page-size menu", site.PAGE_SIZE_MENU)
        new_state = self._wait(site.SIZE_APPLIED, {"label": label, "before": state["rowCount"]},
                               what=f"the work list at \"{label}\"", page_no=1)
        if new_state is None:
            raise LayoutNotRecognised(
                f"choosing \"{label}\" in the page-size menu ({site.PAGE_SIZE_MENU}) did not "
                "reload the work list", site.PAGE_SIZE_MENU)
        return new_state

    def _next_page(self, state: dict) -> None:
        """Click the list's next-page link and wait until the list shows the next page."""
        want = (state["page"] or 1) + 1
        self._net.start_step()
        self._click(self._page.locator(site.NEXT_PAGE).first, "next-page", site.NEXT_PAGE)
        shown = self._wait(site.PAGE_SHOWN, {"page": want, "before": state["signature"]},
                           what=f"page {want} of the work list", page_no=want)
        if shown is None:
            raise LayoutNotRecognised(
                f"clicking next-page ({site.NEXT_PAGE}) did not show page {want} of the work list",
                site.NEXT_PAGE)

    # --- waiting and navigation ------------------------------------------------------------

    def _click(self, locator, what: str, selector: str) -> None:
        """Click like a user (visible, enabled, not covered); LayoutNotRecognised naming the
        selector when that cannot happen within timeout_ms (hidden, covered by a dialog...)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            locator.click()
        except PlaywrightTimeout:
            raise LayoutNotRecognised(
                f"could not click {what} ({selector}) within {self.timeout_ms / 1000:g} s: "
                "it is missing, hidden or covered", selector) from None

    def _goto(self, path: str, what: str) -> None:
        """Navigate to base_url + path; SiteUnreachable when the connection fails,
        SiteHttpError when the page itself answers with an HTTP error."""
        from playwright.sync_api import Error as PlaywrightError

        url = self.base_url + path
        self._check_cancel()
        self._net.start_step()
        try:
            self._page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            raise _unreachable(url, _first_line(exc)) from None
        status = self._net.document_status()
        if status is not None and status >= 400 and status not in AUTH_STATUSES:
            raise SiteHttpError(
                f"WorkFossa answered HTTP {status} for {what} (page 1, {self._page.url})", status)

    def _wait(self, predicate: str, arg, what: str, page_no: int) -> dict | None:
        """Wait until `predicate` (a site.* reader) returns the list state; return it.

        Raises _LandedOnLogin when the login form shows, Interrupted when cancelled. When the
        page's requests have all finished for QUIET_SECONDS and it still does not show what we
        wait for: SiteUnreachable / SiteHttpError when one of them failed, _LandedOnLogin when
        one was answered 401/419, else None (the caller says which part is missing). A request
        failing does not end the wait by itself: the list may still show what we wait for.
        SiteUnreachable (or the HTTP error seen) when timeout_ms passes first.
        """
        from playwright.sync_api import Error as PlaywrightError, TimeoutError as PlaywrightTimeout

        deadline = time.monotonic() + self.timeout_ms / 1000
        while True:
            self._check_cancel()
            remaining_ms = (deadline - time.monotonic()) * 1000
            try:
                handle = self._page.wait_for_function(
                    predicate, arg=arg, timeout=max(1.0, min(SLICE_MS, remaining_ms)))
                state = handle.json_value()
                handle.dispose()
                if state.get("login"):
                    raise _LandedOnLogin()
                return state
            except PlaywrightTimeout:
                pass
            except PlaywrightError as exc:
                # A navigation (to the login form, say) replaced the page mid-poll: poll again.
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
            if self._net.quiet_for() >= QUIET_SECONDS:
                self._raise_request_errors(what, page_no)
                if self._net.saw_auth_failure():
                    raise _LandedOnLogin()  # 401/419 without a redirect: the session is gone
                return None
            if time.monotonic() >= deadline:
                self._raise_request_errors(what, page_no)
                raise SiteUnreachable(
                    f"WorkFossa did not show {what} within {self.timeout_ms / 1000:g} s "
                    f"({self._page.url}); the site may be slow or down: check the network "
                    "and WOSYNC_BASE_URL")

    def _raise_request_errors(self, what: str, page_no: int) -> None:
        """Raise for a request of this step that failed: SiteUnreachable when the connection
        failed, SiteHttpError for an HTTP error (401/419 are left to the login-form check)."""
        failure = self._net.first_failure()
        if failure is not None:
            raise _unreachable(failure[1], failure[0])
        error = self._net.first_http_error()
        if error is not None:
            status, url = error
            raise SiteHttpError(
                f"WorkFossa answered HTTP {status} while loading {what} (page {page_no}, {url})",
                status)

    def _check_cancel(self) -> None:
        """Raise Interrupted when the caller asked us to stop."""
        if self.cancel is not None and self.cancel.is_set():
            raise Interrupted("the WorkFossa scrape was cancelled")

    def _require_page(self):
        if self._page is None:
            raise RuntimeError("use WorkFossa as a context manager: `with WorkFossa(...) as wf:`")
        return self._page

    @contextmanager
    def _errors_with_artefacts(self):
        """Run a public step: turn Playwright failures into typed errors, and save a
        screenshot and the page HTML for any scrape error, naming them in its message."""
        from playwright.sync_api import Error as PlaywrightError, TimeoutError as PlaywrightTimeout

        self._require_page()
        try:
            yield
        except ScrapeError as exc:
            if not exc.artefacts:
                exc.attach_artefacts(self._save_artefacts(exc.kind))
            raise
        except _LandedOnLogin:
            error = SessionExpired("the WorkFossa session ended and the login form showed instead "
                                   "of the work list")
            error.attach_artefacts(self._save_artefacts(error.kind))
            raise error from None
        except PlaywrightTimeout as exc:
            # An action (a click, a navigation) that the site never let finish.
            error = SiteUnreachable(
                f"WorkFossa did not respond in time ({_first_line(exc)}; page {self._page.url}); "
                "the site may be slow or down: check the network and WOSYNC_BASE_URL")
            error.attach_artefacts(self._save_artefacts(error.kind))
            raise error from None
        except PlaywrightError as exc:
            error = BrowserFailed(f"the browser failed while reading WorkFossa: {_first_line(exc)}")
            error.attach_artefacts(self._save_artefacts(error.kind))
            raise error from None

    def _save_artefacts(self, kind: str) -> list:
        """Save a screenshot and the page HTML; return their paths (none without a page)."""
        if self._page is None:
            return []
        return save_artefacts(self._page, self.artefacts_dir, kind, self._secret)


def _report(on_progress: ProgressCallback | None, progress: ScrapeProgress) -> None:
    if on_progress is not None:
        on_progress(progress)


def _origin(url: str) -> str:
    """Given a URL, return its scheme://host[:port]."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _first_line(exc: BaseException) -> str:
    """Return the first line of an exception's message (Playwright appends long call logs)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _unreachable(url: str, reason: str) -> SiteUnreachable:
    """Return the error for a request to `url` that failed to connect, resolve or answer."""
    return SiteUnreachable(
        f"cannot reach WorkFossa at {url} ({reason}); check WOSYNC_BASE_URL and the network")
