"""Browser plumbing: find the Chromium to drive, launch it, navigate, wait, click, map errors.

Nothing here knows WorkFossa's pages (that is site.py and the steps in client.py): this is
what any scrape of any site would need. `find_browser` picks the executable (WOSYNC_BROWSER,
Playwright's own, or the system's); `BrowserSession` is one headless page on one site.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

from wosync import config
from wosync.error_text import network_reason
from wosync.errors import Interrupted
from wosync.secret import Secret
from wosync.workfossa import profile, session_file
from wosync.workfossa.bytes_meter import ByteMeter
from wosync.workfossa.errors import (
    BrowserFailed,
    BrowserNotFound,
    LayoutNotRecognised,
    SiteHttpError,
    SiteUnreachable,
)
from wosync.workfossa.network import AUTH_STATUSES, NetworkWatch
from wosync.workfossa.step_errors import LandedOnLogin, StepErrors, first_line
from wosync.workfossa.transfer import packing_reader, unpack_text
from wosync.workfossa.watchdog import PageWatchdog, chromium_processes

HOW_TO_GET_ONE = (
    "install one with `apt-get install chromium` or `playwright install chromium`, "
    "or point WOSYNC_BROWSER at a Chromium executable"
)


def find_browser() -> str:
    """Return the path of the Chromium to drive.

    Order: $WOSYNC_BROWSER (must be executable), else Playwright's own Chromium when it is
    installed, else a system Chromium. Raises BrowserNotFound naming how to get one.
    """
    configured = config.configured_browser()
    if configured:
        return _executable(configured)
    return pick_browser(_playwright_chromium_path())


def check_browser_starts(timeout_ms: int = 30_000) -> tuple[str, str]:
    """Given a launch timeout, find the Chromium wosync would drive and start it headless on
    about:blank, then close it; return (its path, its version).

    Raises BrowserNotFound when there is none, BrowserFailed (naming the path and how to get a
    working one) when it does not start: `wosync doctor` reports either as one line.
    """
    path = find_browser()
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, headless=True, timeout=timeout_ms)
            try:
                browser.new_page().goto("about:blank")
                version = browser.version
            finally:
                browser.close()
    except Exception as exc:
        raise BrowserFailed(f"{path} did not start: {first_line(exc)}; {HOW_TO_GET_ONE}") from None
    return path, version


def pick_browser(playwright_path: str | None) -> str:
    """Given the path where Playwright's own Chromium would be (None if unknown), return it
    when it exists, else the system Chromium; BrowserNotFound when there is neither.

    $WOSYNC_BROWSER is honoured first, as in find_browser.
    """
    configured = config.configured_browser()
    if configured:
        return _executable(configured)
    if playwright_path and os.access(playwright_path, os.X_OK):
        return playwright_path
    system = config.system_browser()
    if system:
        return system
    raise BrowserNotFound(f"no Chromium browser found; {HOW_TO_GET_ONE}")


def _executable(name: str) -> str:
    """Given WOSYNC_BROWSER's value (a path or a command name), return its executable path."""
    path = os.path.expanduser(name)
    if os.path.isabs(path) or os.sep in path:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    else:
        found = shutil.which(path)
        if found:
            return found
    raise BrowserNotFound(f"WOSYNC_BROWSER={name} is not an executable file; {HOW_TO_GET_ONE}")


def _playwright_chromium_path() -> str | None:
    """Return where Playwright expects its own Chromium (it may not be installed), or None
    when Playwright cannot say. Starts Playwright's driver briefly."""
    try:
        from playwright.sync_api import sync_playwright  # heavy: only here

        with sync_playwright() as playwright:
            return playwright.chromium.executable_path
    except Exception:  # no driver, broken install: fall back to the system's browser
        return None


# --- The browser session: launch, navigation, waits, clicks and error mapping ------------------

# The match count is hidden on narrow screens (sm-hide tab-hide): always a desktop-size window.
VIEWPORT = {"width": 1440, "height": 900}
# How long one poll of a page signal lasts before we look at cancel / HTTP errors again.
SLICE_MS = 200
# A wait gives up early (and explains why) when the page's own requests have all finished
# this long ago and the page still does not show what we wait for.
QUIET_SECONDS = 1.5
# A call into the page that Playwright gives no timeout (evaluate, content) is cut this long
# after the session's own timeout: the page's script has hung it (see watchdog.py).
HANG_GRACE_SECONDS = 10


# One slice of a wait, run in the page: the predicate on every animation frame (or every
# 50 ms, should frames stop) until it returns a value, or `ms` passed (then false). One call
# per slice; Playwright's wait_for_function takes three (the wait, reading the value,
# releasing its handle), which cost more than the predicate itself. The predicate is
# written into the source, never built from a string in the page (a site's CSP may forbid that).
_POLLING_SLICE = """async ({arg, ms}) => {
  const predicate = (%s);
  const end = performance.now() + ms;
  for (;;) {
    const value = predicate(arg);
    if (value || performance.now() >= end) return value || false;
    await new Promise((resolve) => { requestAnimationFrame(resolve); setTimeout(resolve, 50); });
  }
}"""


@functools.lru_cache(maxsize=64)
def polling_slice(predicate: str) -> str:
    """Given an in-page predicate's source (a function of one argument), return the source
    of one polling slice of it (see _POLLING_SLICE), taking {arg, ms}."""
    return _POLLING_SLICE % predicate


class BrowserSession(StepErrors):
    """A headless Chromium with one page on one site; use it as a context manager.

    Given the site's base URL, the storage-state file of the saved session (read at start,
    written by save_state, 0600), the folder for failure artefacts, an optional Chromium
    executable, the timeout of each wait and an optional cancel event. Knows nothing of
    WorkFossa's pages: the site's steps (client.WorkFossa) are built on it.

    With `profile_dir` (profile.py: one per account and site), Chromium keeps its profile
    there between sessions (its HTTP and code caches: a repeat sync does not fetch the site's
    build again); without it, every session starts from an empty one. Either way the saved
    session file alone decides which cookies the session starts with. `bytes_received` counts
    what the page got over the network (cache hits count 0).
    """

    def __init__(self, base_url: str, *, state_path: Path, artefacts_dir: Path,
                 browser_executable: str | None = None, timeout_ms: int = 30000,
                 cancel: threading.Event | None = None, account: str | None = None,
                 profile_dir: Path | None = None, profile_cap_bytes: int = profile.DEFAULT_CAP_BYTES):
        self.base_url = base_url.rstrip("/")
        self.profile_dir = Path(profile_dir) if profile_dir is not None else None
        self.profile_cap_bytes = profile_cap_bytes
        self.state_path = Path(state_path)
        # The saved session is used only for this account on this site (session_file.load).
        self.account = account
        self.session_loaded = False  # True when the browser started with a saved session
        self.artefacts_dir = Path(artefacts_dir)
        self.browser_executable = browser_executable
        self.timeout_ms = timeout_ms
        self.cancel = cancel
        self._origin = _origin(self.base_url)
        self._playwright = None
        self._browser = None
        self._context = None
        self._page = None
        self._net: NetworkWatch | None = None
        self._meter: ByteMeter | None = None
        self._watchdog: PageWatchdog | None = None
        # Typed text to keep out of artefacts (the password, once it was fetched).
        self._secret: Secret | None = None

    # --- lifecycle -------------------------------------------------------------------------

    def __enter__(self):
        from playwright.sync_api import Error as PlaywrightError, sync_playwright

        self._playwright = sync_playwright().start()
        try:
            executable = self.browser_executable or pick_browser(
                self._playwright.chromium.executable_path)
            running_before = set(chromium_processes(os.getpid()))
            try:
                self._context = self._launch(executable)
            except PlaywrightError as exc:
                if not os.path.exists(executable):
                    raise BrowserNotFound(
                        f"the browser {executable} does not exist; {HOW_TO_GET_ONE}") from None
                raise BrowserFailed(
                    f"the browser {executable} did not start: {first_line(exc)}") from None
            self._watchdog = PageWatchdog(self.timeout_ms / 1000 + HANG_GRACE_SECONDS)
            self._watchdog.watch_browser(running_before)
            self._context.set_default_timeout(self.timeout_ms)
            self._context.set_default_navigation_timeout(self.timeout_ms)
            pages = self._context.pages  # a persistent context opens with one blank page
            self._page = pages[0] if pages else self._context.new_page()
            self._meter = ByteMeter(self._context, self._page)
            self._net = NetworkWatch(self._page, self._origin)
        except BaseException:
            self.close()
            raise
        return self

    def _launch(self, executable: str):
        """Start Chromium; return the context to browse in: on the kept profile when there is
        one (profile.open_context), else a fresh one; with the saved session's cookies."""
        # A profile another wosync's browser holds now (a login during a sync) is not shared.
        if self.profile_dir is None or profile.in_use_by(self.profile_dir) is not None:
            self._browser = self._playwright.chromium.launch(executable_path=executable, headless=True)
            return self._browser.new_context(viewport=VIEWPORT, storage_state=self._saved_state())
        return profile.open_context(self._playwright.chromium, self.profile_dir, self._saved_state,
                                    cap_bytes=self.profile_cap_bytes, executable_path=executable,
                                    headless=True, viewport=VIEWPORT)

    @property
    def bytes_received(self) -> int | None:
        """The bytes the page received over the network so far (cache hits count 0); None
        when the browser could not count them."""
        meter = self._meter
        return meter.received if meter is not None and meter.counting else None

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
        if self._watchdog is not None:
            self._watchdog.stop()
        self._playwright = self._browser = self._context = self._page = None
        self._watchdog = None

    @property
    def page(self):
        """The Playwright page (RuntimeError outside the `with` block)."""
        if self._page is None:
            raise RuntimeError("use the session as a context manager: `with WorkFossa(...) as wf:`")
        return self._page

    @property
    def net(self) -> NetworkWatch:
        """The watch on the page's requests to the site."""
        self.page  # noqa: B018 - the same RuntimeError outside the `with` block
        return self._net

    # --- the saved session -----------------------------------------------------------------

    def _saved_state(self) -> dict | None:
        """Return the saved storage state when the file holds a session of this account on
        this site, else None (a file that is no session is moved aside: session_file.load)."""
        state = session_file.load(self.state_path, self.account, self.base_url)
        self.session_loaded = state is not None
        return state

    def save_state(self) -> None:
        """Write the context's cookies and storage to state_path, bound to this account and
        site (mode 0600)."""
        session_file.save(self.state_path, self.account, self.base_url, self._context.storage_state())

    def forget_session(self) -> None:
        """Drop the context's cookies (before a fresh login)."""
        self._context.clear_cookies()

    # --- navigation, clicks and waits ------------------------------------------------------

    def goto(self, path: str, what: str) -> None:
        """Navigate to base_url + path; SiteUnreachable when the connection fails,
        SiteHttpError when the page itself answers with an HTTP error (401/419 excepted:
        those mean "no session" and are judged by where the page landed)."""
        from playwright.sync_api import Error as PlaywrightError

        url = self.base_url + path
        self.check_cancel()
        self.net.start_step()
        try:
            self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError as exc:
            raise unreachable(url, first_line(exc)) from None
        status = self.net.document_status()
        if status is not None and status >= 400 and status not in AUTH_STATUSES:
            raise SiteHttpError(f"WorkFossa answered HTTP {status} for {what} ({self.page.url})",
                                status)

    def click(self, locator, what: str, selector: str) -> None:
        """Click like a user (visible, enabled, not covered); LayoutNotRecognised naming the
        selector when that cannot happen within timeout_ms (hidden, covered by a dialog...)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            locator.click()
        except PlaywrightTimeout:
            raise LayoutNotRecognised(
                f"could not click {what} ({selector}) within {self.timeout_ms / 1000:g} s: "
                "it is missing, hidden or covered", selector) from None

    def answering(self, what: str):
        """Return a context manager for one call into the page that Playwright gives no
        timeout (evaluate, content), `what` naming what it waits for: a page that hangs it is
        stopped after timeout_ms + HANG_GRACE_SECONDS, and the call raises (watchdog.py)."""
        return self._watchdog.call(what) if self._watchdog is not None else nullcontext()

    def read(self, reader: str, arg, what: str = "the page's answer") -> dict:
        """Run an in-page reader once (no waiting) with its argument; return what it returns.
        `what` names the answer awaited."""
        with self.answering(what):
            return self.page.evaluate(reader, arg)

    def read_packed(self, reader: str, arg, key: str, what: str = "the page's answer") -> dict:
        """Like read, for a reader whose result holds a large text under `key` (a page of
        rows' HTML): the text crosses from the page gzip-compressed, and is returned as the
        same str. See transfer.py for why and how. `what` names the answer awaited."""
        try:
            with self.answering(what):
                packed = self.page.evaluate(packing_reader(reader, key), arg)
            return unpack_text(packed, key)
        except ValueError:  # a page script broke the packing: read it unpacked
            return self.read(reader, arg, what)

    def wait_for(self, predicate: str, arg, what: str, packed: str | None = None) -> dict | None:
        """Wait until the in-page `predicate` returns a value (not false); return it. When
        `packed` names a large text in that value (a page of rows' HTML), the text crosses
        packed, as in read_packed: the page is read in the call that saw it ready.

        Raises LandedOnLogin when the value says {"login": true}, Interrupted when cancelled.
        When the page's requests have all finished for QUIET_SECONDS and it still does not
        show what we wait for: SiteUnreachable / SiteHttpError when one of them failed,
        LandedOnLogin when one was answered 401/419, else None (the caller says which part
        is missing). A failed request does not end the wait by itself: the page may still
        show what we wait for. SiteUnreachable (or the HTTP error seen) when timeout_ms
        passes first.
        """
        from playwright.sync_api import Error as PlaywrightError

        deadline = time.monotonic() + self.timeout_ms / 1000
        poll = polling_slice(predicate)
        while True:
            self.check_cancel()
            remaining_ms = (deadline - time.monotonic()) * 1000
            slice_arg = {"arg": arg, "ms": max(1.0, min(SLICE_MS, remaining_ms))}
            try:
                value = self.read(poll, slice_arg, what) if packed is None \
                    else self.read_packed(poll, slice_arg, packed, what)
                if value:
                    if isinstance(value, dict) and value.get("login"):
                        raise LandedOnLogin()
                    return value
            except PlaywrightError as exc:
                # A navigation (to the login form, say) replaced the page mid-poll: poll again.
                if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                    raise
            if self.net.quiet_for() >= QUIET_SECONDS:
                self.raise_request_errors(what)
                if self.net.saw_auth_failure():
                    raise LandedOnLogin()  # 401/419 without a redirect: the session is gone
                return None
            if time.monotonic() >= deadline:
                self.raise_request_errors(what)
                raise SiteUnreachable(
                    f"WorkFossa did not show {what} within {self.timeout_ms / 1000:g} s "
                    f"({self.page.url}); the site may be slow or down: check the network "
                    "and WOSYNC_BASE_URL")

    def raise_request_errors(self, what: str) -> None:
        """Raise for a request of this step that failed: SiteUnreachable when the connection
        failed, SiteHttpError for an HTTP error (401/419 are left to the login checks)."""
        failure = self.net.first_failure()
        if failure is not None:
            raise unreachable(failure[1], failure[0])
        error = self.net.first_http_error()
        if error is not None:
            status, url = error
            raise SiteHttpError(f"WorkFossa answered HTTP {status} while loading {what} ({url})",
                                status)

    def check_cancel(self) -> None:
        """Raise Interrupted when the caller asked us to stop."""
        if self.cancel is not None and self.cancel.is_set():
            raise Interrupted("the WorkFossa scrape was cancelled")


def _origin(url: str) -> str:
    """Given a URL, return its scheme://host[:port]."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def unreachable(url: str, reason: str) -> SiteUnreachable:
    """Return the error for a request to `url` that failed to connect, resolve or answer."""
    # The first line is the summary history shows; the URL and the browser's words follow it.
    return SiteUnreachable(
        f"cannot reach WorkFossa ({network_reason(reason)})\n"
        f"{url}: {reason}; check WOSYNC_BASE_URL and the network")
