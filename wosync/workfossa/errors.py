"""The scraper's typed errors: each names what went wrong, the fix, and the saved artefacts.

Every class subclasses the wosync error that gives the right exit code and carries its own
`kind` (stored in `runs.error_kind`). `artefacts` lists the screenshot and page HTML saved when
the error happened (empty when there was no page to save).
"""

from __future__ import annotations

from pathlib import Path

from wosync.errors import CredentialsError, SyncFailed, WosyncError


class ScrapeError(WosyncError):
    """Base of the scraper's errors; catch this to handle any of them."""

    kind = "scrape_error"

    def __init__(self, message: str, artefacts: list[Path] | None = None):
        super().__init__(message)
        self.artefacts: list[Path] = list(artefacts or [])

    def attach_artefacts(self, paths: list[Path]) -> None:
        """Given the saved screenshot/HTML paths, record them and name them in the message."""
        if not paths:
            return
        self.artefacts.extend(paths)
        # On a line of their own: details, never part of the one-line summary.
        self.message = f"{self.message}\n(saved: {', '.join(str(p) for p in paths)})"
        self.args = (self.message,)


class CredentialsRejected(ScrapeError, CredentialsError):
    """The site showed the login form again after the password was submitted."""

    kind = "credentials_rejected"

    def __init__(self, username: str, artefacts: list[Path] | None = None):
        super().__init__(
            f"WorkFossa rejected the password for {username}; "
            "run `wosync login` to store the right one",
            artefacts,
        )
        self.username = username


class SiteUnreachable(ScrapeError, SyncFailed):
    """The site could not be reached: connection refused, unknown host, or a timeout."""

    kind = "unreachable"


class SiteHttpError(ScrapeError, SyncFailed):
    """The site answered a page or data request of the work list with an HTTP error."""

    kind = "http_error"

    def __init__(self, message: str, status: int, artefacts: list[Path] | None = None):
        super().__init__(message, artefacts)
        self.status = status


class LocationNotFound(SiteHttpError):
    """A location's page says it may have been deleted: that location's own error (skip it,
    record it), never a layout failure. A SiteHttpError (404) so that readers of one location
    at a time already go on with the next."""

    kind = "location_not_found"

    def __init__(self, message: str, location_id: int, artefacts: list[Path] | None = None):
        super().__init__(message, 404, artefacts)
        self.location_id = location_id


class LayoutNotRecognised(ScrapeError, SyncFailed):
    """A part of the page the scraper relies on was not found (the site may have changed)."""

    kind = "layout"

    def __init__(self, message: str, selector: str, artefacts: list[Path] | None = None):
        super().__init__(message, artefacts)
        self.selector = selector


class SessionExpired(ScrapeError, SyncFailed):
    """The session expired again right after a fresh login, in the middle of one scrape."""

    kind = "session_expired"


class BrowserNotFound(ScrapeError, SyncFailed):
    """No Chromium could be found to drive."""

    kind = "browser_missing"


class BrowserFailed(ScrapeError, SyncFailed):
    """The browser itself failed in a way none of the other errors describes."""

    kind = "browser_failed"
