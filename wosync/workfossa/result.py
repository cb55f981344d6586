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
    """The orders read (distinct by number, in list order), the site's "N matches" figure,
    the distinct rows read, the pages read and the logins this scrape's object made."""

    orders: list[dict] = field(default_factory=list)
    matches: int = 0
    rows_read: int = 0
    pages: int = 0
    logins: int = 0

    @property
    def complete(self) -> bool:
        """Return True when every order the site counts was read (rows_read == matches)."""
        return self.rows_read == self.matches
