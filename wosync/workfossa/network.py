"""Watch the page's own requests to the site: HTTP errors, failed connections, quiet time.

Playwright reports requests as events; this keeps, for the current step (a navigation or a
click on the list), what a scrape must react to: an HTTP error on a page or data request,
a connection that failed, and whether every request has finished (and since when).
"""

from __future__ import annotations

import time

# Pages and their data requests; images, fonts and styles do not decide a scrape.
TRACKED_TYPES = frozenset({"document", "xhr", "fetch"})
# Answers that mean "no session" (Laravel: 401 unauthenticated, 419 CSRF token expired):
# the login-form check handles them, they are not site failures.
AUTH_STATUSES = frozenset({401, 419})


class NetworkWatch:
    """Given a Playwright page and the site's origin, record its requests to that origin."""

    def __init__(self, page, origin: str):
        self._origin = origin
        self._in_flight: set[int] = set()
        self._last_activity = time.monotonic()
        self._http_errors: list[tuple[int, str]] = []
        self._auth_failures: list[tuple[int, str]] = []
        self._failures: list[tuple[str, str]] = []
        self._document_status: int | None = None
        self._main_frame = page.main_frame
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_done)
        page.on("requestfailed", self._on_failed)
        page.on("response", self._on_response)

    def start_step(self) -> None:
        """Forget the previous step's errors; quiet time counts from now."""
        self._http_errors.clear()
        self._auth_failures.clear()
        self._failures.clear()
        self._document_status = None
        self._last_activity = time.monotonic()

    def quiet_for(self) -> float:
        """Return the seconds since the last request to the site finished (0 while one runs)."""
        if self._in_flight:
            return 0.0
        return time.monotonic() - self._last_activity

    def first_http_error(self) -> tuple[int, str] | None:
        """Return (status, url) of this step's first HTTP error (>= 400, not 401/419), or None."""
        return self._http_errors[0] if self._http_errors else None

    def saw_auth_failure(self) -> bool:
        """Return True when a request of this step was answered 401 or 419."""
        return bool(self._auth_failures)

    def first_failure(self) -> tuple[str, str] | None:
        """Return (reason, url) of this step's first request that failed to connect, or None."""
        return self._failures[0] if self._failures else None

    def document_status(self) -> int | None:
        """Return the HTTP status of this step's last main-frame page response, or None."""
        return self._document_status

    # --- event handlers --------------------------------------------------------------------

    def _tracked(self, request) -> bool:
        url = request.url
        return (request.resource_type in TRACKED_TYPES
                and (url == self._origin or url.startswith(self._origin + "/")))

    def _on_request(self, request) -> None:
        if self._tracked(request):
            self._in_flight.add(id(request))
            self._last_activity = time.monotonic()

    def _on_done(self, request) -> None:
        if id(request) in self._in_flight:
            self._in_flight.discard(id(request))
            self._last_activity = time.monotonic()

    def _on_failed(self, request) -> None:
        self._on_done(request)
        if not self._tracked(request):
            return
        reason = request.failure or "failed"
        # ERR_ABORTED is the browser cancelling a request because the page moved on.
        if "ERR_ABORTED" not in reason:
            self._failures.append((reason, request.url))

    def _on_response(self, response) -> None:
        request = response.request
        if not self._tracked(request):
            return
        status = response.status
        if request.resource_type == "document" and request.frame == self._main_frame:
            self._document_status = status
        if status >= 400:
            # An error answer counts as finished once it arrives: the page's script may never
            # read its body, and Chromium then never reports the request as finished.
            self._on_done(request)
        if status in AUTH_STATUSES:
            self._auth_failures.append((status, response.url))
        elif status >= 400:
            self._http_errors.append((status, response.url))
