"""Parse pages of rows in one background thread while the browser loads the next page.

Parsing 100 rows takes about as long as the browser takes to fetch and draw the next page,
and the Python side only waits during that time; one worker thread lets the two overlap.
Pages are merged in the order they were read, so the orders keep the list's order.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

from wosync.workfossa.parse import parse_row


class BackgroundParser:
    """Given the base URL, parse submitted pages of row HTML in a worker thread; merge them,
    in order, into a dict of orders keyed by number (a later read replaces an earlier one
    but keeps its place). Use as a context manager so the thread always ends."""

    def __init__(self, base_url: str):
        self._base_url = base_url
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wosync-parse")
        self._pending: deque[Future] = deque()

    def __enter__(self) -> "BackgroundParser":
        return self

    def __exit__(self, *exc_info) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, rows_html: list[str]) -> None:
        """Queue one page's rows for parsing."""
        self._pending.append(self._pool.submit(self._parse_page, rows_html))

    def merge_ready(self, orders: dict) -> None:
        """Merge the pages parsed so far (in order) into `orders`; re-raise a page's parse
        error (a row the layout rules cannot read) as soon as it is known."""
        while self._pending and self._pending[0].done():
            self._merge(self._pending.popleft().result(), orders)

    def merge_all(self, orders: dict) -> None:
        """Wait for every queued page and merge it into `orders`."""
        while self._pending:
            self._merge(self._pending.popleft().result(), orders)

    def _parse_page(self, rows_html: list[str]) -> list[dict]:
        return [parse_row(html, self._base_url) for html in rows_html]

    @staticmethod
    def _merge(page: list[dict], orders: dict) -> None:
        for order in page:
            orders[order["number"]] = order
