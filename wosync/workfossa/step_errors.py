"""How a browser step fails: Playwright's failures turned into wosync's typed errors, with a
screenshot and the page's HTML saved for any scrape error and named in its message.

StepErrors is a part of browser.BrowserSession (it uses the session's page, watchdog,
artefacts folder and password); LandedOnLogin and first_line are shared by the site's steps.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from wosync.workfossa.artefacts import save_artefacts
from wosync.workfossa.errors import BrowserFailed, ScrapeError, SessionExpired, SiteUnreachable


class LandedOnLogin(Exception):
    """The page shows the login form where a logged-in page was expected (the session ended)."""


def first_line(exc: BaseException) -> str:
    """Return the first line of an exception's message (Playwright appends long call logs)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class StepErrors:
    """Typed errors and artefacts for the steps of a browser session (see the module text)."""

    @contextmanager
    def errors_with_artefacts(self):
        """Run one public step: turn Playwright failures into typed errors, and save a
        screenshot and the page HTML for any scrape error, naming them in its message. A page
        that stopped answering (the watchdog cut it, maybe while its artefacts were saved) is
        reported as such, whatever error it caused."""
        from playwright.sync_api import Error as PlaywrightError, TimeoutError as PlaywrightTimeout

        self.page  # noqa: B018 - RuntimeError outside the `with` block
        try:
            yield
        except ScrapeError as exc:
            if not exc.artefacts:
                exc.attach_artefacts(self.save_artefacts(exc.kind))
            self._raise_if_hung()
            raise
        except LandedOnLogin:
            error = SessionExpired("the WorkFossa session ended and the login form showed "
                                   "instead of the page asked for")
            self._raise_with_artefacts(error)
        except PlaywrightTimeout as exc:
            # An action (a click, a navigation) that the site never let finish.
            self._raise_with_artefacts(SiteUnreachable(
                f"WorkFossa did not respond in time ({first_line(exc)}; page {self.page.url}); "
                "the site may be slow or down: check the network and WOSYNC_BASE_URL"))
        except PlaywrightError as exc:
            self._raise_with_artefacts(BrowserFailed(
                f"the browser failed while reading WorkFossa: {first_line(exc)}"))

    def _raise_with_artefacts(self, error: ScrapeError) -> None:
        """Save the artefacts, attach them to `error` and raise it (or the hang it ran into)."""
        error.attach_artefacts(self.save_artefacts(error.kind))
        self._raise_if_hung()
        raise error from None

    def _raise_if_hung(self) -> None:
        """Raise SiteUnreachable when the watchdog stopped a page that no longer answered."""
        hung = self._watchdog.fired if self._watchdog is not None else None
        if hung is not None:
            raise SiteUnreachable(
                f"the WorkFossa page stopped answering while wosync waited for {hung}: its "
                f"script kept it busy for {self._watchdog.limit_seconds:g} s, so wosync stopped "
                "it; try again later, and if it keeps happening, look at the site in a browser"
            ) from None

    def save_artefacts(self, kind: str) -> list[Path]:
        """Save a screenshot and the page HTML; return their paths (none without a page)."""
        if self._page is None:
            return []
        with self.answering("the page's HTML and screenshot"):
            return save_artefacts(self._page, self.artefacts_dir, kind, self._secret)
