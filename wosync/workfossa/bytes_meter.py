"""Count the bytes a page received over the network, as the browser itself accounts them.

Chromium reports, for each request that finished loading, its encodedDataLength: the bytes
that came over the wire (headers and the body as sent, compressed or not); a file served from
its cache counts 0, a revalidation (304) counts its headers only. The events come over a CDP
session of the page's own, so counting adds no call per request (Playwright's
request.sizes() costs a round trip per request) and does not touch the HTTP cache (routing
requests through Playwright, page.route, would turn the cache off).
"""

from __future__ import annotations

import logging

log = logging.getLogger("wosync.bytes")


class ByteMeter:
    """Given a Playwright context and one of its pages, count the bytes the page receives."""

    def __init__(self, context, page):
        self.received = 0
        self.requests = 0
        self._session = None
        try:
            session = context.new_cdp_session(page)
            session.on("Network.loadingFinished", self._finished)
            session.send("Network.enable")
            self._session = session
        except Exception as exc:  # counting is a report, never a reason for a sync to fail
            log.info("cannot count the bytes received: %s", exc)

    @property
    def counting(self) -> bool:
        """True when the browser's accounting is available (bytes_received means something)."""
        return self._session is not None

    def _finished(self, event: dict) -> None:
        self.received += int(event.get("encodedDataLength") or 0)
        self.requests += 1
