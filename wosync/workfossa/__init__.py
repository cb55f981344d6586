"""The Playwright scraper for the WorkFossa site (see docs/workfossa-site.md).

`WorkFossa` logs in (or reuses a saved session) and reads every page of the work list;
`parse_row` turns one row's HTML into an order dict; `find_browser` picks the Chromium to drive.
Playwright itself is imported only when a browser is started, so importing this is cheap.
"""

from wosync.workfossa.browser import find_browser
from wosync.workfossa.client import WorkFossa
from wosync.workfossa.parse import parse_row
from wosync.model import ScrapeProgress, ScrapeResult

__all__ = ["WorkFossa", "ScrapeResult", "ScrapeProgress", "find_browser", "parse_row"]
