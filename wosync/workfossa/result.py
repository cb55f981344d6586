"""What a scrape hands back (ScrapeResult) and reports while running (ScrapeProgress): both are
defined in wosync.model, the contract between a sync and its source; named here too so that an
import from this module's old place keeps working."""

from wosync.model import ScrapeProgress, ScrapeResult

__all__ = ["ScrapeProgress", "ScrapeResult"]
