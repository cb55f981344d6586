"""What a scrape hands back (ScrapeResult) and what it reports while running (ScrapeProgress)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScrapeProgress:
    """One progress report: the phase ("logging_in" | "scraping"), the page just read (0 before
    the first), the number of pages when known, distinct rows read so far and the site's
    match count when known."""

    phase: str
    page: int = 0
    pages: int | None = None
    rows_read: int = 0
    matches: int | None = None


@dataclass
class ScrapeResult:
    """What one read of the work list gave.

    orders: distinct by number, in list order; matches: the site's "N matches" figure (None
    when the page shows none, as with the simple pager); rows_read: distinct orders read;
    pages: pages read; logins: logins this scrape's object made; stop_reason: why the
    reading stopped (paging.py); empty_pages: pages that came back without rows;
    completeness: "count", "pager" or None when the read is not known complete (DESIGN.md
    step 5); artefacts: the screenshot and HTML saved when it is not; last_rows_html.
    """

    orders: list[dict] = field(default_factory=list)
    matches: int | None = None
    rows_read: int = 0
    pages: int = 0
    logins: int = 0
    stop_reason: str | None = None
    empty_pages: int = 0
    completeness: str | None = None
    artefacts: list = field(default_factory=list)
    # The HTML of the last page's rows: evidence for the layout-drift guard, which runs after
    # the browser has closed (keeping it costs nothing: the page was read as this HTML).
    last_rows_html: str | None = None

    @property
    def complete(self) -> bool:
        """Return True when the read is known complete (by the count or by the pager)."""
        return self.completeness is not None
